"""Pure metric functions of evals/metrics.py."""
from __future__ import annotations

import pytest

from evals import metrics as M


@pytest.mark.parametrize("text,expected", [
    ("2,300 家", "2300家"),
    ("１２３４５", "12345"),  # NFKC full-width digits
    ("1,234,567 yuan", "1234567yuan"),
    ("200, 170", "200,170"),  # a list, not a thousands separator
    ("Yes  It IS", "yesitis"),
    ("12,34", "12,34"),  # malformed group is kept
])
def test_normalise(text, expected):
    assert M.normalise(text) == expected


@pytest.mark.parametrize("answer,needle,found", [
    ("通过认定310家[1]", "310", True),
    ("申报3100家", "310", False),
    ("共1310家", "310", False),
    ("比重12.1%", "2.1", False),
    ("比重2.15%", "2.1", False),
    ("比重达到2.1%", "2.1", True),
    ("2,300 registered", "2300", True),
    ("0.2万人", "0.2万", True),
    ("答案见[1]", "1", False),  # citation markers never satisfy a figure
    ("1-2家", "1-2", True),
    ("YES, it is", "yes", True),
    ("R&D 占 GDP 比重", "R&D占GDP", True),
    ("anything", "", True),
])
def test_contains_respects_number_boundaries(answer, needle, found):
    assert M.contains(answer, needle) is found


def test_item_correct_answerable_and_unanswerable():
    item = {"must_include": ["350", "310"], "unanswerable": False}
    assert M.item_correct(item, {"answer": "申报350家,认定310家", "refused": False})
    assert not M.item_correct(item, {"answer": "申报350家", "refused": False})
    assert not M.item_correct(item, {"answer": "申报350家,认定310家", "refused": True})
    assert not M.item_correct(item, {"answer": "申报350家,认定310家", "refused": False, "error": "boom"})
    un = {"must_include": [], "unanswerable": True}
    assert M.item_correct(un, {"answer": "资料中没有", "refused": True})
    assert not M.item_correct(un, {"answer": "16家", "refused": False})


def test_any_of_flat_and_nested():
    flat = {"must_include": [], "any_of": ["是", "yes"], "unanswerable": False}
    assert M.item_correct(flat, {"answer": "Yes, 310.", "refused": False})
    assert not M.item_correct(flat, {"answer": "No.", "refused": False})
    nested = {"must_include": ["310"], "any_of": [["咸宁", "Xianning"], ["认定", "certified"]], "unanswerable": False}
    assert M.item_correct(nested, {"answer": "Xianning: 310 certified", "refused": False})
    assert not M.item_correct(nested, {"answer": "Xianning: 310", "refused": False})
    assert M.missing_terms("Xianning: 310", ["310"], nested["any_of"]) == ["any of: 认定 | certified"]


def test_refusal_scores():
    s = M.refusal_scores([(True, True), (True, False), (False, True), (False, False)])
    assert s["precision"] == 0.5 and s["recall"] == 0.5 and s["n_refused"] == 2
    none = M.refusal_scores([(False, False)])
    assert none["precision"] is None and none["recall"] is None


TEXT = "前言。组织申报高新技术企业350家,通过认定高新技术企业310家,高新技术企业总数突破650家。其他内容。"
DOC = "002.txt"


def _cite(quote, doc=DOC, text=TEXT):
    start = text.find(quote)
    return {"doc": doc, "quote": quote, "start": start, "end": start + len(quote)}


def test_citation_matches_by_span_and_by_shared_text():
    evidence = ["通过认定高新技术企业310家"]
    spans = M.gold_spans(evidence, [DOC], {DOC: TEXT})
    assert spans == {DOC: [(TEXT.find(evidence[0]), TEXT.find(evidence[0]) + len(evidence[0]))]}
    # overlapping span, even with a different cut of the sentence
    assert M.citation_matches(_cite("350家,通过认定"), [DOC], evidence, spans)
    # no spans available: shared substring of >= 8 characters
    assert M.citation_matches({"doc": DOC, "quote": "xx通过认定高新技术企业yy"}, [DOC], evidence, None)
    # too little shared text, no overlapping span
    assert not M.citation_matches({"doc": DOC, "quote": "前言。组织"}, [DOC], evidence, None)
    assert not M.citation_matches(_cite("其他内容"), [DOC], evidence, spans)
    # right quote, wrong document
    assert not M.citation_matches(_cite("通过认定高新技术企业310家", doc="001.txt"), [DOC], evidence, spans)


def test_citation_scores_count_answers_without_citations_as_wrong():
    item = {"docs": [DOC], "evidence": ["通过认定高新技术企业310家"], "unanswerable": False}
    spans = M.gold_spans(item["evidence"], [DOC], {DOC: TEXT})
    rows = [(item, {"refused": False, "citations": [_cite("通过认定高新技术企业310家"), _cite("其他内容")]}, spans),
            (item, {"refused": False, "citations": []}, spans),
            (item, {"refused": True, "citations": []}, spans),  # refused: not counted
            ({"unanswerable": True}, {"refused": False, "citations": []}, {})]  # unanswerable: not counted
    s = M.citation_scores(rows)
    assert s["n"] == 2 and s["correct"] == 1 and s["accuracy"] == 0.5
    assert s["citations"] == 2 and s["precision"] == 0.5


def test_longest_common_substring():
    assert M.longest_common_substring("abcdef", "zzcdez") == 3
    assert M.longest_common_substring("", "abc") == 0
    assert M.quotes_overlap("高新技术企业310家", "通过认定高新技术企业310家")


def test_grounded_numbers_with_shared_finder():
    g, n, bad = M.grounded_numbers("通过认定310家,总数突破650家[1]", ["通过认定高新技术企业310家"], "咸宁认定多少家?")
    assert (g, n) == (1, 2) and bad and "650" in bad[0]
    # unit scaling: 8.47亿元 equals 84700万元; numbers repeated from the question are ignored
    g, n, _ = M.grounded_numbers("约84700万元", ["技术合同交易额达8.47亿元"])
    assert (g, n) == (1, 1)
    g, n, _ = M.grounded_numbers("是350家吗?不是,是310家", ["通过认定310家"], "是350家吗?")
    assert (g, n) == (1, 1)


def test_fallback_number_finder():
    nums = M._fallback_numbers("2023年目标2,300家,8.47亿元[1]")
    assert [n.value for n in nums] == [2300.0, 847000000.0]
    g, n, _ = M.grounded_numbers("2,300家", ["入库2300家"], finder=M._fallback_numbers)
    assert (g, n) == (1, 1)


def test_find_numbers_skips_years_and_markers():
    values = sorted(n.value for n in M.find_numbers("2023年新增16家[2]"))
    assert values == [16.0]


def test_retrieval_rank_and_scores():
    gold = {DOC: [(10, 20)]}
    retrieved = [{"doc": "001.txt", "start": 10, "end": 20}, {"doc": DOC, "start": 0, "end": 9},
                 {"doc": DOC, "start": 15, "end": 40}]
    assert M.first_relevant_rank(retrieved, gold) == 3
    assert M.first_relevant_rank(retrieved[:2], gold) is None
    s = M.retrieval_scores([1, 3, None, 5], ks=(1, 3, 5))
    assert s["hit@1"] == 0.25 and s["hit@3"] == 0.5 and s["hit@5"] == 0.75
    assert s["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 5) / 4)
    assert M.retrieval_scores([])["mrr"] is None


def test_percentile_and_latency():
    assert M.percentile([], 50) is None
    assert M.percentile([5.0], 95) == 5.0
    assert M.percentile([1, 2, 3, 4], 50) == 2.5
    assert M.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert M.latency_stats([10.0, 30.0])["p50"] == 20.0


def test_accuracy_by_groups_multi_valued_keys():
    items = [{"docs": ["a", "b"]}, {"docs": ["a"]}, {"docs": []}]
    out = M.accuracy_by(items, [True, False, True], lambda it: it["docs"])
    assert out["a"] == {"n": 2, "correct": 1, "accuracy": 0.5}
    assert out["b"]["accuracy"] == 1.0 and out["(none)"]["n"] == 1


def test_item_lang():
    assert M.item_lang({"lang": "en", "question": "咸宁"}) == "en"
    assert M.item_lang({"question": "咸宁多少家?"}) == "zh"
    assert M.item_lang({"question": "How many?"}) == "en"


def test_numbered_item_in_a_bulleted_answer_is_no_figure():
    from evals.metrics import grounded_numbers

    answer = "据下陆区：\n- 3、深度融入武汉城市圈。[1]\n- 新增高新技术企业16家[2]"
    quotes = ["3、深度融入武汉城市圈。", "新增高新技术企业16家"]
    assert grounded_numbers(answer, quotes) == (1, 1, [])
    assert grounded_numbers("- 新增高新技术企业17家", quotes)[2] == ["17家"]


def test_a_number_copied_from_its_quote_is_grounded_whatever_the_quote_uses_it_for() -> None:
    from evals.metrics import grounded_numbers

    quote = "33 新培育科技型中小企业50家以上、高新技术企业30家以上。"  # 33 opens a table's row
    assert grounded_numbers(f"谯城区：{quote}[1]", [quote]) == (3, 3, [])
    assert grounded_numbers("谯城区：新培育60家[1]", [quote])[2] == ["60家"]
