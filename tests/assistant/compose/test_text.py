"""Sentence answers: who / which unit, and the persons a question asks for."""
from __future__ import annotations


BRIEFING = ("韶关将实施科技强韶行动\n\n"
            "7月16日,韶关举行“加快创新型韶关建设”新闻发布会,市科技局党组成员、副局长李明远,"
            "市科技局高新技术科科长王芳出席并介绍有关情况。\n\n"
            "记者从发布会获悉,过去五年,韶关高新技术企业数量增长2.4倍,技术合同成交额增长5.1倍。\n\n"
            "李明远介绍,目前全市即将印发《韶关科技强韶三年行动方案》,目标到2023年高新技术企业达到600家。\n")


def test_persons_are_read_by_title_and_name() -> None:
    from assistant.compose.text import persons

    text = "自治区科技厅党组成员、副厅长蹇兴超,自治区科技厅社会发展科技处处长张士军出席并介绍有关情况。"
    assert [text[a:b] for a, b in persons(text)] == ["副厅长蹇兴超", "处长张士军"]
    assert persons("召开局长会议,部署全年工作。") == []  # a title before an ordinary word names nobody


def test_a_question_asking_for_persons_is_answered_with_their_titles_and_names(assistant_over):
    a = assistant_over(sg=BRIEFING)
    for q in ("Which officials of the Shaoguan science and technology bureau briefed the press conference?",
              "韶关创新型城市建设新闻发布会上是哪几位领导介绍情况的?"):
        ans = a.ask(q)
        assert not ans.refused and "副局长李明远" in ans.answer and "科长王芳" in ans.answer, q


def test_the_name_of_a_plan_asked_for_is_its_book_title(assistant_over):
    a = assistant_over(sg=BRIEFING)
    for q in ("What is the full name of the plan Shaoguan is about to issue?", "韶关即将印发的三年行动方案全称是什么?"):
        ans = a.ask(q)
        assert ans.answer.startswith("《韶关科技强韶三年行动方案》"), (q, ans.answer)


def test_which_leader_asks_a_person_and_a_title_is_a_leader(assistant_over):
    report = ("娄底市召开科技创新重点工作推进会\n5月13日,娄底市召开全市科技创新重点工作推进会,确保三项重点科技创新指标圆满完成。"
              "市人民政府副市长何锋出席会议。\n")
    ans = assistant_over(ld=report).ask("哪位市领导出席了娄底这次科技创新重点工作推进会?")
    assert ans.answer.startswith("副市长何锋")


def test_a_preamble_naming_the_document_is_no_answer_about_its_content(assistant_over):
    page = ("为更好发挥科技创新支撑作用,全面塑造无锡高质量发展新动能新优势,现提出如下政策意见。\n"
            "一、总体要求\n以增强高水平科技供给、赋能产业高质量发展为主线,加快构建区域创新体系。\n")
    ans = assistant_over(wx=page).ask("无锡这份科技创新政策意见以什么为主线?")
    assert "增强高水平科技供给" in ans.answer, ans.answer


def test_the_reporters_of_a_byline_are_persons() -> None:
    from assistant.compose.text import persons

    text = "□本报记者 赵雪峰 李 宇\n打开时间卷轴。"
    assert [text[a:b] for a, b in persons(text)] == ["记者 赵雪峰", "李 宇"]  # the first by its title too
    title = "副局长李明远出席。记者 王芳"
    assert [title[a:b] for a, b in persons(title)] == ["副局长李明远", "记者 王芳"]
