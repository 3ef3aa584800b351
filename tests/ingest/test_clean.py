"""Tests for ingest.clean: boilerplate removal on the real corpus, repeated headers, spacing."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.clean import (
    BOILERPLATE_FILE,
    clean,
    is_boilerplate,
    load_boilerplate,
    parse_boilerplate,
    repeated_header_lines,
)
from ingest.load import load_file
from base.types import Doc, RawDoc

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def corpus_doc(prefix: str) -> tuple[RawDoc, Doc]:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    raw = load_file(path, CORPUS)
    return raw, clean(raw)


def raw_doc(text: str) -> RawDoc:
    return RawDoc(path="x.txt", text=text, kind="txt", encoding="utf-8", sha256="0" * 64)


def lines_of(doc: Doc) -> list[str]:
    return doc.text.split("\n")


def norm(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


# --------------------------------------------------------------------------- real corpus

# file prefix → (lines that must disappear, lines that must stay verbatim)
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "000": (["• 设为首页", "• 加入收藏", "• 无障碍阅读", "• 长者版"],
            ["2023年下陆区科技创新工作要点", "一、总体要求", "(一)总体思路"]),
    "001": (["打印本页 关闭窗口",
             "索引号: 11330208591592561J/2023-25176 主题分类: 科技",
             "文号: 发布机构: 科技创新局",
             "成文日期: 2023-02-24 公开方式: 主动公开",
             "组配分类: 计划总结 公开范围: 面向全社会"],
            ["索引号 11330208591592561J/2023-25176", "主题分类: 科技", "文号:",
             "发布机构: 科技创新局", "公开方式 主动公开", "成文日期: 2023-02-24",
             "组配分类: 计划总结", "公开范围: 面向全社会", "2023年科创局工作思路"]),
    "002": ([], ["2024年全市科技创新工作要点", "索引号 : 011336941/2024-05811 文 号 : 无",
                 "主题分类: 科技 发文单位: 咸宁市科学技术局",
                 "名 称: 2024年全市科技创新工作要点 发布日期: 2024年02月27日",
                 "有效性: 有效 发文日期:", "附:2024年全市科技创新工作计划一览表"]),
    "003": ([], ["一、工作目标", "二、 工作任务", "三、推进机制"]),
    "004": (["字体大小:", "[下载]附件下载"],
            ["索引号: 11420802011241029N/2021-02662 主题分类: 政务公开",
             "发布机构: 东宝区人民政府 生成日期: 2021-07-26",
             "文 号: 东政发〔2021〕6号 效力状态: 有效",
             "【东政发】关于印发《东宝区创新型县(市、区)建设行动方案》的通知",
             "时间:2021-07-26", "信息来源:东宝区人民政府", "东宝区人民政府", "2021年7月26日",
             "东宝区创新型县(市、区)建设行动方案",
             "附件:东宝区建设全省创新型县(市、区)年度目标分解表.docx"]),
}

# real body sentences (substrings of one line each) that must survive verbatim
SENTENCES: dict[str, list[str]] = {
    "000": ["2023年是全面贯彻落实党的二十大精神的开局之年,也是实施“十四五规划”承上启下的关键之年",
            "高新技术产业增加值达118亿元,新增高新技术企业16家,科技型中小企业入库256家",
            "本级财政科技支出占公共财政支出比重不低于2.77%,规上工业企业新招引研发人员60人以上。",
            "17、加强作风建设。坚持“明责、履责、督责、问责”的责任落实机制"],
    "001": ["主要目标:实现R&D占GDP比重8.15%,完成技术交易额28亿元;新认定高新技术企业170家",
            "确保存量企业研发投入增长率达到10%左右。",
            "(三)强化督促检查。建立科技创新主要工作目标督促检查制度"],
    "002": ["力争14项考核指标逆势而上,力争市级在全省综合考评中保持全省前10位",
            "测试投入突破1亿元。",
            "持续优化科技营商环境,加大包容普惠创新指标评价工作的统筹协调力度。"],
    "003": ["全社会研发经费投入增长10%以上,技术合同交易成交额增长15%以上,"
            "力争科技型中小企业入库数达到85家",
            "科技创新人才项目经费最高可按20%对个人生活进行补助(重大人才项目按协议确定)。",
            "持续推进楼区科技创新计划体系建设。"],
    "004": ["到2022年,全社会研发投入占地区生产总值比重达到2.69%",
            "新增孵化载体面积不少于200万平方米,省级科技孵化器、众创空间和星创天地累计突破12家。",
            "努力营造崇尚创新、支持创新、参与创新、关注创新型城市建设的良好氛围。"],
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_corpus_boilerplate_removed_and_headers_kept(prefix: str) -> None:
    raw, doc = corpus_doc(prefix)
    gone, kept = EXPECTED[prefix]
    lines = lines_of(doc)
    for line in gone:
        assert line in [norm(x) for x in raw.text.split("\n")], f"fixture drift: {line!r}"
        assert line not in lines
    for line in kept:
        assert line in lines
    assert doc.removed_lines == len(gone)
    assert (doc.path, doc.kind, doc.sha256, doc.encoding) == (
        raw.path, raw.kind, raw.sha256, raw.encoding)


@pytest.mark.parametrize("prefix", sorted(SENTENCES))
def test_corpus_body_sentences_survive_verbatim(prefix: str) -> None:
    _, doc = corpus_doc(prefix)
    for sentence in SENTENCES[prefix]:
        assert sentence in doc.text


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_corpus_every_other_line_survives(prefix: str) -> None:
    """Nothing but the expected removals disappears, and line order is unchanged."""
    raw, doc = corpus_doc(prefix)
    gone = set(EXPECTED[prefix][0])
    expected = [norm(x) for x in raw.text.split("\n") if norm(x) and norm(x) not in gone]
    assert [x for x in lines_of(doc) if x] == expected


def test_corpus_001_keeps_exactly_one_metadata_block() -> None:
    _, doc = corpus_doc("001")
    assert doc.text.count("成文日期: 2023-02-24") == 1
    assert doc.text.count("11330208591592561J/2023-25176") == 1
    assert doc.text.count("科技创新局") == 1


def test_corpus_whitespace_normalised() -> None:
    for prefix in EXPECTED:
        _, doc = corpus_doc(prefix)
        assert doc.text == doc.text.strip()
        assert "\n\n\n" not in doc.text
        assert not re.search(r"[ \t]\n|\n[ \t]|[ \t]{2}", doc.text)
    _, doc000 = corpus_doc("000")
    assert doc000.text.startswith("2023年下陆区科技创新工作要点\n\n2023年是全面贯彻")


# --------------------------------------------------------------------------- synthetic pages


def test_whole_line_rule_keeps_sentences_that_mention_phrases() -> None:
    text = "\n".join([
        "首页 > 政务公开 > 规划计划",
        "当前位置：首页 > 科技局",
        "【打印】【关闭】",
        "分享到：微信 微博",
        "扫一扫在手机打开当前页",
        "字号：大 中 小",
        "上一篇：2022年工作总结",
        "工作要点",
        "请在网站首页点击加入收藏，并设为首页。",
        "打印本页后关闭窗口提交。",
        "附件下载量达到1000次。",
        "版权所有：某某市人民政府办公室",
        "主办：某某市人民政府 网站标识码：4208020001 鄂ICP备05003321号",
        "严厉打击侵犯版权所有者合法权益的行为。",
    ])
    doc = clean(raw_doc(text))
    assert lines_of(doc) == ["工作要点", "请在网站首页点击加入收藏，并设为首页。",
                             "打印本页后关闭窗口提交。", "附件下载量达到1000次。",
                             "严厉打击侵犯版权所有者合法权益的行为。"]
    assert doc.removed_lines == 9


def test_punctuation_untouched_and_spaces_collapsed() -> None:
    doc = clean(raw_doc("\n\n  (一)总体思路 ,半角(括号),全角（括号）\t\t末尾  \r\n"
                        "\n\n\n\n正文\u3000\u3000第二段\n\n"))
    assert doc.text == "(一)总体思路 ,半角(括号),全角（括号） 末尾\n\n正文 第二段"
    assert doc.removed_lines == 0


def test_removing_a_line_does_not_add_a_blank_line() -> None:
    doc = clean(raw_doc("标题\n字体大小:\n正文第一句。\n\n\n打印本页 关闭窗口\n\n正文第二句。"))
    assert doc.text == "标题\n正文第一句。\n\n正文第二句。"


def test_clean_is_idempotent_on_corpus() -> None:
    for prefix in EXPECTED:
        _, doc = corpus_doc(prefix)
        again = clean(RawDoc(doc.path, doc.text, doc.kind, doc.encoding, doc.sha256))
        assert again.text == doc.text and again.removed_lines == 0


# --------------------------------------------------------------------------- repeated header


def test_identical_header_line_dropped_once() -> None:
    doc = clean(raw_doc("2024年全市科技创新工作要点\n发布日期: 2024-02-27\n\n"
                        "2024年全市科技创新工作要点\n正文。"))
    assert doc.text == "2024年全市科技创新工作要点\n发布日期: 2024-02-27\n\n正文。"
    assert doc.removed_lines == 1


def test_regrouped_metadata_pairs_dropped() -> None:
    lines = ["索引号 A-1", "主题分类: 科技", "发布机构: 科技局", "成文日期: 2023-02-24",
             "索引号: A-1 主题分类: 科技",  # all pairs stated above → dropped
             "成文日期: 2023-02-24 发布机构: 科技局",  # dropped
             "成文日期: 2023-02-25 发布机构: 科技局",  # a new value → kept
             "时间: 2023-02-24"]  # a different key → kept
    assert repeated_header_lines(lines) == {4, 5}


def test_numbered_headings_and_short_lines_may_repeat() -> None:
    lines = ["目录", "一、总体要求", "二、工作重点", "附件", "一、总体要求", "正文", "附件"]
    assert repeated_header_lines(lines) == set()


def test_repeats_only_looked_for_near_the_top() -> None:
    body = [f"第{i}句正文内容。" for i in range(50)]
    lines = ["重复的标题行", *body, "重复的标题行"]
    assert repeated_header_lines(lines) == set()
    assert repeated_header_lines(["重复的标题行", *body[:10], "重复的标题行"]) == {11}


# --------------------------------------------------------------------------- rules file


def test_boilerplate_file_is_data_and_loaded_once() -> None:
    assert BOILERPLATE_FILE.name == "boilerplate.txt" and BOILERPLATE_FILE.is_file()
    rules = load_boilerplate()
    assert rules is load_boilerplate()
    assert {"设为首页", "加入收藏", "无障碍阅读", "长者版"} <= rules.phrases
    assert rules.patterns


def test_parse_boilerplate_comments_phrases_and_patterns() -> None:
    rules = parse_boilerplate(["# comment", "", "  设为首页  ", "re:第\\d+页", "[下载]"])
    assert rules.phrases == frozenset({"设为首页", "[下载]"})
    assert is_boilerplate("• 设为首页", rules)
    assert is_boilerplate("第12页", rules)
    assert not is_boilerplate("第12页内容", rules)
    assert not is_boilerplate("请设为首页", rules)


def test_a_figure_or_year_a_conversion_spaced_out_is_one_token_again() -> None:
    from ingest.clean import close_figure_gaps

    assert close_figure_gaps("科技财政支出占公共财政支出比重突破 3 .1 %") == "科技财政支出占公共财政支出比重突破 3.1%"
    assert close_figure_gaps("培育国家科技型中小企业超过 1 000 家") == "培育国家科技型中小企业超过 1000 家"
    assert close_figure_gaps("工作方案 (20 22 —202 4 年)") == "工作方案 (2022 —2024 年)"
    # words keep their spaces (a title's or a header row's separators), and so do lists of figures
    assert close_figure_gaps("洞头区大力提升科技创新能力 全面落实") == "洞头区大力提升科技创新能力 全面落实"
    assert close_figure_gaps("索引号 11330208591592561J/2023") == "索引号 11330208591592561J/2023"
    assert close_figure_gaps("分别为 29.92 29.64 33.57 亿元") == "分别为 29.92 29.64 33.57 亿元"


def test_article_furniture_lines_are_removed() -> None:
    doc = clean(raw_doc("\n".join(["webwxgetmsgimg_副本.jpg", "如皋发力打造创新强市", "听新闻",
                                   "近日,如皋科技创新大会召开,责编:负责编排。", "标签:", "责编:戴雨扬 崔欣"])))
    assert lines_of(doc) == ["如皋发力打造创新强市", "近日,如皋科技创新大会召开,责编:负责编排。"]


def test_headings_and_a_signature_run_into_a_flattened_line_start_lines_of_their_own() -> None:
    from ingest.clean import break_run_in

    line = ("各县(市、区)人民政府,市政府各部门:《邢台市科技创新三年行动计划工作方案》已经市政府常务会议研究通过,"
            "现印发给你们,请认真组织实施。 邢台市人民政府 2018年6月12日")
    assert break_run_in(line)[-1] == "邢台市人民政府 2018年6月12日"
    line = ("为贯彻落实《河北省科技创新三年行动计划》精神,深入实施创新驱动发展战略,结合我市实际,制定本工作方案。 "
            "一、总体要求 (一)总体思路。以建设新时代创新型邢台为主攻方向。 (二)工作目标。到2020年,研发投入大幅提升。")
    assert break_run_in(line) == [
        "为贯彻落实《河北省科技创新三年行动计划》精神,深入实施创新驱动发展战略,结合我市实际,制定本工作方案。",
        "一、总体要求", "(一)总体思路。以建设新时代创新型邢台为主攻方向。", "(二)工作目标。到2020年,研发投入大幅提升。"]
    # without a space before it, a marker stays where it is; short lines (a header row) are left alone
    whole = "到2020年研发投入大幅提升。(一)和(二)所列指标均为约束性指标,全市上下要认真组织实施,确保各项目标任务如期完成。"
    assert break_run_in(whole) == [whole]
    assert break_run_in("一、总体要求 (一)总体思路") == ["一、总体要求 (一)总体思路"]
