"""The answer step without an LLM: one composer per answer type behind a registry
(``assistant.compose.registry``); every single-evidence answer is decided by one calibrated support
score (``assistant.compose.support``); parameters in assistant/data/answer_params.json."""
from assistant.compose.context import Context
from assistant.compose.refusal import refuse, refusal_text, unnamed_region_notice
from assistant.compose.registry import compose

__all__ = ["Context", "compose", "refuse", "refusal_text", "unnamed_region_notice"]
