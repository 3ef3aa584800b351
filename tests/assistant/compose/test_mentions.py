"""Tests for assistant.compose.mentions: every document that mentions a term, once each."""
from __future__ import annotations


def rows(ans) -> list[list[str]]:
    return next(p for p in ans.parts if p["kind"] == "table")["rows"]


def test_every_plan_that_mentions_the_term_and_no_other(assistant):
    ans = assistant.ask("哪些地区提到了科技特派员?")
    found = {r[1] for r in rows(ans)}
    mentioning = {s.meta.title for s in assistant.docs.values() if "科技特派员" in s.doc.text}
    assert len(mentioning) >= 3 and found == mentioning
    assert len(ans.citations) == len(found)  # the first mention in each, quoted
    english = assistant.ask("Which plans mention science and technology commissioners?")
    assert {r[1] for r in rows(english)} == mentioning


def test_the_action_before_the_object_is_worded_by_each_plan(heldout):
    # 建设创新型城市: one plan says 建设…创新型城市, another 建成国家创新型城市
    ans = heldout.ask("哪些地区的文件提到了建设创新型城市?")
    assert {r[0] for r in rows(ans)} == {s.meta.region for s in heldout.docs.values() if "创新型城市" in s.doc.text}
    assert len(rows(ans)) == 3


def test_a_term_no_plan_uses_is_refused_by_name(heldout):
    ans = heldout.ask("哪些地区提到了瞪羚企业?")
    assert ans.refused and "瞪羚企业" in ans.answer


def test_the_plan_named_as_a_reference_does_not_narrow_the_search(assistant):
    ans = assistant.ask("咸宁市2024年的要点提到了科技特派员,其他规划里还有哪些也提到了?")
    assert len(rows(ans)) >= 3  # every plan that mentions them, not only 咸宁's
    again = assistant.ask("除了下陆区2023年的工作要点,还有哪份文件提到光谷科创大走廊?")
    assert {"下陆区", "咸宁市"} <= {r[0] for r in rows(again)}


def test_either_wording_of_a_slash_counts(assistant):
    ans = assistant.ask("Which plans talk about building an innovative county or district (创新型县/创新型区)?")
    assert "创新型区" in ans.answer and len(rows(ans)) >= 3
