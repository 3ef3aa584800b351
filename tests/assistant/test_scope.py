"""Scope and its refusals: a region or year the corpus covers but the explicit CLI/UI filters
exclude is the filters' doing, not a gap in the documents."""
from __future__ import annotations

from assistant.core import refusal_text
from assistant.query import analyse
from assistant.scope import FilterNote, scope

DONGBAO = {"region": "东宝区", "year": None, "doc": None}  # the web app's filter shape
XIANNING_Q = "咸宁2024年要通过认定多少家高新技术企业?"
XIANNING_DOC = "002_2a333607f86502c4.txt"


def test_region_filter_excluding_the_asked_region_blames_the_filter(assistant):
    ans = assistant.ask(XIANNING_Q, filters=DONGBAO)
    assert ans.refused and not ans.citations
    assert "所选筛选条件（地区：东宝区）不包含咸宁市" in ans.answer
    assert "资料中没有咸宁" not in ans.answer and "已收录地区" not in ans.answer


def test_english_question_gets_an_english_filter_refusal(assistant):
    ans = assistant.ask("How many high-tech enterprises must Xianning certify in 2024?", filters={"region": "东宝区"})
    assert ans.refused
    assert "The selected filters (region: 东宝区) exclude 咸宁市" in ans.answer
    assert "contain no science" not in ans.answer


def test_year_and_document_filters_are_blamed_too(assistant):
    ans = assistant.ask(XIANNING_Q, filters={"region": None, "year": 2023, "doc": None})
    assert ans.refused and "所选筛选条件（年份：2023）不包含咸宁市" in ans.answer
    ans = assistant.ask(XIANNING_Q, filters={"doc": "004_97c92cf58885207f.txt"})
    assert ans.refused and "文件：004_97c92cf58885207f.txt" in ans.answer and "不包含咸宁市" in ans.answer
    # filters that leave nothing at all are still reported as such
    sc = scope(analyse(XIANNING_Q, assistant.known_regions), assistant.docs,
               {"region": "咸宁市", "doc": "000_a4900b7333be9756.txt"})
    assert sc.refusal == "no_docs_for_filters"


def test_a_region_missing_from_the_corpus_is_still_the_corpus_gap(assistant):
    for filters in (None, DONGBAO):
        ans = assistant.ask("北京市2024年要新增多少家高新技术企业？", filters=filters)
        assert ans.refused and "资料中没有北京市的科技创新规划" in ans.answer
        assert "筛选" not in ans.answer


def test_matching_filter_answers_normally(assistant):
    ans = assistant.ask(XIANNING_Q, filters={"region": "咸宁市", "year": None, "doc": None})
    assert not ans.refused and "310" in ans.answer
    assert {c.doc for c in ans.citations} == {XIANNING_DOC}


def test_scope_filter_refusal_note_carries_the_filters(assistant):
    q = analyse(XIANNING_Q, assistant.known_regions)
    sc = scope(q, assistant.docs, DONGBAO)
    assert sc.refusal == "filters" and sc.docs == {}
    assert str(sc.note) == "咸宁市" and sc.note.filters == {"region": "东宝区"}
    # without filters, the same question is in scope
    assert XIANNING_DOC in scope(q, assistant.docs, None).docs


def test_refusal_text_for_filters():
    q_zh = analyse("咸宁市有多少家高企？", {"咸宁市": ["咸宁"]})
    text = refusal_text(q_zh, "filters", FilterNote("咸宁市", {"region": "东宝区", "year": 2023, "doc": None}), {})
    assert text.startswith("所选筛选条件（地区：东宝区；年份：2023）不包含咸宁市")
    q_en = analyse("How many high-tech enterprises does Xianning have?", {"咸宁市": ["咸宁"]})
    text = refusal_text(q_en, "filters", FilterNote("咸宁市", {"region": "东宝区"}), {})
    assert text.startswith("The selected filters (region: 东宝区) exclude 咸宁市")
    # a plain note (no filters attached) still reads sensibly
    assert "不包含咸宁市" in refusal_text(q_zh, "filters", "咸宁市", {})


# ---------------------------------------------------------------- several entities, whole regions
def _scoped(assistant, question):
    return scope(analyse(question, assistant.known_regions), assistant.docs, {})


def test_a_region_and_another_document_named_together_are_both_in_scope(assistant):
    sc = _scoped(assistant, "下陆区和科创局2023年的技术交易额目标各是多少?")
    assert set(sc.docs) == {"000_a4900b7333be9756.txt", "001_136a9505bad5a282.txt"}
    # a document reference that narrows the region's own plans still narrows
    sc = _scoped(assistant, "咸宁2024年科技创新工作要点是哪天发布的?")
    assert set(sc.docs) == {XIANNING_DOC}
    # words of another region's title in a question about one region name no second side
    # (东宝区创新型县(市、区)建设行动方案 vs 咸宁推动哪个区创建…创新型县(市、区))
    sc = _scoped(assistant, "咸宁推动哪个区创建国家级创新型县(市、区)?")
    assert set(sc.docs) == {XIANNING_DOC} and len(sc.groups) == 1


def test_comparison_keeps_a_region_whose_plan_covers_other_years(assistant):
    sc = _scoped(assistant, "2023年下陆区和东宝区的高新技术企业目标各是多少?")
    assert set(sc.docs) == {"000_a4900b7333be9756.txt", "004_97c92cf58885207f.txt"}
    # scoping is soft: the plan stays in scope, and no figure of it answers a year it does not cover
    assert _scoped(assistant, "东宝区2023年的高新技术企业目标是多少?").refusal is None
    ans = assistant.ask("东宝区2023年的高新技术企业目标是多少?")
    assert ans.refused and "2023" in ans.answer


def test_whole_city_is_not_answered_by_a_district_plan(assistant):
    assert set(_scoped(assistant, "黄石市2023年新增高新技术企业的目标是多少?").docs) == {"000_a4900b7333be9756.txt"}
    assert _scoped(assistant, "黄石市全市2023年新增高新技术企业的目标是多少?").refusal == "region"


def test_english_question_names_a_document_through_the_glossary(assistant):
    sc = _scoped(assistant, "What loan product does the Science and Innovation Bureau's plan promote?")
    assert set(sc.docs) == {"001_136a9505bad5a282.txt"}
    assert len(_scoped(assistant, "What loan products do the plans promote?").docs) == len(assistant.docs)


def test_a_genre_word_is_no_reference_to_one_document(assistant):
    # 行动方案 is the kind of the 东宝区 plan, but here it names a plan cited inside the 咸宁 one
    assert set(_scoped(assistant, "咸宁功能区建设三年行动方案覆盖哪几年?").docs) == {XIANNING_DOC}


# ---------------------------------------------------------------- documents of unknown region
def _stored(key: str, text: str, region: str | None):
    from base.types import Doc, DocMeta
    from store import StoredDoc
    return StoredDoc(key, Doc(key, text, "txt", key), DocMeta(region=region, years=[2024]), [], [])


def test_a_document_of_unknown_region_that_names_the_region_is_in_scope_below_the_regions_own():
    known = {"瑶海区": ["瑶海"], "咸宁市": ["咸宁"]}
    page = _stored("page.txt", "2024年全区新增高新技术企业40家。……在瑶海，创新正当时。", None)
    other = _stored("other.txt", "2024年全区新增高新技术企业12家。", None)
    own = _stored("own.txt", "瑶海区2024年科技工作要点：新增高新技术企业35家。", "瑶海区")
    q = analyse("瑶海区2024年新增多少家高新技术企业？", known)
    sc = scope(q, {"page.txt": page, "other.txt": other}, {})
    assert sc.refusal is None and set(sc.docs) == {"page.txt"}  # not refused: a page names 瑶海
    # a document known to be the region's own comes first; the unknown page is not needed then
    sc = scope(q, {"page.txt": page, "own.txt": own}, {})
    assert set(sc.docs) == {"own.txt"}
    # a region no document names is still the corpus gap
    sc = scope(analyse("咸宁市2024年新增多少家高新技术企业？", known), {"page.txt": page, "other.txt": other}, {})
    assert sc.refusal == "region" and sc.docs == {}


def test_a_plan_period_in_the_question_names_no_document() -> None:
    from types import SimpleNamespace

    from assistant.query import analyse
    from assistant.scope import doc_references

    def doc(title: str):
        meta = SimpleNamespace(title=title, issuer=None, kind=None)
        return SimpleNamespace(meta=meta, doc=SimpleNamespace(text=title))

    docs = {"a.txt": doc("衡阳市“十四五”科技创新发展规划"), "b.txt": doc("大连未来将建设创新策源中心"),
            "c.txt": doc("玉林科技强玉三年行动顺利收官"), "d.txt": doc("广西科技强桂行动")}
    q = analyse("在大连“十四五”规划纲要主题发布会上介绍科技创新工作的是谁?", {"大连市": ["大连"]})
    assert doc_references(q, docs) == set()  # 十四五 is a period many plans share, scoped apart


def test_a_region_no_metadata_names_is_looked_for_in_the_texts_that_keep_naming_it(assistant_over):
    # the page's metadata says 上海 (the body that posted it), its text is about 大连 throughout
    page = ("发布机构:上海市科学技术委员会\n发布时间:2021年02月23日\n大连未来将建设创新策源中心\n"
            "大连市科技局副局长赵宏志表示,大连市将建设创新策源中心。据悉,大连将重点抓好五件事。"
            "到2025年,大连市高新技术企业数量超过5000家。\n")
    a = assistant_over(dl=page)
    ans = a.ask("到2025年大连高新技术企业要超过多少家?")
    assert not ans.refused and "5000" in ans.answer, ans.answer
    gap = a.ask("武汉市2024年技术合同成交额目标是多少?")  # named nowhere: the corpus gap, said as such
    assert gap.refused and "武汉市" in gap.answer


def test_a_plan_reports_the_period_before_it_but_not_earlier_ones() -> None:
    from types import SimpleNamespace

    from assistant.scope import _year_near

    plan = SimpleNamespace(meta=SimpleNamespace(years=[2021, 2022, 2023, 2024, 2025]))
    assert _year_near(plan, [2023]) and _year_near(plan, [2020]) and _year_near(plan, [2016])
    assert not _year_near(plan, [2010]) and not _year_near(plan, [2030])


def test_a_page_naming_no_region_that_speaks_at_the_asked_level_is_read_for_it():
    known = {"金水区": ["金水"], "咸宁市": ["咸宁"]}
    page = _stored("page.txt", "区科技局积极推动高新技术产业发展\n截至目前,全区共有高新技术企业506家。", None)
    q = analyse("金水区有多少家高新技术企业？", known)
    sc = scope(q, {"page.txt": page}, {})
    assert sc.refusal is None and set(sc.docs) == {"page.txt"} and sc.note == "region_unnamed"
    # a city does not speak of itself as 全区: the corpus gap, said as such
    assert scope(analyse("咸宁市有多少家高新技术企业？", known), {"page.txt": page}, {}).refusal == "region"
    # a document known to be the region's comes first, and nothing is said of unnamed pages
    own = _stored("own.txt", "金水区2024年科技工作要点：高新技术企业达到520家。", "金水区")
    sc = scope(q, {"page.txt": page, "own.txt": own}, {})
    assert set(sc.docs) == {"own.txt"} and sc.note == ""
    # one side of a comparison that no document names is read from such a page too
    other = _stored("zq.txt", "肇庆市高新技术企业新增107家。", "肇庆市")
    sc = scope(analyse("肇庆和金水区的高新技术企业各有多少家?", {**known, "肇庆市": ["肇庆"]}),
               {"page.txt": page, "zq.txt": other}, {})
    assert set(sc.docs) == {"page.txt", "zq.txt"} and len(sc.groups) == 2 and sc.note == "region_unnamed"
    assert [list(g) for g in sc.groups] == [["zq.txt"], ["page.txt"]]  # in the order the question names them
    sc = scope(analyse("金水区和肇庆的高新技术企业各有多少家?", {**known, "肇庆市": ["肇庆"]}),
               {"page.txt": page, "zq.txt": other}, {})
    assert [list(g) for g in sc.groups] == [["page.txt"], ["zq.txt"]]


def test_an_answer_from_a_page_naming_no_region_says_so(assistant_over):
    a = assistant_over(page="区科技局积极推动高新技术产业发展\n\n一是大力扶持科技型中小企业。"
                            "截至目前,全区共有高新技术企业506家,科技型企业1721家。\n")
    ans = a.ask("金水区有多少家高新技术企业?")
    assert not ans.refused and "506" in ans.answer, ans.answer
    assert ans.notice and "没有文件注明属于金水区" in ans.notice and "请核对" in ans.notice
    en = a.ask("How many high-tech enterprises does Jinshui district have?")
    assert not en.refused and "506" in en.answer and en.notice and "No document names 金水区" in en.notice
