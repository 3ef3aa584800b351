"""Tests for assistant.compose.english_words: everyday English words the glossary lacks, read through
a general dictionary and kept only where the evidence uses them."""
from __future__ import annotations

from assistant.compose.english_words import lemmas, unknown_words
from assistant.lexicon import english_chinese, gloss_keys


def test_a_gloss_is_a_word_or_short_phrase_not_an_explanation() -> None:
    assert gloss_keys("to hire (a lawyer etc)", 3) == ["hire"]
    assert gloss_keys("in a row", 3) == ["in a row"]
    assert gloss_keys("CL:個|个[ge4]", 3) == []
    assert gloss_keys("variant of 顧問|顾问", 3) == []
    assert gloss_keys("a person who gives advice on matters of state", 3) == []


def test_the_dictionary_knows_everyday_words_of_plans() -> None:
    d = english_chinese()
    assert "顾问" in d["adviser"] and "连续" in d["in a row"] and "荣誉" in d["honor"]


def test_inflected_words_are_looked_up_by_their_base_form() -> None:
    assert "adviser" in lemmas("advisers")
    assert "appoint" in lemmas("appointed")
    assert "honor" in lemmas("honour")
    assert "subsidy" in lemmas("subsidies")


def test_glossary_words_function_words_and_regions_are_not_looked_up() -> None:
    found = dict(unknown_words("How many leading experts did Xiamen appoint as science and technology advisers?", 3))
    assert "advisers" in found and "顾问" in found["advisers"]
    assert "xiamen" not in found and "how many" not in found and "did" not in found
    # 'high-tech enterprises' is the glossary's: the dictionary is not asked
    assert not any(w.startswith(("high", "enterprise")) for w, _ in unknown_words("How many high-tech enterprises?", 3))


def test_an_english_question_finds_a_figure_by_an_everyday_word(assistant_over):
    plan = ("明州市科学技术局2023年工作总结\n一、主要工作\n召开全市科技创新大会,聘请40位顶尖专家为明州市科技顾问,"
            "新增省级专家工作站12家。\n二、平台建设\n新建省级重点实验室5家,新增院士工作站3家。\n")
    ans = assistant_over(mingzhou=plan).ask("How many top experts were appointed as science and technology advisers?")
    assert not ans.refused and "40" in ans.answer and "12" not in ans.answer.split("—")[0]


def test_a_plural_takes_the_senses_of_its_singular_too() -> None:
    found = dict(unknown_words("What results did the district report?", 3))
    assert "成果" in found["results"]  # 'results' alone glosses 调查结果 only
