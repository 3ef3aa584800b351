"""Tests for assistant.compose.members: members of an enumeration as a document writes them."""
from __future__ import annotations


def test_a_series_with_a_final_and_has_its_last_member() -> None:
    from assistant.compose.members import series_members

    text = "围绕电磁装备、其它专用机械和通用机械三大传统优势产业,重点开展技术研发。"
    members = [m for m, _, _ in series_members(text, 0, text.index(","))]
    assert members == ["电磁装备", "其它专用机械", "通用机械"]


def test_an_abbreviation_is_read_where_the_text_defines_it() -> None:
    from assistant.compose.members import abbreviated_members

    text = "坚持创新引领,以建设综合性国家科学中心和具有全国影响力的科技创新中心(以下简称“双中心”)为牵引"
    assert [m for m, _, _ in abbreviated_members(text, text.index("双中心"))] == ["综合性国家科学中心", "具有全国影响力的科技创新中心"]
    assert abbreviated_members("推进“双中心”建设", 3) == []  # a use, not a definition


def test_a_name_after_its_members_in_quotes_is_spelled_out_by_them() -> None:
    from assistant.compose.members import quoted_members_before

    text = "一是强力打造“牧原+卧龙”省实验室双子星。"
    assert [m for m, *_ in quoted_members_before(text, text.index("双子星"))] == ["牧原", "卧龙"]
    text = "建设“科技强市”示范区。"  # one quoted name is no group
    assert quoted_members_before(text, text.index("示范区")) == []


def test_clauses_in_parallel_around_one_quantity_word_are_members() -> None:
    from assistant.compose.members import parallel_members

    text = "今年以来,全市紧紧围绕中心工作,落地一批重点科技项目,培育一批科技创新企业,认定一批技术创新成果。"
    assert [m[0] for m in parallel_members(text, 0, len(text))] == ["落地一批重点科技项目", "培育一批科技创新企业",
                                                                   "认定一批技术创新成果"]
    # figures of different things are no parallel run; two clauses are too few
    counts = "新增高新技术企业10家,培育科技型中小企业20家,建设研发平台5个。"
    assert parallel_members(counts, 0, len(counts)) == []
    two = "建设一批重点实验室,引进一批高层次人才。"
    assert parallel_members(two, 0, len(two)) == []


def test_numbered_sentences_across_lines_are_one_run_of_items() -> None:
    from assistant.compose.members import ordinal_runs, sentence_ordinals

    text = ("实现了研发投入稳步增长。一是强化科技项目带动,着力引导企业加大研发投入。实施各类科技项目323项。\n"
            "二是强化创新平台支撑作用。建成省级以上创新平台140余家。三是强化科技型企业培育。\n"
            "（1）另一组第一项。（3）编号不连续的一项。")
    (run,) = ordinal_runs(text)  # （1）…（3） does not count on: no run
    assert [m[0] for m in run] == ["强化科技项目带动,着力引导企业加大研发投入", "强化创新平台支撑作用", "强化科技型企业培育"]
    assert sentence_ordinals(text, text.find("实施各类")) == list(run)  # a sentence inside the first item
    assert sentence_ordinals(text, text.find("另一组")) == []


def test_numbered_sentences_a_conversion_joined_with_spaces_are_still_a_run() -> None:
    from assistant.compose.members import ordinal_runs

    text = "产出指数增幅居全市第一 一是培育创新主体。实施倍增计划。 二是提升创新能力。\n实施引进行动。 三是培育创新成果。\n"
    (run,) = ordinal_runs(text)
    assert [m[0] for m in run] == ["培育创新主体", "提升创新能力", "培育创新成果"]


def test_a_sentence_under_a_short_numbered_item_is_read_under_its_title() -> None:
    from assistant.compose.members import item_head

    text = "一是培育创新主体。实施倍增计划,新增54家。二是提升创新能力。实施引进科技创新资源行动,新建研发机构10个。\n\n其他。"
    assert item_head(text, text.find("实施引进")) == "提升创新能力"
    assert item_head(text, text.find("实施倍增")) == "培育创新主体"
    assert item_head(text, text.find("二是")) == ""  # the title itself
    assert item_head(text, text.find("其他")) == ""  # after the last item's paragraph


def test_a_pair_the_text_says_something_includes() -> None:
    from assistant.compose.members import series_members

    text = "提升全市高新技术产业开发区(包括:石家庄高新区和正定高新区,以下统称高新区)综合实力"
    assert [m for m, _, _ in series_members(text, 0, len(text))] == ["石家庄高新区", "正定高新区"]
    text = "推动产学研合作和成果转化,提升综合实力"  # a pair no word introduces is no list
    assert series_members(text, 0, len(text)) == []


def test_a_series_whose_items_each_join_two_things_keeps_them_whole() -> None:
    from assistant.compose.members import series_runs

    text = ("以增强科技供给为主线,坚持市场主导与政府引导相结合、重点聚焦与全面提升相结合、自立自强与开放合作相结合、"
            "技术创新与制度创新相结合,加快构建创新主体活力迸发、创新载体丰富多元、创新资源高效配置的区域创新体系")
    runs = [[m for m, _, _ in r] for r in series_runs(text, 0, len(text))]
    assert runs[0] == ["市场主导与政府引导相结合", "重点聚焦与全面提升相结合", "自立自强与开放合作相结合", "技术创新与制度创新相结合"]
    assert len(runs) == 2 and len(runs[1]) == 3


def test_clauses_ending_in_one_same_comparative_are_members() -> None:
    from assistant.compose.members import parallel_members

    text = "到2018年,创新体系更加完善,创新要素更加集聚,区域创新特色更加明显,创新环境更加优良,创新能力显著提升。"
    assert [m for m, _, _ in parallel_members(text, 0, len(text))] == [
        "创新体系更加完善", "创新要素更加集聚", "区域创新特色更加明显", "创新环境更加优良"]
    assert parallel_members("体系更加完善,要素更加集聚。", 0, 14) == []  # two clauses are no run
