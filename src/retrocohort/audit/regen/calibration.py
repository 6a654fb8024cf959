"""The calibration record of the synthetic data, as the audit reads it.

``retrocohort simulate`` writes one target per published value it calibrated the synthetic
data to (``published_id``, ``key``, ``status``: met / infeasible / not_found, ``reason``). A
synthetic audit row whose number was a met target reproduces it *by construction*: that is
not evidence. A target the calibration proved infeasible is quoted with its reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrocohort.errors import InputError

STATUSES = ("met", "infeasible", "not_found")


@dataclass(frozen=True)
class Calibration:
    """Targets of one calibration record, keyed by published entry id."""

    path: str
    label: str
    targets: Mapping[str, tuple[Mapping[str, Any], ...]]


def load_calibration(path: str | Path) -> Calibration:
    """Read a calibration record; InputError naming the file and what is wrong."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the calibration record ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("targets"), list):
        raise InputError(f"{path}: a calibration record needs a list 'targets'")
    out: dict[str, list[Mapping[str, Any]]] = {}
    for i, t in enumerate(doc["targets"]):
        if not isinstance(t, dict) or "published_id" not in t or t.get("status") not in STATUSES:
            raise InputError(
                f"{path}: targets[{i}] needs 'published_id' and a 'status' in "
                f"{', '.join(STATUSES)}; got {t!r}"
            )
        out.setdefault(str(t["published_id"]), []).append(t)
    return Calibration(
        str(path),
        str(doc.get("label", "synthetic, calibrated to published summaries")),
        {k: tuple(v) for k, v in sorted(out.items())},
    )


def _keys(targets: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(sorted({str(t.get("key", "")) for t in targets if t.get("key")}))


def calibration_status(entry_id: str, calibration: Calibration | None) -> dict[str, Any]:
    """How the synthetic data relate to one published entry.

    ``role``: ``target`` (every target met: reproduction by construction), ``infeasible`` (a
    target could not be met; ``reasons`` quote why), ``not_found`` or ``not_a_target``;
    ``text``: one sentence for the report.
    """
    if calibration is None:
        return {"role": "", "keys": "", "reasons": [], "text": ""}
    targets = calibration.targets.get(entry_id, ())
    keys = _keys(targets)
    bad = [t for t in targets if t["status"] == "infeasible"]
    missing = [t for t in targets if t["status"] == "not_found"]
    if bad:
        reasons = [f"{t.get('target', entry_id)}: {t.get('reason', '')}" for t in bad]
        return {
            "role": "infeasible",
            "keys": keys,
            "reasons": reasons,
            "text": "calibration target the calibration proved infeasible: " + "; ".join(reasons),
        }
    if missing:
        return {
            "role": "not_found",
            "keys": keys,
            "reasons": [str(t.get("reason", "")) for t in missing],
            "text": "calibration target not found by the calibration: "
            + "; ".join(str(t.get("reason", "")) for t in missing),
        }
    if targets:
        return {
            "role": "target",
            "keys": keys,
            "reasons": [],
            "text": f"calibration target ({keys}): the synthetic data were built to print this "
            "number, so reproducing it is by construction, not evidence",
        }
    return {
        "role": "not_a_target",
        "keys": "",
        "reasons": [],
        "text": "not a calibration target (a consequence of the calibrated data, still not evidence)",
    }
