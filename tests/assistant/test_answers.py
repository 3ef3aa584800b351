"""Real questions against the ingested corpus: figure/entity and document asserted, plus the
honesty invariants (numbers ⊂ quotes, quotes ⊂ document text) on every answer produced."""
from __future__ import annotations

import pytest

from assistant.grounding import check, numbers
from base.types import QuestionError

D000, D001, D002, D003, D004 = ("000_a4900b7333be9756.txt", "001_136a9505bad5a282.txt",
                                "002_2a333607f86502c4.txt", "003_485a95091e833f50.txt",
                                "004_97c92cf58885207f.txt")

# (question, must appear in the answer, a cited document)
ANSWERABLE = [
    ("咸宁2024年要通过认定多少家高新技术企业?", "310", D002),
    ("咸宁2024年计划组织申报多少家高新技术企业？", "350", D002),
    ("咸宁2024年科技型中小企业入库目标是多少家？", "2300", D002),
    ("咸宁市2024年选派多少名市级科技特派员？", "150", D002),
    ("下陆区2023年技术合同交易额目标是多少", "8.47", D000),
    ("下陆区2023年新增高新技术企业多少家？", "16", D000),
    ("下陆区科技型中小企业评价入库目标是多少家", "256", D000),
    ("科创局R&D占GDP比重目标是多少", "8.15", D001),
    ("科创局2023年新认定高新技术企业目标多少家？", "170", D001),
    ("东宝区到2022年全社会研发投入占地区生产总值比重要达到多少", "2.69", D004),
    ("东宝区到2022年高新技术企业要达到多少家？", "80", D004),
    ("东宝区技术市场成交合同额到2022年达到多少？", "6.5", D004),
    ("楼区技术合同成交额目标是多少", "13", D003),
    ("岳阳楼区科技型中小企业入库数力争达到多少家？", "85", D003),
    ("How many high-tech enterprises must Xianning certify in 2024?", "310", D002),
    ("What is Xialu's technology contract turnover target for 2023?", "8.47", D000),
    ("What R&D intensity does Dongbao target for 2022?", "2.69", D004),
    ("How many tech-based SMEs should Yueyanglou District register?", "85", D003),
    ("东宝区行动方案的文号是什么", "东政发〔2021〕6号", D004),
    ("咸宁2024年科技创新工作要点是哪天发布的？", "2024年02月27日", D002),  # as the page writes it
    ("东宝区行动方案哪个部门发布的？", "东宝区人民政府", D004),
]


@pytest.mark.parametrize("question,expected,doc", ANSWERABLE)
def test_answerable(assistant, question, expected, doc):
    ans = assistant.ask(question)
    assert not ans.refused, ans.answer
    assert expected in ans.answer
    assert doc in {c.doc for c in ans.citations}
    assert_invariants(assistant, ans)


def test_declared_vs_certified_in_one_sentence(assistant):
    ans = assistant.ask("咸宁2024年要通过认定多少家高新技术企业?")
    first_line = ans.answer.splitlines()[0]
    assert "310" in first_line and "申报高新技术企业350" not in first_line


def test_same_indicator_in_several_documents_resolved_by_region(assistant):
    a = assistant.ask("下陆区技术合同交易额目标是多少？")
    b = assistant.ask("岳阳楼区技术合同成交额目标是多少？")
    assert "8.47" in a.answer and "13" not in numbers(a.answer)
    assert "13" in b.answer and "8.47" not in b.answer


def test_an_english_question_for_every_document(assistant):
    for q, want, doc in [
        ("What is the R&D to GDP ratio target of the Science and Innovation Bureau (科创局)?", "8.15", D001),
        ("How many high-tech enterprises must Xianning certify in 2024?", "310", D002),
        ("What is Xialu's technology contract turnover target for 2023?", "8.47", D000),
        ("What is Yueyanglou District's technology contract turnover target?", "13", D003),
        ("How many high-tech enterprises should Dongbao have by 2022?", "80", D004),
    ]:
        ans = assistant.ask(q)
        assert want in ans.answer and doc in {c.doc for c in ans.citations}, (q, ans.answer)
        assert_invariants(assistant, ans)


def test_followups_inherit_region_year_and_subject(assistant):
    h = [{"q": "咸宁2024年要通过认定多少家高新技术企业?", "a": "通过认定高新技术企业310家"}]
    ans = assistant.ask("那科技型中小企业入库呢？", history=h)
    assert "2300" in ans.answer and D002 in {c.doc for c in ans.citations}
    h2 = [{"q": "咸宁2024年选派多少名市级科技特派员？", "a": "市级科技特派员150名"}]
    ans2 = assistant.ask("县级的呢？", history=h2)
    assert "500" in ans2.answer
    assert_invariants(assistant, ans)
    assert_invariants(assistant, ans2)


def test_policy_question(assistant):
    ans = assistant.ask("我是东宝区的一家科技型中小企业，有哪些支持？")
    assert not ans.refused and len(ans.citations) >= 2
    assert all(c.doc == D004 for c in ans.citations)
    assert any("科技型中小企业" in c.quote for c in ans.citations)
    assert_invariants(assistant, ans)


def test_comparison_names_the_larger(assistant):
    ans = assistant.ask("下陆区和东宝区谁的高新技术企业目标更多？")
    assert {D000, D004} <= {c.doc for c in ans.citations}
    assert "口径不同" in ans.answer  # 80 in total vs 16 new: not ranked against each other
    assert_invariants(assistant, ans)


@pytest.mark.parametrize("question", [
    "深圳市2024年要认定多少家高新技术企业？",  # a region not in the corpus
    "咸宁2024年要引进多少名院士？",  # a number never stated
    "咸宁市2019年的高新技术企业目标是多少？",  # a year not covered
    "What is Chengdu's R&D intensity target?",
])
def test_unanswerable_is_refused(assistant, question):
    ans = assistant.ask(question)
    assert ans.refused, ans.answer
    assert not ans.citations
    assert_invariants(assistant, ans)


def test_region_refusal_names_the_region(assistant):
    ans = assistant.ask("深圳市2024年要认定多少家高新技术企业？")
    assert "深圳市" in ans.answer and "资料中没有" in ans.answer


def test_filters_restrict_documents(assistant):
    ans = assistant.ask("高新技术企业目标是多少？", filters={"region": "东宝区"})
    assert {c.doc for c in ans.citations} == {D004}


def test_bad_questions_get_clear_errors(assistant):
    with pytest.raises(QuestionError, match="为空"):
        assistant.ask("   ")
    with pytest.raises(QuestionError, match="过长"):
        assistant.ask("高" * 5000)


def test_answer_json_contract(assistant):
    d = assistant.ask("咸宁2024年要通过认定多少家高新技术企业?").to_json("x1")
    assert list(d)[:6] == ["id", "question", "answer", "refused", "citations", "latency_ms"]
    c = d["citations"][0]
    assert set(c) >= {"n", "doc", "title", "region", "date", "section", "quote", "start", "end"}
    assert c["section"] == "六、强化六项重点任务 > 2.强化高新技术产业发展"


def test_grounding_rejects_invented_numbers():
    from base.types import Answer, Citation

    text = "通过认定高新技术企业310家"
    good = Answer("q", "目标310家[1]", False, [Citation(1, "d", None, None, None, "", text, 0, len(text))])
    assert check(good, {"d": text}).ok
    bad = Answer("q", "目标320家[1]", False, good.citations)
    assert not check(bad, {"d": text}).ok
    moved = Answer("q", "目标310家[1]", False, [Citation(1, "d", None, None, None, "", text, 1, len(text) + 1)])
    assert not check(moved, {"d": text}).ok
    dangling = Answer("q", "目标310家[2]", False, good.citations)
    assert not check(dangling, {"d": text}).ok


def assert_invariants(assistant, ans):
    for c in [*ans.citations, *ans.related]:
        assert assistant.doc_text(c.doc)[c.start:c.end] == c.quote
    if not ans.refused:
        quoted = set()
        for c in ans.citations:
            quoted.update(numbers(c.quote))
            m = assistant.docs[c.doc].meta
            quoted.update(numbers(f"{c.doc} {m.title or ''} {m.date or ''} {m.doc_no or ''}"))
        assert set(numbers(ans.answer)) <= quoted, ans.answer


# ---------------------------------------------------------------- several figures, yes/no, comparisons
def test_question_asking_two_figures_gets_both(assistant):
    ans = assistant.ask("科创局2023年高企申报和认定各多少家?")
    assert "200" in ans.answer and "170" in ans.answer
    assert {c.doc for c in ans.citations} == {D001}
    assert check(ans, {p: s.doc.text for p, s in assistant.docs.items()}).ok


def test_yes_no_with_a_wrong_figure_says_no_and_gives_the_right_one(assistant):
    ans = assistant.ask("咸宁2024年通过认定高新技术企业的目标是350家吗?")
    assert ans.answer.startswith("不是") and "310" in ans.answer
    ans = assistant.ask("咸宁2024年通过认定高新技术企业的目标是310家吗?")
    assert ans.answer.startswith("是") and "310" in ans.answer
    ans = assistant.ask("Does Xianning aim to certify more than 300 high-tech enterprises in 2024?")
    assert ans.answer.startswith("Yes") and "310" in ans.answer


def test_comparison_names_each_region_with_its_figure(assistant):
    ans = assistant.ask("东宝区和岳阳楼区谁的技术合同成交额目标更高?")
    assert "13" in ans.answer and "6.5" in ans.answer
    assert {c.doc for c in ans.citations} == {D003, D004}
    assert "岳阳楼区的数值较大" in ans.answer


def test_numeric_question_naming_two_regions_answers_for_both(assistant):
    ans = assistant.ask("咸宁和东宝区的研发投入占GDP比重目标分别是多少?")
    assert "1.5" in ans.answer and "2.69" in ans.answer
    assert {c.doc for c in ans.citations} == {D002, D004}


def test_verdict_on_a_claimed_figure():
    from assistant.compose.numeric import question_figures, verdict
    from assistant.query import analyse

    def v(question, value):
        q = analyse(question)
        return verdict(q, question_figures(q)[0], value)

    assert v("目标是350家吗?", 350) is True and v("目标是350家吗?", 310) is False
    assert v("要超过700家吗?", 750) is True and v("要超过700家吗?", 700) is False
    assert v("Will it be at least 700?", 700) is True
    assert v("是否低于10%?", 12) is False
    assert question_figures(analyse("Does it build a 5G scenario in 2024?")) == []
    # the numeral of a region's name is no claimed figure: 九江是否要求… asks yes or no of a sentence
    assert question_figures(analyse("九江是否要求研发投入强度增幅高于全省平均水平?")) == []
    assert [m.value for m in question_figures(analyse("三亚的高企目标是400家吗?"))] == ["400"]


def test_which_year_is_answered_from_the_plan_years(assistant):
    ans = assistant.ask("下陆区这份科技创新工作要点针对的是哪一年?")
    assert not ans.refused and "2023" in ans.answer and ans.citations[0].doc == D000


def test_english_issuer_question(assistant):
    ans = assistant.ask("Which organisation issued Xianning's 2024 work points?")
    assert "咸宁市科学技术局" in ans.answer and ans.citations[0].doc == D002


def test_followup_to_another_region_answers_for_that_region(assistant):
    ans = assistant.ask("那东宝区呢?", history=[{"q": "下陆区2023年新增高新技术企业的目标是多少?", "a": "16家"}])
    assert not ans.refused and "80" in ans.answer and ans.citations[0].doc == D004


def test_chat_policy_answer_lists_the_policy_finders_measures(assistant):
    from assistant.policy import measures

    ans = assistant.ask("我是东宝区的一家科技型中小企业，有哪些支持政策？")
    assert not ans.refused and ans.answer.startswith("适用于科技型中小企业的支持措施")
    assert {c.doc for c in ans.citations} == {D004}
    stored = assistant.docs[D004]
    found = {(i["start"], i["end"]) for i in measures(stored, ["科技型中小企业"], [])}
    # every cited quote lies inside one of the measures the policy finder lists
    assert all(any(a <= c.start and c.end <= b for a, b in found) for c in ans.citations)
    assert "一家" not in ans.answer.splitlines()[0]


def test_frequency_question_words_are_not_required_in_the_evidence(assistant):
    ans = assistant.ask("东宝区多长时间通报表扬一次创新企业?")
    assert not ans.refused and "每两年" in ans.answer and ans.citations[0].doc == D004


def test_comparison_of_a_region_with_a_document_named_by_its_issuer(assistant):
    ans = assistant.ask("Which sets the higher R&D-to-GDP target: the Science and Innovation Bureau's 2023 plan or Dongbao's plan?")
    assert "8.15" in ans.answer and "2.69" in ans.answer
    assert {c.doc for c in ans.citations} == {D001, D004}
    ans = assistant.ask("下陆区和科创局2023年的技术交易额目标各是多少?")
    assert "8.47" in ans.answer and "28" in ans.answer


def test_parts_of_a_plan_come_from_its_outline(assistant):
    ans = assistant.ask("岳阳楼区工作方案有哪些攻坚行动?")
    for part in ("关键核心技术攻关行动", "创新成果转化攻坚行动", "创新平台建设攻坚行动", "创新人才强基攻坚行动"):
        assert part in ans.answer
    assert {c.doc for c in ans.citations} == {D003} and len(ans.citations) == 4
    # a quoted name the headings do not carry is looked up in the text, not in the outline
    ans = assistant.ask("东宝区“六个一”产业指哪些?")
    assert "一袋菇" in ans.answer


def test_asked_count():
    from assistant.compose.enumerate import asked_count
    from assistant.query import analyse

    assert asked_count(analyse("部署了哪四大攻坚行动")) == 4
    assert asked_count(analyse("What are the six major projects?")) == 6
    assert asked_count(analyse("“六个一”产业指哪些")) is None
    assert asked_count(analyse("有哪些措施")) is None
    assert asked_count(analyse("咸宁的“123456”工作思路具体指什么?")) == 6


def test_years_of_a_document_cited_inside_a_plan(assistant):
    ans = assistant.ask("咸宁功能区建设三年行动方案覆盖哪几年?")
    assert "2022" in ans.answer and "2024" in ans.answer and ans.citations[0].doc == D002


def test_a_question_asking_two_things_in_turn_is_answered_part_by_part(assistant_over):
    a = assistant_over(anlu="安陆市2017年科技工作总结\n安陆市科学技术局\n2017年,全市完成专利申请量756件,其中发明专利申请287件。全市完成技术合同成交额1.5亿元。\n")
    ans = a.ask("How many patent applications did Anlu file in 2017, and how many of them were for invention patents?")
    assert not ans.refused and "756" in ans.answer and "287" in ans.answer, ans.answer
    assert a.grounding(ans).ok, a.grounding(ans).problems
    # a part the documents do not answer: the question is answered whole, as before
    whole = a.ask("安陆2017年完成专利申请量多少件,获得多少项省级科技奖励?")
    assert "756" in whole.answer or whole.refused
