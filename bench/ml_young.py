"""The young-community check of ``bench/ml.py``: the model a community gets from its first few
hundred or thousand finished tasks, with the isotonic calibration map served until 2026-12-06
(each step shrunk by ``PRIOR_TASKS`` pretend tasks) and with the one served since (its mean with
Platt's sigmoid: ml/reciprocity_calibration.py).

For each size, the first ``size`` labelled tasks of the history are what training sees; ``train``
runs on them as the worker would, and its card's numbers (the holdout model on the newest 20% of
those rows) are kept for both maps: Brier, ECE, log loss, the share of test predictions at 0.01
or below or 0.99 or above (what a member is told is "never" or "always"), and whether it would be
promoted over the members' own records.
"""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np

from tgexchange.domain.reciprocity import is_not_worse
from tgexchange.ml.features import Dataset
from tgexchange.ml.reciprocity_calibration import DEFAULT_MAP, PRIOR_TASKS
from tgexchange.ml.reciprocity_training import train

SIZES = (600, 1200, 2500, 5000)
MAPS = ("isotonic", DEFAULT_MAP)


def young_check(dataset: Dataset, *, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for size in (s for s in sizes if s <= len(dataset)):
        rows = dataset.select(slice(0, size))
        test = rows.split(0.8)[1]
        result: dict[str, Any] = {}
        for name in MAPS:
            trained = train(rows, calibration=name)
            card = trained.card
            predicted = trained.holdout.predict_many(test.features)
            result[name] = {
                "brier": card["brier"],
                "ece": card["ece"],
                "log_loss": card["log_loss"],
                "extreme": round(float(np.mean((predicted <= 0.01) | (predicted >= 0.99))), 4),
                "promoted": is_not_worse(
                    auc=card["roc_auc"],
                    brier=card["brier"],
                    current_auc=card["baseline_auc"],
                    current_brier=card["baseline_brier"],
                ),
            }
        result["baseline_brier"] = trained.card["baseline_brier"]
        out[str(size)] = result
    return out


def young_section(evals: list[dict[str, Any]]) -> list[str]:
    """Per size, the mean over the seeds of each map's numbers (runs saved before the check
    existed, or before it compared these maps, are left out)."""
    checks = [r["young"] for r in evals if r.get("young") and all(m in c for c in r["young"].values() for m in MAPS)]
    if not checks:
        return []
    out = [
        "Young community (same runs, `young` in the JSON): `train` on the first N labelled tasks of",
        "each history, its card's numbers on the newest 20% of those, with the isotonic map served until",
        f"2026-12-06 (each step shrunk by {PRIOR_TASKS:g} pretend tasks at the calibration rows' rate) and with",
        "the one served since (its mean with Platt's sigmoid). Means over the seeds; *never / always*:",
        "test predictions ≤ 0.01 or ≥ 0.99; *promoted*: not worse than the members' own records, the",
        "first model's bar.",
        "",
        "| first N tasks | seeds | log loss (isotonic → mean) | Brier | members' own records' Brier | ECE"
        " | never / always | promoted |",
        "|---|---|---|---|---|---|---|---|",
    ]
    sizes = sorted({int(size) for check in checks for size in check})
    for size in sizes:
        runs = [check[str(size)] for check in checks if str(size) in check]

        def mean(model: str, key: str, runs: list[dict[str, Any]] = runs) -> float:
            return statistics.fmean(float(run[model][key]) for run in runs)

        promoted = {m: sum(bool(run[m]["promoted"]) for run in runs) for m in MAPS}
        before, now = MAPS
        out.append(
            f"| {size:,} | {len(runs)} | {mean(before, 'log_loss'):.3f} → {mean(now, 'log_loss'):.3f} |"
            f" {mean(before, 'brier'):.4f} → {mean(now, 'brier'):.4f} |"
            f" {statistics.fmean(float(run['baseline_brier']) for run in runs):.4f} |"
            f" {mean(before, 'ece'):.3f} → {mean(now, 'ece'):.3f} |"
            f" {mean(before, 'extreme'):.1%} → {mean(now, 'extreme'):.1%} |"
            f" {promoted[before]} → {promoted[now]} |"
        )
    out.append("")
    return out
