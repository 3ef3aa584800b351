"""How well a piece of evidence supports an answer to the question: one calibrated score.

Every single-evidence composer (a figure, a unit in charge, a sentence, an enumeration) describes
each candidate by the same features. Two linear functions of them are data
(assistant/data/answer_params.json ``support``), fitted by ``python -m evals.fit`` with
leave-one-document-out cross-validation over the QA sets:

- ``rank_weights`` order a question's candidates (which one is the answer);
- ``weights`` give the calibrated probability that the best candidate is right. It is answered
  when that probability reaches ``threshold``; otherwise the question is refused as not answered by
  the documents. Near-miss signals (another year, a region the evidence does not name, words the
  document never uses) weigh here: they say little about which candidate is best, much about
  whether any is.
"""
from __future__ import annotations

import math
from contextvars import ContextVar
from dataclasses import dataclass

from assistant.compose.params import params

FEATURES = (
    "bias",
    "cov",  # weighted share of the question's terms in the sentence, its section and the document's name
    "key_local",  # share of the question's specific words in the clause that holds the answer
    "key_sent",  # … in the whole sentence, section and document name
    "thing_local",  # share of the question's nouns (what it asks about: 院士, 外资) in the answer's clause
    "thing_sent",  # … in its sentence and section title
    "absent",  # share of the question's specific words the whole document never uses
    "rank",  # 1 / (1 + retrieval rank of the passage)
    "type_ok",  # the answer has the kind asked for (a figure of the asked unit, an organisation …)
    "type_bad",  # … it has a contradicting kind (an amount of money for "how many")
    "year_ok",  # the evidence is about a year (or period) the question names
    "year_bad",  # … about another year than the one named
    "region_bad",  # the question names a region the evidence neither is nor names (a city total for a district)
    "measure_bad",  # the evidence measures something else: another basis (share for growth), slot (市级 for 省级) or thing
    "scope",  # the document's scope weight (how directly it is about the region named)
    "dense",  # the dense retriever's similarity of the passage to the question (language-independent)
    "en",  # an English question (terms come through the glossary, so coverage is noisier)
    "en_cov",  # en × cov
    "en_key",  # en × key_local
    "en_absent",  # en × absent
    "en_dense",  # en × dense
)


@dataclass(frozen=True)
class SupportModel:
    weights: dict[str, float]
    threshold: float
    rank_weights: dict[str, float]

    def logit(self, feats: dict[str, float]) -> float:
        return sum(self.weights.get(f, 0.0) * feats.get(f, 0.0) for f in FEATURES)

    def rank(self, feats: dict[str, float]) -> float:
        return sum(self.rank_weights.get(f, 0.0) * feats.get(f, 0.0) for f in FEATURES)

    def prob(self, feats: dict[str, float]) -> float:
        z = self.logit(feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# The fitting harness replays questions with every best candidate answered (threshold 0), to learn
# from the answers which ones should have been.
THRESHOLD_OVERRIDE: ContextVar[float | None] = ContextVar("support_threshold", default=None)


def model() -> SupportModel:
    p = params()["support"]
    forced = THRESHOLD_OVERRIDE.get()
    return SupportModel(weights=dict(p["weights"]), threshold=float(p["threshold"]) if forced is None else forced,
                        rank_weights=dict(p.get("rank_weights") or p["weights"]))


def finish(feats: dict[str, float], lang: str) -> dict[str, float]:
    """Add the derived features (bias, language) to a candidate's feature dict."""
    en = 1.0 if lang == "en" else 0.0
    return {**feats, "bias": 1.0, "en": en, "en_cov": en * feats.get("cov", 0.0),
            "en_key": en * feats.get("key_local", 0.0), "en_absent": en * feats.get("absent", 0.0),
            "en_dense": en * feats.get("dense", 0.0)}


# The fitting harness (evals/fit.py) records every candidate scored while it replays the QA sets:
# (features, the evidence text an answer built from it would show).
RECORDER: ContextVar[list | None] = ContextVar("support_recorder", default=None)


def score(feats: dict[str, float], evidence: str, kind: str, label_text: str | None = None,
          offset: float = 0.0) -> tuple[float, float]:
    """(rank score, support probability) of a candidate; ``offset`` is kind-specific evidence in
    logit units (an enumeration whose size matches the count asked). Recorded when a fitting run
    listens; ``label_text`` decides whether the candidate is the right one when narrower than the
    evidence shown."""
    rec = RECORDER.get()
    if rec is not None:
        rec.append({"kind": kind, "feats": dict(feats), "text": evidence, "label_text": label_text or evidence,
                    "offset": offset})
    sm = model()
    z = sm.logit(feats) + offset
    return sm.rank(feats) + offset, 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def passing(cands: list, threshold: float | None = None) -> list:
    """The candidates (ranked best first, each with its support ``p``) whose support reaches the
    threshold, in rank order: the answer is the best ranked of these. A better ranked candidate
    below it (a notice's title line, a figure of the asked unit in a sentence about something else)
    does not make a question unanswered that a well supported candidate answers."""
    th = model().threshold if threshold is None else threshold
    return [c for c in cands if c.p >= th]
