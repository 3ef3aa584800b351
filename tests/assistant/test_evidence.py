"""Evidence matching: exact terms, alternatives, reordered variants."""
from __future__ import annotations

from assistant.evidence import coverage, soft_in


def test_reordered_long_term_counts_half():
    text = "到2022年,全区技术市场成交合同额达到6.5亿元"
    assert soft_in("技术合同成交额", text)
    assert coverage(["技术合同成交额"], text) == 0.5
    assert coverage(["技术合同成交额|技术市场成交合同额"], text) == 1.0


def test_short_or_unrelated_terms_are_not_soft_matches():
    assert not soft_in("外资", "引进外地资金")  # too short to guess
    assert not soft_in("研发经费投入", "技术合同成交额达到13亿元")
    assert coverage(["研发经费投入"], "技术合同成交额达到13亿元") == 0.0


def test_maximal_terms_keeps_one_of_terms_sharing_an_alternative():
    from assistant.evidence import maximal_terms

    assert maximal_terms(["高新", "高新技术企业", "企业"]) == ["高新技术企业"]
    assert maximal_terms(["认定", "通过|认定|获批"]) == ["认定"]
    assert maximal_terms(["a|b", "b|c"]) == ["a|b"]
    # each covers the other: the longer wording stays, whichever comes first
    assert maximal_terms(["孵化", "化器", "孵化器|孵化"]) == ["孵化器|孵化"]
    assert maximal_terms(["孵化器|孵化", "孵化"]) == ["孵化器|孵化"]
    assert maximal_terms(["研发|R&D", "研发机构|研发中心"]) == ["研发机构|研发中心"]


def test_variant_characters_match_the_common_form():
    assert coverage(["高新技术企业"], "90%以上规上髙新技术企业开展产学研合作") == 1.0


def test_alternatives_weigh_as_their_canonical_form():
    # 高新技术企业|高企 counts as six characters, not two: the subject outweighs a modifier
    assert coverage(["新增", "高新技术企业|高企"], "高新技术企业数量达到80家") == 0.75
