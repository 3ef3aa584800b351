"""The quality gate: each evaluation set against its own thresholds (evals/sets.toml).

Threshold keys (any subset; a metric undefined for the set, e.g. refusal recall without
unanswerable items, is noted and not checked):

    min_accuracy, min_accuracy_answerable, min_refusal_recall, min_refusal_precision,
    max_false_refusal_rate, min_citation_accuracy, max_ungrounded, max_lang_gap,
    max_latency_p50_ms, max_latency_p95_ms, min_naive_margin (accuracy − naive-RAG accuracy),
    min_accuracy_by_type = {type = x, …}, min_accuracy_by_lang = {lang = x, …}

The metrics it reads were scored by evals/matching.py, the same rule as the validator's.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

# gate key → (path into metrics.json, direction)
GATE_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "min_accuracy": (("accuracy",), "min"),
    "min_accuracy_answerable": (("accuracy_answerable",), "min"),
    "min_refusal_recall": (("refusal", "recall"), "min"),
    "min_refusal_precision": (("refusal", "precision"), "min"),
    "max_false_refusal_rate": (("refusal", "false_refusal_rate"), "max"),
    "min_citation_accuracy": (("citations", "accuracy"), "min"),
    "max_ungrounded": (("numbers", "ungrounded_rate"), "max"),
    "max_lang_gap": (("lang_gap",), "max"),
    "max_latency_p50_ms": (("latency_ms", "p50"), "max"),
    "max_latency_p95_ms": (("latency_ms", "p95"), "max"),
    "min_naive_margin": (("naive_margin",), "min"),
}
# gate key → group of metrics.json whose members each have an "accuracy"
GROUP_KEYS: dict[str, str] = {"min_accuracy_by_type": "accuracy_by_type", "min_accuracy_by_lang": "accuracy_by_lang"}


class ThresholdsError(ValueError):
    """A thresholds file or table cannot be used (unknown key, not a number)."""


def clean_thresholds(raw: Mapping[str, Any], where: str = "thresholds") -> dict[str, Any]:
    """Checked thresholds: known keys only, numbers (per-group tables of numbers); "_comment" ignored."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("_") or value is None:
            continue
        if key in GROUP_KEYS:
            if not isinstance(value, Mapping) or not all(isinstance(v, (int, float)) for v in value.values()):
                raise ThresholdsError(f"{where}: {key} must be a table of numbers, e.g. {{ list = 0.8 }}")
            out[key] = {str(k): float(v) for k, v in value.items()}
        elif key in GATE_KEYS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ThresholdsError(f"{where}: {key} must be a number, got {value!r}")
            out[key] = float(value)
        else:
            valid = ", ".join(list(GATE_KEYS) + list(GROUP_KEYS))
            raise ThresholdsError(f"{where}: unknown threshold {key!r} (valid: {valid})")
    return out


def load_thresholds(path: Path | None = None, set_name: str = "shipped") -> dict[str, Any]:
    """Thresholds of one set: from a sets file (.toml, the default evals/sets.toml) or a JSON file
    (flat, or keyed by set name). A missing file means no thresholds."""
    from .sets import SETS_FILE, load_sets

    path = Path(path) if path is not None else SETS_FILE
    if not path.exists():
        return {}
    if path.suffix == ".toml":
        for s in load_sets(path):
            if s.name == set_name:
                return dict(s.thresholds)
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ThresholdsError(f"{path}: cannot be read ({e})") from e
    if isinstance(data.get(set_name), Mapping):
        data = data[set_name]
    flat = {k: v for k, v in data.items() if k in GATE_KEYS or k in GROUP_KEYS}
    return clean_thresholds(flat, str(path))


def _lookup(metrics: Mapping[str, Any], path: Sequence[str]) -> Any:
    cur: Any = metrics
    for p in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(p)
    return cur


def _derived(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Metrics the gate reads that metrics.json does not store directly."""
    naive = _lookup(metrics, ("baselines", "naive_rag", "accuracy"))
    acc = metrics.get("accuracy")
    return {**metrics, "naive_margin": acc - naive if acc is not None and naive is not None else None}


def _check(name: str, key: str, value: Any, limit: float, kind: str) -> tuple[str | None, str | None]:
    """(failure, note) of one metric against one limit."""
    if value is None:
        return None, f"{key}: {name} is undefined for this QA set (not checked)"
    if kind == "min" and value < limit:
        return f"{name} = {value:.3f} is below {key} = {limit:.3f}", None
    if kind == "max" and value > limit:
        return f"{name} = {value:.3f} is above {key} = {limit:.3f}", None
    return None, f"{key}: {name} = {value:.3f} ok (limit {limit:.3f})"


def apply_gate(metrics: Mapping[str, Any], thresholds: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(failures, notes): a metric below a min / above a max fails; an undefined metric is noted."""
    failures, notes = [], []
    m = _derived(metrics)
    checks: list[tuple[str, str, Any, float, str]] = []
    for key, limit in thresholds.items():
        if key in GATE_KEYS:
            path, kind = GATE_KEYS[key]
            checks.append((".".join(path), key, _lookup(m, path), float(limit), kind))
        elif key in GROUP_KEYS and isinstance(limit, Mapping):
            group = GROUP_KEYS[key]
            for member, lim in limit.items():
                value = _lookup(m, (group, member, "accuracy"))
                checks.append((f"{group}.{member}", f"{key}.{member}", value, float(lim), "min"))
    for name, key, value, limit, kind in checks:
        failure, note = _check(name, key, value, limit, kind)
        if failure:
            failures.append(failure)
        if note:
            notes.append(note)
    return failures, notes


__all__ = ["GATE_KEYS", "GROUP_KEYS", "ThresholdsError", "clean_thresholds", "load_thresholds", "apply_gate"]
