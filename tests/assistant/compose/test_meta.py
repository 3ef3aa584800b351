"""Metadata questions (dates, 文号, issuers) and the days a text gives events."""
from __future__ import annotations


REPORT = ("韶关市明确2023年科技工作重点和目标\n发布日期:2023-03-25\n\n"
          "3月24日,2023年全市科技工作会议召开,为今年我市科技工作划重点、定目标。\n"
          "今年,全市高新技术企业数量力争突破600家,技术合同成交额达到35亿元。\n")


def test_the_day_a_text_gives_an_event_answers_when_it_was_held(assistant_over):
    a = assistant_over(sg=REPORT)
    for q in ("韶关2023年全市科技工作会议是哪天召开的?", "On what day was Shaoguan's 2023 S&T work conference held?"):
        ans = a.ask(q)
        assert not ans.refused and "3月24日" in ans.answer, q


def test_a_question_naming_no_event_gets_the_pages_date(assistant_over):
    ans = assistant_over(sg=REPORT).ask("这篇韶关的报道是什么时候发布的?")
    assert "2023-03-25" in ans.answer and "3月24日" not in ans.answer
