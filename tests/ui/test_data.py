"""Unit tests of the web app's data helpers (ui/data.py): policy scan, targets and chart rows.
Documents are small fakes shaped like ingest's StoredDoc."""
from __future__ import annotations

from types import SimpleNamespace


from base.types import Chunk, DocMeta, Target
from ui import data as D


def stored(path, text, region="咸宁市", title="工作要点", targets=(), aliases=("咸宁",)):
    meta = DocMeta(title=title, region=region, issuer="科技局", date="2024-02-27", years=[2024],
                   aliases=list(aliases))
    chunk = Chunk(id=f"{path}:0", doc=path, section="一、重点任务", start=0, end=len(text), text=text)
    return SimpleNamespace(doc=SimpleNamespace(text=text, path=path), meta=meta, chunks=[chunk],
                           targets=list(targets), key=path)


def target(doc, indicator, value, unit, number, base_unit, region, year=2024, quote="q"):
    return Target(doc=doc, chunk_id=f"{doc}:0", section="一、重点任务", indicator=indicator, value=value,
                  unit=unit, number=number, base_unit=base_unit, year=year, region=region, quote=quote)


# ---------------------------------------------------------------- policy finder
def docs():
    return {
        "a.txt": stored("a.txt", "标题行\n支持科技型中小企业研发，给予补助。科技型中小企业入库2300家。"
                                 "对企业研发投入给予奖励。新材料企业享受贷款贴息支持。与企业无关的一句话。"),
        "b.txt": stored("b.txt", "支持高新技术企业发展，给予奖励。", region="东宝区", aliases=("东宝",)),
    }


def test_find_policies_by_region_and_kind():
    g = D.find_policies(docs(), "咸宁", ["科技型中小企业"], [])
    assert [x["doc"] for x in g] == ["a.txt"]
    quotes = [i["quote"] for i in g[0]["items"]]
    assert quotes[0] == "支持科技型中小企业研发，给予补助。"
    assert "科技型中小企业入库2300家。" not in quotes  # a bare count target is no support measure
    assert "对企业研发投入给予奖励。" in quotes  # general enterprise measure
    assert all("无关" not in q for q in quotes)
    item = g[0]["items"][0]
    text = docs()["a.txt"].doc.text
    assert text[item["start"]:item["end"]] == item["quote"] and item["section"] == "一、重点任务"


def test_find_policies_keywords_and_no_general():
    g = D.find_policies(docs(), None, [], ["新材料"], include_general=False)
    assert [i["quote"] for x in g for i in x["items"]] == ["新材料企业享受贷款贴息支持。"]


def test_policy_question_and_rows():
    assert D.policy_question("咸宁市", ["科技型中小企业"], []) == "我是咸宁市的一家科技型中小企业，有哪些支持政策？"
    assert D.policy_question(None, [], ["新材料"]) == "我是企业，从事新材料，有哪些支持政策？"
    assert D.policy_question("下陆区", [], []) == "我是下陆区的企业，有哪些支持政策？"
    rows = D.policy_rows(D.find_policies(docs(), "东宝", ["高新技术企业"], []))
    assert rows[0]["地区"] == "东宝区" and rows[0]["原文"].startswith("支持高新技术企业")


PLAN = (
    "2024年科技创新工作要点\n"
    "一、主要目标\n"
    "1.新增高新技术企业42家，培育科技型中小企业100家。\n"
    "二、重点任务\n"
    "1.做优做实大学科技园。力争在孵企业突破50家。\n"
    "2.强化科技型中小企业培育。落实科技型中小企业研发费用加计扣除政策，对新入库的科技型中小企业给予一次性奖励。"
    "科技型中小企业入库2300家。\n"
    "3.加强科技金融服务。引导银行为企业提供知识产权质押贷款，设立科技信贷风险补偿资金池。"
    "争取省级科技奖励5项。\n"
    "4.支持高新技术企业发展。对通过认定的高新技术企业给予奖励。\n"
    "5.支持全市10家示范基地建设。加速科技企业孵化器提档升级，提高专业化服务能力。\n"
)


def plan_docs():
    return {"p.txt": stored("p.txt", PLAN)}


def test_find_policies_keeps_support_measures_and_drops_headings_and_bare_targets():
    g = D.find_policies(plan_docs(), "咸宁市", ["科技型中小企业"], [])
    items = g[0]["items"]
    quotes = [i["quote"] for i in items]
    for it in items:  # verbatim, with offsets
        assert PLAN[it["start"]:it["end"]] == it["quote"]
    # kind-specific support measures first, the one with the most support words on top
    assert quotes[0] == "落实科技型中小企业研发费用加计扣除政策，对新入库的科技型中小企业给予一次性奖励。"
    assert items[0]["tier"] == 0 and items[0]["matched"] == ["科技型中小企业"]
    assert "引导银行为企业提供知识产权质押贷款，设立科技信贷风险补偿资金池。" in quotes
    assert next(i for i in items if i["quote"].startswith("引导银行"))["matched"] == [D.GENERAL_TAG]
    # headings, count targets and lines without any support action are not measures
    for junk in ("2.强化科技型中小企业培育。", "1.做优做实大学科技园。", "科技型中小企业入库2300家。",
                 "1.新增高新技术企业42家，培育科技型中小企业100家。", "力争在孵企业突破50家。",
                 "争取省级科技奖励5项。", "加速科技企业孵化器提档升级，提高专业化服务能力。"):
        assert junk not in quotes, junk
    # a measure for another kind is not a general one
    assert not any("高新技术企业" in q for q in quotes)
    # without general measures only the kind's own remain
    g = D.find_policies(plan_docs(), "咸宁市", ["科技型中小企业"], [], include_general=False)
    assert [i["matched"] for i in g[0]["items"]] == [["科技型中小企业"]]


def test_find_policies_other_kinds_and_generic_keywords():
    g = D.find_policies(plan_docs(), None, ["高新技术企业"], [], include_general=False)
    assert [i["quote"] for i in g[0]["items"]] == ["对通过认定的高新技术企业给予奖励。"]
    g = D.find_policies(plan_docs(), None, ["孵化器/众创空间"], [], include_general=False)
    assert [i["quote"] for i in g[0]["items"]] == ["加速科技企业孵化器提档升级，提高专业化服务能力。"]
    # "一家、企业" says nothing about the enterprise: never a keyword match
    assert D.policy_keywords(["一家", "企业", "一家新材料企业", "5G"]) == ["新材料企业", "5G"]
    assert D.find_policies(plan_docs(), None, [], ["一家", "企业"], include_general=False) == []
    g = D.find_policies(plan_docs(), None, [], ["一家", "企业"])
    assert all(i["matched"] == [D.GENERAL_TAG] for i in g[0]["items"])


def test_support_hits_and_general_enterprises():
    strong, action, _ = D.support_hits("争取省级科技奖励5项。")
    assert strong == [] and action == []
    strong, _, live = D.support_hits("力争支持全市10家乡村振兴示范基地建设。")
    assert strong == ["支持"] and "示范基地" in live
    strong, action, live = D.support_hits("引导科技型中小企业加大研发投入,力争培育库企业达40家以上。")
    assert action == ["引导"] and "培育库" not in live
    kinds = D.all_kind_patterns()
    assert D.names_enterprises("鼓励企业自主创新。", kinds)
    assert not D.names_enterprises("支持高新技术企业发展。", kinds)
    assert not D.names_enterprises("加速科技企业孵化器提档升级。", kinds)


def test_sentences_trim_and_split():
    assert D.sentences("一。 二；\n三") == [(0, 2), (3, 5), (6, 7)]


# ---------------------------------------------------------------- targets
def target_docs():
    return {
        "a.txt": stored("a.txt", "x", targets=[target("a.txt", "通过认定高新技术企业", "310", "家", 310, "家", "咸宁市"),
                                              target("a.txt", "高新技术产业增加值占GDP比重", "15", "%", 15, "%", "咸宁市")]),
        "b.txt": stored("b.txt", "x", region="东宝区", targets=[
            target("b.txt", "高新技术企业数量", "80", "家", 80, "家", "东宝区", year=2022)]),
    }


def test_target_records_and_filters():
    recs = D.target_records(target_docs())
    assert len(recs) == 3 and recs[0]["title"] == "工作要点"
    assert len(D.filter_targets(recs, region="东宝区")) == 1
    assert len(D.filter_targets(recs, year=2024)) == 2
    assert len(D.filter_targets(recs, keyword="高新技术 企业")) == 2
    rows = D.target_table_rows(recs)
    assert len(rows[0]) == len(D.TARGET_COLUMNS) and rows[0][7] == "310"
    view = D.target_view_rows(recs)
    assert len(view[0]) == len(D.TARGET_VIEW_COLUMNS) and view[0][3] == "310家"


def test_chart_bars_one_unit():
    bars, unit, notes = D.chart_bars(D.target_records(target_docs()), "高新技术")
    assert unit == "家" and [b["value"] for b in bars] == [80.0, 310.0]
    assert bars[0]["label"].startswith("东宝区 2022") and bars[0]["n"] == 1
    assert notes and "%" in notes[0]
    assert D.chart_bars([], "x") == ([], "", [])


def test_to_csv():
    assert D.to_csv(["a", "b"], [[1, None], ["x,y", "z"]]) == 'a,b\r\n1,\r\n"x,y",z\r\n'
