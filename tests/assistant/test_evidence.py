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
