"""The forward check of ``bench/ml.py``: the model a version serves against the one its card
scores, both judged on tasks given after they were trained, as members meet them.

The history is cut at the task 80% of the way through: what training could see then is every
task given before the cut whose outcome was known by then (a task still open at the cut has no
label yet). ``train`` runs on that, as the worker would have, giving the holdout model (fitted on
the first 64% of those rows, calibrated on the next 16%: what the card scores) and the served
one (the same recipe on all of them). Both are scored on every labelled task given after the
cut, beside the oracle on the same tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench.report import mean_with_error
from tgexchange.ml.features import Dataset
from tgexchange.ml.reciprocity_metrics import score
from tgexchange.ml.reciprocity_training import train

CUT = 0.8
Oracle = Callable[[NDArray[np.int64]], NDArray[np.float64]]


def forward_check(
    dataset: Dataset, decided_at: Mapping[int, datetime | None], oracle: Oracle, *, cut: float = CUT
) -> dict[str, Any]:
    """``dataset``: every labelled task of the history (features as of each task's assignment,
    so a row never depends on what came after it); ``decided_at``: when each task's outcome was
    known."""
    moment = dataset.assigned_at[int(len(dataset) * cut)]
    known = np.asarray(
        [
            at < moment and (decided := decided_at.get(int(task))) is not None and decided <= moment
            for at, task in zip(dataset.assigned_at, dataset.task_ids, strict=True)
        ]
    )
    later = np.asarray([at >= moment for at in dataset.assigned_at])
    seen, future = dataset.select(known), dataset.select(later)
    trained = train(seen)
    truth = score(future.labels, oracle(future.task_ids))
    result: dict[str, Any] = {
        "cut": cut,
        "trained_on": len(seen),
        "scored_on": len(future),
        "oracle_auc": truth.roc_auc,
    }
    for name, model in (("holdout", trained.holdout), ("served", trained.model)):
        scores = score(future.labels, model.predict_many(future.features))
        result[name] = {"roc_auc": scores.roc_auc, "brier": scores.brier, "ece": scores.ece}
    return result


def _ratio(check: dict[str, Any], model: str) -> float:
    return float(check[model]["roc_auc"] or 0.0) / float(check["oracle_auc"] or 1.0)


def forward_section(evals: list[dict[str, Any]]) -> list[str]:
    """The forward check's table and summary for docs/BENCHMARKS.md (runs saved before it
    existed are left out)."""
    checks = [(r["seed"], r["forward"]) for r in evals if r.get("forward")]
    if not checks:
        return []
    out = [
        "Forward check (same runs, `forward` in the JSON): the history cut at the task 80% of the way",
        "through; `train` on what was known then (tasks given before the cut whose outcome was known by",
        "it); both models scored on every labelled task given after the cut. **holdout**: what the card",
        "scores (fitted on the first 64% of those rows, calibrated on the next 16%; the model served",
        "before 2026-12-05); **served**: the same recipe refitted on all of them (what a version now",
        "serves).",
        "",
        "| seed | trained on | scored on | model ÷ oracle (holdout → served) | Brier | ECE |",
        "|---|---|---|---|---|---|",
    ]
    for seed, check in checks:
        held, served = check["holdout"], check["served"]
        out.append(
            f"| {seed} | {check['trained_on']} | {check['scored_on']} |"
            f" {_ratio(check, 'holdout'):.3f} → {_ratio(check, 'served'):.3f} |"
            f" {held['brier']:.4f} → {served['brier']:.4f} | {held['ece']:.3f} → {served['ece']:.3f} |"
        )
    ratio = [_ratio(c, "served") - _ratio(c, "holdout") for _, c in checks]
    brier = [c["served"]["brier"] - c["holdout"]["brier"] for _, c in checks]
    ece = [c["served"]["ece"] - c["holdout"]["ece"] for _, c in checks]
    out += [
        "",
        f"Served against holdout over {len(checks)} seeds (mean change ± its standard error): model ÷ oracle"
        f" {mean_with_error(ratio, 4)}, higher on {sum(d > 0 for d in ratio)}; Brier {mean_with_error(brier, 4)}, lower on"
        f" {sum(d < 0 for d in brier)}; ECE {mean_with_error(ece, 4)}, lower on {sum(d < 0 for d in ece)}. ECE ≤ 0.03"
        f" on {sum(c['holdout']['ece'] <= 0.03 for _, c in checks)} (holdout) and"
        f" {sum(c['served']['ece'] <= 0.03 for _, c in checks)} (served); model ÷ oracle ≥ 0.95 on"
        f" {sum(_ratio(c, 'holdout') >= 0.95 for _, c in checks)} and {sum(_ratio(c, 'served') >= 0.95 for _, c in checks)}.",
        "",
    ]
    return out
