"""The reciprocity model (issue 17) against the simulator's ground truth, its effect on the
exchange, and its speed.

Default mode: simulates a community (in-process, a throwaway SQLite file), trains the model
through the same code as ``tgexchange train reciprocity`` (``ReciprocityLearner.train``: the
time-ordered 80/20 split) and scores it on the test tasks against

- the **oracle**: the giver's latent give-back probability when the task was taken (the
  simulator's truth, ``Simulation.give_back``), times the share of the profile's done tasks the
  quality gate accepted (a spammer does the task but rarely gives back feedback that counts; the
  simulator knows the profile, the exchange does not). ``oracle_do_auc`` is the latent
  probability alone;
- the **baseline**: the giver's Beta-smoothed record then (``cold_start``), as the CLI reports.

``forward`` in the result: the model a version serves against the one its card scores, both
trained on what was known at a cut and judged on the tasks given after it (bench/ml_forward.py).
``young``: the model of the history's first few hundred or thousand tasks, with the shipped
calibration map and with plain isotonic regression (bench/ml_young.py).

Goals: model AUC ≥ 0.95 × oracle AUC and ≥ baseline AUC + 0.02; Brier below the baseline's;
ECE ≤ 0.03. With ``--json`` the last stdout line is one JSON object (``model_auc``,
``oracle_auc``, ``baseline_auc``, ``brier``, ``baseline_brier``, ``ece``, ...).

``--effect``: the same seed twice, the community's ``match_by_reciprocity`` off and on (on: the
model retrained and the scores refreshed once per simulated day through services/reciprocity.py;
matching then orders submissions by their owner's score and holds a new one for givers who give
back, domain.matching.is_held):
each profile's share of the feedback received, and the hours to the first verified feedback of
the reliable members (honest and slow). ``--demand scarce``: in a community where requests
outnumber givers (welcome credits 100, every profile wishing to submit 3 times as often).
Fair play (credit by substance, the health cooldown, owners' ratings) is on, as
``tgexchange simulate`` has it by default (a real community starts with the cooldown and ratings
on and credit by substance off, until its admins turn it on); ``--no-fair-play``: off, as the
effect was measured until 2026-12-06 (the evaluation keeps it off: see ``_simulate``).
``--no-hold``: the model's order without the hold (no submission is held from any giver), to
tell what each of the two buys. ``--platforms youtube,tiktok,instagram``: members link each and
every submission picks one; where comments are not public its owner confirms the feedback in
Telegram (the simulator's owners confirm what they find under their post).

``--speed``: training on 1,000,000 synthetic feature rows (≤ 60 s), ``predict_many`` of 100,000
(≤ 1 s), a single ``predict``'s p99 (≤ 5 ms).

``--write FILE...``: the section of docs/BENCHMARKS.md from saved ``--json`` outputs of the modes.

On a machine whose cores are all busy, run it with ``OMP_NUM_THREADS=1``: scikit-learn's OpenMP
threads wait actively for each other, and with oversubscribed cores training slows tenfold.

Usage: python bench/ml.py [--seed 7] [--members 300] [--days 45] [--json] [--effect] [--speed]
                          [--demand scarce] [--no-fair-play] [--no-hold] [--platforms youtube,tiktok]
                          [--estimator hgb] [--write FILE...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import sqlalchemy as sa
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.ml_forward import Oracle, forward_check, forward_section
from bench.ml_waits import reliable_waits, waits_summary
from bench.ml_young import young_check, young_section
from bench.report import mean_with_error, median, write_section
from tgexchange.adapters.db import tables
from tgexchange.bootstrap import Storage, build_storage
from tgexchange.domain import matching
from tgexchange.domain.content import Platform
from tgexchange.domain.task import TaskStatus
from tgexchange.ml.reciprocity_metrics import score
from tgexchange.simulation.profiles import AS_SIMULATED, SCARCE, Demand
from tgexchange.simulation.runner import Simulation

SEED = 7
MEMBERS = 300
DAYS = 45
EFFECT_MEMBERS = 200  # each simulated day retrains: smaller, so a run takes minutes
EFFECT_DAYS = 30
# The communities the effect is measured in: as ``tgexchange simulate`` makes it, and one where
# requests outnumber givers (simulation/profiles.py), where the order of matching decides who is served.
DEMANDS: dict[str, Demand] = {"as-simulated": AS_SIMULATED, "scarce": SCARCE}
DEMAND_LABELS = {"as-simulated": "As simulated", "scarce": "Requests outnumber givers"}
RELIABLE = ("honest", "slow")
UNRELIABLE = ("leecher", "spammer")


def _gate() -> Any:
    from tgexchange.adapters.quality import ClassifierQualityGate

    return ClassifierQualityGate()


def _learner(storage: Storage, directory: Path) -> Any:
    from tgexchange.adapters.db.reciprocity import SqlReciprocityHistory
    from tgexchange.adapters.reciprocity import ReciprocityLearner

    return ReciprocityLearner(SqlReciprocityHistory(storage.engine), directory)


def _simulate(
    scratch: Path,
    *,
    seed: int,
    members: int,
    days: int,
    gate: Any = None,
    daily: Callable[[Storage], Callable[[Simulation], None]] | None = None,
    paired: bool = False,
    demand: Demand = AS_SIMULATED,
    fair_play: bool = False,
    platforms: tuple[Platform, ...] = (Platform.YOUTUBE,),
) -> tuple[Simulation, Storage]:
    """A simulation on a fresh SQLite file in ``scratch``; with ``daily`` (made from the storage),
    matching by reciprocity is on and ``daily`` runs at the start of every simulated day. Fair play
    (issue 19) is off unless asked for, as when the evaluation's numbers in docs/BENCHMARKS.md were
    measured: credit by substance halves the exchange's volume, and with it the history the model
    learns from. ``paired``: each
    member's own random streams (simulation/streams.py), for comparing two runs of one seed."""
    storage = build_storage(f"sqlite:///{scratch / 'simulation.db'}")
    options: dict[str, Any] = {
        "fair_play": fair_play,
        "paired_randomness": paired,
        "demand": demand,
        "platforms": platforms,
    }
    if daily is not None:
        options |= {"match_by_reciprocity": True, "daily": daily(storage)}
    simulation = Simulation(storage, members=members, days=days, seed=seed, gate=gate or _gate(), **options)
    simulation.run()
    return simulation, storage


def oracle_probabilities(
    give_back: dict[int, float], profile_of: dict[int, str], storage: Storage, task_ids: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The latent give-back probability per task (as the simulator drew it), and the same times
    the share of the giver's profile's done tasks that ended verified (expected done: the sum of
    the latent probabilities of the profile's tasks)."""
    t = tables.tasks
    with storage.engine.connect() as connection:
        rows = connection.execute(sa.select(t.c.id, t.c.giver_id, t.c.status)).all()
    expected_done: dict[str, float] = defaultdict(float)
    verified: dict[str, int] = defaultdict(int)
    giver_of: dict[int, int] = {}
    for task_id, giver_id, status in rows:
        giver_of[task_id] = giver_id
        profile = profile_of[giver_id]
        expected_done[profile] += give_back.get(task_id, 0.0)
        verified[profile] += TaskStatus(status) is TaskStatus.VERIFIED
    accepted = {p: min(1.0, verified[p] / expected_done[p]) if expected_done[p] else 0.0 for p in expected_done}
    latent = np.asarray([give_back.get(int(t), 0.0) for t in task_ids], dtype=np.float64)
    factor = np.asarray([accepted[profile_of[giver_of[int(t)]]] for t in task_ids], dtype=np.float64)
    return latent, latent * factor


def evaluate(
    *, seed: int = SEED, members: int = MEMBERS, days: int = DAYS, estimator: str = "hgb", gate: Any = None
) -> dict[str, Any]:
    """One simulated history, the model trained on it and scored against the oracle and the
    baseline on the same test tasks."""
    with tempfile.TemporaryDirectory(prefix="tgexchange-bench-ml-") as scratch:
        started = time.perf_counter()
        simulation, storage = _simulate(Path(scratch), seed=seed, members=members, days=days, gate=gate)
        simulated_s = time.perf_counter() - started
        learner = _learner(storage, Path(scratch) / "models")
        started = time.perf_counter()
        card, test = learner.train(estimator=estimator)
        trained_s = time.perf_counter() - started
        profile_of = {sim.member_id: sim.profile.value for sim in simulation.members}
        latent, oracle = oracle_probabilities(simulation.give_back, profile_of, storage, test.task_ids)
        forward, young = _checks(
            learner, storage, lambda ids: oracle_probabilities(simulation.give_back, profile_of, storage, ids)[1]
        )
        storage.dispose()
    oracle_scores = score(test.labels, oracle)
    latent_scores = score(test.labels, latent)
    return {
        "seed": seed,
        "members": members,
        "days": days,
        "estimator": estimator,
        "samples": card["samples"],
        "positive_rate_test": card["positive_rate_test"],
        "model_auc": card["roc_auc"],
        "oracle_auc": oracle_scores.roc_auc,
        "oracle_do_auc": latent_scores.roc_auc,
        "baseline_auc": card["baseline_auc"],
        "brier": card["brier"],
        "baseline_brier": card["baseline_brier"],
        "oracle_brier": oracle_scores.brier,
        "ece": card["ece"],
        "ece_before_calibration": card["ece_before_calibration"],
        "oracle_ece": oracle_scores.ece,
        "chance_ece": chance_ece(card["calibration"]),
        "simulated_s": round(simulated_s, 1),
        "trained_s": round(trained_s, 1),
        "forward": forward,
        "young": young,
    }


def _checks(learner: Any, storage: Storage, oracle: Oracle) -> tuple[dict[str, Any], dict[str, Any]]:
    """The forward check (bench/ml_forward.py) and the young-community check (bench/ml_young.py)
    on the stored history."""
    from tgexchange.adapters.db.reciprocity import SqlReciprocityHistory
    from tgexchange.ml.features import build_dataset

    tasks, members = learner.records()
    dataset = build_dataset(tasks, members, groups=SqlReciprocityHistory(storage.engine).groups())
    return forward_check(dataset, {t.task_id: t.decided_at for t in tasks}, oracle), young_check(dataset)


def chance_ece(points: list[dict[str, float]]) -> float:
    """The ECE a perfectly calibrated model with these predictions would still show on this many
    test tasks, from chance alone: per bin, the mean absolute deviation of a binomial rate,
    sqrt(2/π · p(1 − p) / n) (normal approximation), weighted by the bin's count."""
    total = sum(p["count"] for p in points)
    if not total:
        return 0.0
    spread = sum(math.sqrt(2 / math.pi * p["predicted"] * (1 - p["predicted"]) * p["count"]) for p in points)
    return round(spread / total, 4)


def _daily_model(storage: Storage, directory: Path, log: list[dict[str, Any]]) -> Callable[[Simulation], None]:
    """What the worker does, once per simulated day: retrain (promoting only a model not worse
    than the one in use) and refresh the scores matching reads."""
    from tgexchange.adapters.db.reciprocity import SqlReciprocityScores
    from tgexchange.services import reciprocity as reciprocity_service

    learner = _learner(storage, directory)
    store = SqlReciprocityScores(storage.engine)

    def daily(simulation: Simulation) -> None:
        entry: dict[str, Any] = {"day": simulation.latent.day}
        try:
            retrained = reciprocity_service.retrain(learner)
        except ValueError as error:  # too little history yet: the scores are the members' records
            entry["trained"] = str(error)
        else:
            entry.update(promoted=retrained.promoted, auc=retrained.card["roc_auc"])
        entry["version"], entry["scores"] = reciprocity_service.refresh_scores(learner, store, now=simulation.now)
        log.append(entry)

    return daily


def exchange_outcomes(simulation: Simulation, storage: Storage) -> dict[str, Any]:
    """Each profile's share of the feedback received, the hours from a reliable member's
    submission to its first verified feedback (median and mean over submissions that got one), and
    where that wait goes (bench/ml_waits.py)."""
    profile_of = {sim.member_id: sim.profile.value for sim in simulation.members}
    t = tables.tasks
    with storage.engine.connect() as connection:
        received = connection.execute(
            sa.select(t.c.owner_id, sa.func.count()).where(t.c.status == TaskStatus.VERIFIED).group_by(t.c.owner_id)
        ).all()
    per_profile: dict[str, int] = defaultdict(int)
    for owner_id, count in received:
        per_profile[profile_of[owner_id]] += count
    total = sum(per_profile.values()) or 1
    reliable = reliable_waits(
        storage.engine, [m for m, p in profile_of.items() if p in RELIABLE], ended_at=simulation.now
    )
    waits = reliable.hours
    return {
        "share_received": {p: round(per_profile[p] / total, 4) for p in sorted(set(profile_of.values()))},
        "honest_share": round(per_profile["honest"] / total, 4),
        "unreliable_share": round(sum(per_profile[p] for p in UNRELIABLE) / total, 4),
        "reliable_first_feedback_h": round(statistics.median(waits), 2) if waits else None,
        # The median moves by whole simulated hours; the mean shows a shift the median hides.
        "reliable_first_feedback_mean_h": round(statistics.fmean(waits), 2) if waits else None,
        # Over every submission, one never served waiting until the end: serving more is not slower.
        "reliable_first_feedback_restricted_mean_h": reliable.restricted_mean_h,
        "reliable_submissions_without_feedback": reliable.submissions - len(waits),
        "verified": sum(per_profile.values()),
        "waits": reliable.breakdown,
    }


def effect(
    *,
    seed: int = SEED,
    members: int = EFFECT_MEMBERS,
    days: int = EFFECT_DAYS,
    demand: str = "as-simulated",
    fair_play: bool = True,
    hold: bool = True,
    platforms: tuple[Platform, ...] = (Platform.YOUTUBE,),
) -> dict[str, Any]:
    """The same seed with matching by reciprocity off, then on (trained once a simulated day), in a
    community whose demand is one of ``DEMANDS``, with fair play on or off; ``hold``: off, the
    model's order alone (no submission is held from any giver)."""
    gate = _gate()
    out: dict[str, Any] = {
        "seed": seed,
        "members": members,
        "days": days,
        "randomness": "paired",
        "demand": demand,
        "fair_play": fair_play,
        "hold": hold,
        "platforms": [p.value for p in platforms],
    }
    for arm in ("off", "on"):
        with _holding(hold), tempfile.TemporaryDirectory(prefix="tgexchange-bench-ml-") as scratch:
            started = time.perf_counter()
            log: list[dict[str, Any]] = []
            models = Path(scratch) / "models"
            daily = None if arm == "off" else (lambda storage: _daily_model(storage, models, log))  # noqa: B023
            simulation, storage = _simulate(
                Path(scratch),
                seed=seed,
                members=members,
                days=days,
                gate=gate,
                daily=daily,
                paired=True,
                demand=DEMANDS[demand],
                fair_play=fair_play,
                platforms=platforms,
            )
            out[arm] = exchange_outcomes(simulation, storage)
            out[arm]["seconds"] = round(time.perf_counter() - started, 1)
            if log:
                out[arm]["models_promoted"] = sum(1 for e in log if e.get("promoted"))
                out[arm]["last_auc"] = next((e["auc"] for e in reversed(log) if "auc" in e), None)
            storage.dispose()
    return out


def _holding(hold: bool) -> contextlib.AbstractContextManager[Any]:
    """Matching as the community has it; without the hold, every giver asks as one from whom
    nothing is held (``Giver.asking`` is where services/task.py decides it)."""
    if hold:
        return contextlib.nullcontext()
    asking = matching.Giver.asking

    def unheld(member_id: int, platforms: frozenset[Any], *, now: Any, hold: bool) -> matching.Giver:
        return asking(member_id, platforms, now=now, hold=False)

    return mock.patch.object(matching.Giver, "asking", staticmethod(unheld))


def synthetic_dataset(rows: int, *, seed: int = 7) -> Any:
    """``rows`` synthetic feature rows shaped like the real ones (SYNTHETIC: drawn at random, the
    outcome a noisy function of the member's record, recent record and engagement), in time order."""
    from datetime import UTC, datetime, timedelta

    from tgexchange.ml.features import FEATURE_NAMES, Dataset

    rng = np.random.default_rng(seed)
    features = rng.random((rows, len(FEATURE_NAMES)))
    column = {name: i for i, name in enumerate(FEATURE_NAMES)}
    features[:, column["history"]] = np.log1p(rng.integers(0, 300, rows))
    features[:, column["recency_days"]] *= 60
    features[:, column["account_age_days"]] *= 365
    level = rng.beta(3, 1.5, rows)
    features[:, column["reliability"]] = np.clip(level + rng.normal(0, 0.1, rows), 0, 1)
    features[:, column["recent_reliability"]] = np.clip(level + rng.normal(0, 0.15, rows), 0, 1)
    logits = 4 * (level - 0.6) + features[:, column["engagement"]] - 0.5
    labels = (rng.random(rows) < 1 / (1 + np.exp(-logits))).astype(np.int8)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    times = [start + timedelta(seconds=i) for i in range(rows)]
    givers = rng.integers(1, 50_000, rows)
    return Dataset(features, labels, times, givers, features[:, column["reliability"]].copy(), np.arange(rows))


def speed(*, rows: int = 1_000_000, batch: int = 100_000, singles: int = 2_000) -> dict[str, Any]:
    """Training through ``train`` (fit, calibration and the test scores) on ``rows`` synthetic
    rows; ``predict_many`` of ``batch`` rows; ``singles`` single predictions (p50, p99)."""
    from tgexchange.ml.reciprocity_training import train

    dataset = synthetic_dataset(rows)
    started, cpu_started = time.perf_counter(), time.process_time()
    trained = train(dataset)
    train_s, train_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    model = trained.model
    sample = dataset.features[:batch]
    batch_s = []
    for _ in range(5):
        started = time.perf_counter()
        model.predict_many(sample)
        batch_s.append(time.perf_counter() - started)
    single_ms = []
    for row in dataset.features[:singles]:
        started = time.perf_counter()
        model.predict(row)
        single_ms.append((time.perf_counter() - started) * 1000)
    return {
        "rows": rows,
        "synthetic": True,
        "train_s": round(train_s, 1),
        "train_cpu_s": round(train_cpu_s, 1),  # all threads: on a busy machine, what the work took
        "load_average": round(os.getloadavg()[0], 1),
        "fit_s": trained.card["training_seconds"],
        "served_fit_s": trained.card["served"]["training_seconds"],
        "predict_many_rows": batch,
        "predict_many_s": round(median(batch_s), 3),
        "predict_p50_ms": round(float(np.percentile(single_ms, 50)), 3),
        "predict_p99_ms": round(float(np.percentile(single_ms, 99)), 3),
        "goals": {
            "train": train_s <= 60,
            "predict_many": median(batch_s) <= 1.0,
            "predict_p99": float(np.percentile(single_ms, 99)) <= 5.0,
        },
    }


def goals(result: dict[str, Any]) -> dict[str, bool]:
    model, oracle, baseline = result["model_auc"] or 0.0, result["oracle_auc"] or 0.0, result["baseline_auc"] or 0.0
    return {
        "auc_vs_oracle": bool(model >= 0.95 * oracle),
        "auc_vs_baseline": bool(model >= baseline + 0.02),
        "brier_vs_baseline": bool(result["brier"] < result["baseline_brier"]),
        "ece": bool(result["ece"] <= 0.03),
    }


def effect_directions(result: dict[str, Any]) -> dict[str, bool]:
    """Whether each of the acceptance's three directions holds on one seed (on against off)."""
    off, on = result["off"], result["on"]
    off_wait, on_wait = off.get("reliable_first_feedback_mean_h"), on.get("reliable_first_feedback_mean_h")
    return {
        "honest_up": bool(on["honest_share"] > off["honest_share"]),
        "unreliable_down": bool(on["unreliable_share"] < off["unreliable_share"]),
        "first_feedback_sooner": off_wait is not None and on_wait is not None and on_wait < off_wait,
    }


def effect_groups(effects: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The effect runs by community (demand, then fair play) and horizon, each with the label the
    summaries print."""
    order = list(DEMANDS)

    def key(run: dict[str, Any]) -> tuple[Any, ...]:
        demand, fair_play = community_of(run)
        platforms = platforms_of(run)
        return (order.index(demand), len(platforms), platforms, fair_play, not held(run), run["days"])

    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for run in effects:
        grouped[key(run)].append(run)
    return [
        (f"{community_label(community_of(runs[0])[0], k[3], not k[4], k[2])}, {k[5]} days", runs)
        for k, runs in sorted(grouped.items())
    ]


def community_of(run: dict[str, Any]) -> tuple[str, bool]:
    """Its demand and fair play (runs saved before either was recorded had neither)."""
    return run.get("demand", "as-simulated"), bool(run.get("fair_play", False))


def platforms_of(run: dict[str, Any]) -> tuple[str, ...]:
    """The platforms its members linked (runs saved before they were recorded: YouTube only)."""
    return tuple(run.get("platforms", [Platform.YOUTUBE.value]))


def held(run: dict[str, Any]) -> bool:
    """Whether its "on" arm held new submissions (runs saved before ``--no-hold`` existed did)."""
    return bool(run.get("hold", True))


def community_label(
    demand: str, fair_play: bool, hold: bool = True, platforms: tuple[str, ...] = (Platform.YOUTUBE.value,)
) -> str:
    where = "" if platforms == (Platform.YOUTUBE.value,) else f", on {' + '.join(platforms)}"
    return (
        DEMAND_LABELS[demand] + where + (", fair play on" if fair_play else "") + ("" if hold else ", without the hold")
    )


def effect_summary(label: str, runs: list[dict[str, Any]]) -> list[str]:
    """Over one group's seeds: on how many each direction holds, all three together, and the mean
    change with its standard error."""
    held = [effect_directions(r) for r in runs]

    def change(key: str, digits: int) -> str:
        pairs = [(r["off"].get(key), r["on"].get(key)) for r in runs]
        moved = [b - a for a, b in pairs if a is not None and b is not None]
        return mean_with_error(moved, digits) if moved else "—"

    lines = [
        (
            f"{label}, {len(runs)} seeds: honest share up on {sum(h['honest_up'] for h in held)}"
            f" (mean {change('honest_share', 4)}), leechers + spammers down on"
            f" {sum(h['unreliable_down'] for h in held)} (mean {change('unreliable_share', 4)}), reliable"
            f" members' first feedback sooner (mean hours) on {sum(h['first_feedback_sooner'] for h in held)}"
            f" (mean {change('reliable_first_feedback_mean_h', 2)} h); all three on"
            f" {sum(all(h.values()) for h in held)}."
        )
    ]
    restricted = "reliable_first_feedback_restricted_mean_h"
    counted = [(r, h) for r, h in zip(runs, held, strict=True) if r["off"].get(restricted) is not None]
    if counted:
        sooner = [r["on"][restricted] < r["off"][restricted] for r, _ in counted]
        lines.append(
            f"Counting every reliable submission ({label}; one never served as waiting until the run"
            f" ended): the wait shorter on {sum(sooner)} of {len(counted)} (mean {change(restricted, 2)} h);"
            " with the two shares, all three on"
            f" {sum(ok and h['honest_up'] and h['unreliable_down'] for ok, (_, h) in zip(sooner, counted, strict=True))}."
        )
    if all("share_received" in r[arm] and "verified" in r[arm] for r in runs for arm in ("off", "on")):
        lines.append(received_summary(label, runs))
    return lines


def received_summary(label: str, runs: list[dict[str, Any]]) -> str:
    """What each profile received in verified feedback, on − off per run: a share can fall while
    what its members received does not, when the other arm verifies more feedback in all."""
    profiles = [p for p in runs[0]["off"]["share_received"] if all(p in r["on"]["share_received"] for r in runs)]

    def received(run: dict[str, Any], arm: str, profile: str) -> float:
        return float(run[arm]["share_received"][profile] * run[arm]["verified"])

    moved = {p: [received(r, "on", p) - received(r, "off", p) for r in runs] for p in profiles}
    total = [r["on"]["verified"] - r["off"]["verified"] for r in runs]
    # A share moves by what its members received and by what all received: on − off is exactly
    # (R_on − R_off) / T_on + R_off × (1 / T_on − 1 / T_off).
    own = [(_unreliable(r, "on") - _unreliable(r, "off")) / r["on"]["verified"] for r in runs]
    by_total = [_unreliable(r, "off") * (1 / r["on"]["verified"] - 1 / r["off"]["verified"]) for r in runs]
    return (
        f"Received, not shared ({label}; verified feedback per run, on − off, mean ± standard error, from"
        f" each share × the run's verified feedback): {', '.join(f'{p} {mean_with_error(moved[p], 1)}' for p in profiles)};"
        f" all verified feedback {mean_with_error(total, 1)}. Leechers' and spammers' share moved by"
        f" {mean_with_error(own, 4)} for what they received and {mean_with_error(by_total, 4)} for what all"
        " received."
    )


def _unreliable(run: dict[str, Any], arm: str) -> float:
    """What leechers and spammers received in verified feedback in one arm of an effect run."""
    return float(run[arm]["unreliable_share"] * run[arm]["verified"])


def _served_fit(speed_run: dict[str, Any]) -> str:
    fit = speed_run.get("served_fit_s")
    return "" if fit is None else f", refitting it on every row {fit:.1f} s"


def _f(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def section(results: list[dict[str, Any]]) -> str:
    """The docs/BENCHMARKS.md section from saved ``--json`` results of each mode."""
    evals = [r for r in results if "model_auc" in r]
    effects = [r for r in results if "on" in r and "off" in r]
    speeds = [r for r in results if "train_s" in r]
    out = [
        "## Reciprocity model (`bench/ml.py`)",
        "",
        "Synthetic data: the simulator's members, each with a latent give-back probability (Beta within",
        "a profile, drifting daily, busy spells: `simulation/latent.py`). The model is trained through",
        "`tgexchange train reciprocity`'s code on the first 80% of the labelled tasks in time and scored",
        "on the last 20% against the oracle (the latent probability when the task was taken, times the",
        "share of the profile's done tasks the quality gate accepted) and the baseline (the member's",
        "Beta-smoothed record then). Goals: AUC ≥ 0.95 × oracle and ≥ baseline + 0.02; Brier below the",
        "baseline's; ECE ≤ 0.03.",
        "",
    ]
    if evals:
        out += [
            "Command: `python bench/ml.py --seed S --members M --days D --json`. ECE (oracle / chance): the",
            "oracle's own ECE on the same test tasks, and the ECE a perfectly calibrated model would still",
            "show there from chance alone (per bin, the binomial spread of the observed rate; runs saved",
            "before these two columns existed show —).",
            "",
            "| seed | members × days | test tasks | model AUC | oracle AUC | baseline AUC | model ÷ oracle | model − baseline"
            " | Brier (model / baseline / oracle) | ECE | ECE (oracle / chance) | goals met |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in evals:
            met = goals(r)
            ratio = (r["model_auc"] or 0) / (r["oracle_auc"] or 1)
            out.append(
                f"| {r['seed']} | {r['members']} × {r['days']} | {r['samples']['test']} | {_f(r['model_auc'])} |"
                f" {_f(r['oracle_auc'])} | {_f(r['baseline_auc'])} | {ratio:.3f} |"
                f" {(r['model_auc'] or 0) - (r['baseline_auc'] or 0):+.3f} |"
                f" {_f(r['brier'])} / {_f(r['baseline_brier'])} / {_f(r['oracle_brier'])} | {_f(r['ece'])} |"
                f" {_f(r.get('oracle_ece'))} / {_f(r.get('chance_ece'))} |"
                f" {sum(met.values())}/4 ({', '.join(k for k, v in met.items() if not v) or 'all'}"
                f"{' missed' if not all(met.values()) else ''}) |"
            )
        ratios = [(r["model_auc"] or 0) / (r["oracle_auc"] or 1) for r in evals]
        lifts = [(r["model_auc"] or 0) - (r["baseline_auc"] or 0) for r in evals]
        gaps = [(r["oracle_auc"] or 0) - (r["baseline_auc"] or 0) for r in evals]
        out += [
            "",
            f"Median over seeds: model ÷ oracle **{median(ratios):.3f}** (goal ≥ 0.95), model − baseline"
            f" **{median(lifts):+.3f}** (goal ≥ +0.02), oracle − baseline {median(gaps):+.3f} (the most any",
            "model could add to the members' own records on these histories).",
            "",
        ]
        out += forward_section(evals)
        out += young_section(evals)
        oracle_eces = [r["oracle_ece"] for r in evals if r.get("oracle_ece") is not None]
        if oracle_eces:
            out += [
                f"The oracle's own ECE is above 0.03 on {sum(e > 0.03 for e in oracle_eces)} of the"
                f" {len(oracle_eces)} seeds that report it (median {median(oracle_eces):.3f}).",
                "",
            ]
    if effects:
        out += [
            "Effect on the exchange: `python bench/ml.py --effect [--demand scarce] [--no-fair-play] --seed S --members M",
            "--days D --json`, the same seed with `match_by_reciprocity` off and on (on: retrained and scores",
            "refreshed once per simulated day through services/reciprocity.py; matching orders submissions by their",
            "owner's score and holds a new one for givers who give back, `matching.is_held`). Shares of all verified",
            "feedback received, by the owner's profile; hours from a reliable (honest or slow) member's submission to its first",
            "verified feedback, median and mean over their submissions that got one, and the mean over all of",
            "them with one never served counted as waiting until the run ended. Both runs of a seed",
            "draw from paired random streams (simulation/streams.py: each member's own per use), so a member",
            "comes by, does a task and writes as in the other run wherever matching did not change it. The",
            "summary under the table says on how many seeds each of the acceptance's three directions holds.",
            "",
            "| seed | community | members × days | honest share off → on | leechers + spammers off → on"
            " | reliable first feedback (h), median off → on | mean off → on | every submission counted, mean off → on"
            " | reliable submissions without feedback off → on | verified off → on | models promoted |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in effects:
            off, on = r["off"], r["on"]
            out.append(
                f"| {r['seed']} | {r.get('demand', 'as-simulated')}{' + fair play' if community_of(r)[1] else ''}"
                f"{'' if platforms_of(r) == (Platform.YOUTUBE.value,) else ', ' + '+'.join(platforms_of(r))}"
                f"{'' if held(r) else ', no hold'} |"
                f" {r['members']} × {r['days']} |"
                f" {off['honest_share']:.3f} → {on['honest_share']:.3f} |"
                f" {off['unreliable_share']:.3f} → {on['unreliable_share']:.3f} |"
                f" {_f(off['reliable_first_feedback_h'], 1)} → {_f(on['reliable_first_feedback_h'], 1)} |"
                f" {_f(off.get('reliable_first_feedback_mean_h'), 1)} → {_f(on.get('reliable_first_feedback_mean_h'), 1)} |"
                f" {_f(off.get('reliable_first_feedback_restricted_mean_h'), 1)} →"
                f" {_f(on.get('reliable_first_feedback_restricted_mean_h'), 1)} |"
                f" {off.get('reliable_submissions_without_feedback', '—')} →"
                f" {on.get('reliable_submissions_without_feedback', '—')} |"
                f" {off['verified']} → {on['verified']} | {on.get('models_promoted', 0)} |"
            )
        for label, runs in effect_groups(effects):
            for line in effect_summary(label, runs) + waits_summary(label, runs):
                out += ["", line]
        out.append("")
    for r in speeds:
        out += [
            f"Speed: `python bench/ml.py --speed --rows {r['rows']}` (SYNTHETIC feature rows: random, shaped like",
            "the real ones; the whole `train`: both fits, calibrations, test scores).",
            "",
            "| what | measured | goal | met |",
            "|---|---|---|---|",
            f"| training on {r['rows']:,} rows | {r['train_s']:.1f} s wall, {r['train_cpu_s']:.1f} s CPU"
            f" (fitting the holdout model {r['fit_s']:.1f} s{_served_fit(r)}; load average {r['load_average']}) |"
            " ≤ 60 s |"
            f" {r['goals']['train']} |",
            f"| `predict_many` of {r['predict_many_rows']:,} | {r['predict_many_s']:.3f} s (median of 5) | ≤ 1 s |"
            f" {r['goals']['predict_many']} |",
            f"| single `predict` | p99 {r['predict_p99_ms']:.2f} ms (p50 {r['predict_p50_ms']:.2f}) | ≤ 5 ms |"
            f" {r['goals']['predict_p99']} |",
            "",
        ]
    return "\n".join(out)


def _platforms(text: str) -> tuple[Platform, ...]:
    try:
        return tuple(Platform(name.strip()) for name in text.split(","))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{e}; choose among {', '.join(p.value for p in Platform)}") from e


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--members", type=int, help=f"default {MEMBERS} ({EFFECT_MEMBERS} with --effect)")
    parser.add_argument("--days", type=int, help=f"default {DAYS} ({EFFECT_DAYS} with --effect)")
    parser.add_argument("--estimator", default="hgb")
    parser.add_argument("--json", action="store_true", help="the last stdout line is one JSON object")
    parser.add_argument("--effect", action="store_true", help="matching by reciprocity off and on")
    parser.add_argument("--demand", choices=sorted(DEMANDS), default="as-simulated", help="--effect: the community")
    parser.add_argument(
        "--fair-play",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="--effect: fair play on (the default, as tgexchange simulate has it) or off",
    )
    parser.add_argument("--no-hold", action="store_true", help="--effect: the model's order without the hold")
    parser.add_argument(
        "--platforms",
        type=_platforms,
        default=(Platform.YOUTUBE,),
        help="--effect: comma-separated, of youtube, tiktok, instagram (default youtube)",
    )
    parser.add_argument("--speed", action="store_true", help="training and prediction times")
    parser.add_argument("--rows", type=int, default=1_000_000, help="--speed: synthetic training rows")
    parser.add_argument("--write", nargs="+", metavar="FILE", help="write docs/BENCHMARKS.md from saved --json outputs")
    args = parser.parse_args()
    if args.write:
        results = [json.loads(Path(f).read_text(encoding="utf-8").strip().splitlines()[-1]) for f in args.write]
        body = section(results)
        write_section("ml", body, from_saved=True)
        print(body)
        return
    if args.speed:
        result = speed(rows=args.rows)
    elif args.effect:
        result = effect(
            seed=args.seed,
            members=args.members or EFFECT_MEMBERS,
            days=args.days or EFFECT_DAYS,
            demand=args.demand,
            fair_play=args.fair_play,
            hold=not args.no_hold,
            platforms=args.platforms,
        )
    else:
        result = evaluate(
            seed=args.seed, members=args.members or MEMBERS, days=args.days or DAYS, estimator=args.estimator
        )
        result["goals"] = goals(result)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
