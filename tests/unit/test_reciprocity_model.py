"""The reciprocity model: features that never look ahead, honest training, safe persistence."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.isotonic import IsotonicRegression

from tests.reciprocity_history import START, groups, history
from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.reciprocity import GroupRecord, TaskRecord, label_of
from tgexchange.domain.task import TaskStatus
from tgexchange.ml import reciprocity_artifact as artifact
from tgexchange.ml.features import FEATURE_NAMES, Dataset, build_dataset, snapshot
from tgexchange.ml.reciprocity import cold_start, predict_or_fall_back
from tgexchange.ml.reciprocity_calibration import calibration_map, isotonic_map, mean_of, sigmoid_map
from tgexchange.ml.reciprocity_metrics import score
from tgexchange.ml.reciprocity_training import NotEnoughHistory, train


def test_labels_say_what_the_giver_did_and_nothing_else() -> None:
    task = history(tasks=1)[0][0]
    assert label_of(dataclasses.replace(task, status=TaskStatus.VERIFIED)) == 1
    assert label_of(dataclasses.replace(task, status=TaskStatus.EXPIRED)) == 0
    assert label_of(dataclasses.replace(task, status=TaskStatus.REJECTED, reason="too_short")) == 0
    assert label_of(dataclasses.replace(task, status=TaskStatus.REJECTED, reason="content_unavailable")) is None
    assert label_of(dataclasses.replace(task, status=TaskStatus.CANCELLED)) is None
    assert label_of(dataclasses.replace(task, status=TaskStatus.ASSIGNED)) is None


def _rewritten_done(task: TaskRecord, moment: datetime) -> datetime | None:
    if task.done_at is not None and task.done_at < moment:
        return task.done_at  # known at the moment: the past stays
    return None if task.done_at is not None else max(task.assigned_at, moment) + timedelta(minutes=1)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=5, max_value=120))
def test_a_tasks_features_ignore_everything_after_it_was_given(seed: int, pick: int) -> None:
    tasks, members, _ = history(members=8, tasks=150, seed=seed)
    flagged = groups(8, count=4, seed=seed)
    chosen = tasks[pick]
    before = build_dataset(tasks, members, groups=flagged)
    # Rewrite the future: every task given after the chosen one ends otherwise (and its content
    # was submitted at another time), every decision made after it is moved and changed, every
    # "done" said after it is taken back (or said where there was none), every group flagged
    # from then on holds other members, and no group is cleared from then on.
    flipped = {TaskStatus.VERIFIED: TaskStatus.EXPIRED, TaskStatus.EXPIRED: TaskStatus.VERIFIED}
    future = [
        dataclasses.replace(
            t,
            status=flipped.get(t.status, t.status),
            decided_at=(t.decided_at or t.assigned_at) + timedelta(hours=1),
            done_at=_rewritten_done(t, chosen.assigned_at),
            submitted_at=t.submitted_at if t.assigned_at <= chosen.assigned_at else chosen.assigned_at,
        )
        if t.assigned_at > chosen.assigned_at or (t.decided_at is not None and t.decided_at >= chosen.assigned_at)
        else t
        for t in tasks
    ]
    regrouped = [
        dataclasses.replace(g, member_ids=tuple(range(1, 9)))
        if g.flagged_at >= chosen.assigned_at
        else dataclasses.replace(g, cleared_at=None)
        if g.cleared_at is not None and g.cleared_at >= chosen.assigned_at
        else g
        for g in flagged
    ]
    after = build_dataset(future, members, groups=regrouped)
    row_before = before.assigned_at.index(chosen.assigned_at) if label_of(chosen) is not None else None
    if row_before is None:
        return
    row_after = after.assigned_at.index(chosen.assigned_at)
    assert np.array_equal(before.features[row_before], after.features[row_after])


def test_serving_and_training_share_one_definition() -> None:
    tasks, members, _ = history(members=10, tasks=400)
    last = tasks[-1]
    flagged = groups(10, count=3)
    dataset = build_dataset(tasks, members, groups=flagged)
    keys, rows = snapshot(
        tasks, members, at=last.assigned_at, platforms=[last.platform], kind=last.kind, groups=flagged
    )
    row = rows[keys.index((last.giver_id, last.platform))]
    assert np.allclose(row, dataset.features[-1]) or label_of(last) is None


def test_the_model_learns_who_gives_back_better_than_their_own_record() -> None:
    tasks, members, truth = history(members=80, tasks=6000, seed=11)
    dataset = build_dataset(tasks, members)

    trained = train(dataset, seed=1)

    card = trained.card
    test = dataset.split(0.8)[1]
    oracle = score(test.labels, np.asarray([truth[int(g)] for g in test.giver_ids])).roc_auc
    assert oracle is not None
    # Here each member's probability never changes, so their own record is almost the oracle:
    # the model must come close to both (the simulator, with drift, is where it must beat it).
    assert card["roc_auc"] >= 0.95 * oracle
    assert card["roc_auc"] >= card["baseline_auc"] - 0.03
    assert card["ece"] <= 0.08
    assert card["samples"]["test"] == len(dataset) - int(len(dataset) * 0.8)
    # The card scores the holdout model, the one that never saw the test rows.
    assert score(test.labels, trained.holdout.predict_many(test.features)).roc_auc == card["roc_auc"]
    served = card["served"]
    assert served["train"] == int(len(dataset) * 0.8)
    assert served["train"] + served["calibration"] == len(dataset)
    assert card["calibration_prior_tasks"] == 2.0
    assert card["calibration_map"] == "isotonic+sigmoid"


def _drifting(rows: int, *, learnt_from: float) -> Dataset:
    """Rows whose outcome is a coin toss until ``learnt_from`` of the way through, and from then
    on follows the first feature: a community whose behaviour changed lately."""
    rng = np.random.default_rng(3)
    features = rng.random((rows, len(FEATURE_NAMES)))
    informative = np.arange(rows) >= int(rows * learnt_from)
    chance = np.where(informative, np.where(features[:, 0] > 0.5, 0.9, 0.1), 0.5)
    labels = (rng.random(rows) < chance).astype(np.int8)
    times = [START + timedelta(minutes=i) for i in range(rows)]
    return Dataset(features, labels, times, np.arange(rows) % 50, features[:, 0].copy(), np.arange(rows))


def test_the_model_served_learns_from_the_newest_tasks_the_scored_one_never_saw() -> None:
    # The change starts at 66%: the holdout model fits the first 64% only and cannot see it;
    # the served one fits the first 80%, where it shows.
    dataset = _drifting(5000, learnt_from=0.66)
    trained = train(dataset, seed=1)
    newest = dataset.split(0.8)[1]

    served_auc = score(newest.labels, trained.model.predict_many(newest.features)).roc_auc
    holdout_auc = score(newest.labels, trained.holdout.predict_many(newest.features)).roc_auc

    assert holdout_auc is not None
    assert served_auc is not None
    assert holdout_auc < 0.6
    assert served_auc > 0.75
    assert trained.card["roc_auc"] == holdout_auc  # the card never flatters the recipe


def test_a_few_tasks_in_a_calibration_step_are_not_read_as_never_or_always() -> None:
    raw = np.asarray([0.1] * 6 + [0.5] * 20 + [0.9] * 6)
    labels = np.asarray([0] * 6 + [1, 0] * 10 + [1] * 6, dtype=np.int8)
    plain = IsotonicRegression(out_of_bounds="clip").fit(raw, labels).predict([0.1, 0.9])
    assert plain.tolist() == [0.0, 1.0]  # what plain isotonic regression says of six tasks

    thresholds, values = isotonic_map(raw, labels)

    # Each step shrunk toward the rows' rate (16 of 32) by two pretend tasks.
    assert np.interp(0.1, thresholds, values) == pytest.approx((0 + 2 * 0.5) / (6 + 2))
    assert np.interp(0.5, thresholds, values) == pytest.approx((10 + 2 * 0.5) / (20 + 2))
    assert np.interp(0.9, thresholds, values) == pytest.approx((6 + 2 * 0.5) / (6 + 2))


def test_a_large_calibration_step_keeps_its_rate_and_the_map_only_goes_up() -> None:
    rng = np.random.default_rng(8)
    raw = rng.random(4000)
    labels = (rng.random(4000) < raw).astype(np.int8)
    plain = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, labels)

    thresholds, values = isotonic_map(raw, labels)

    assert np.all(np.diff(values) >= 0)
    middle = np.linspace(0.2, 0.8, 25)
    assert np.allclose(np.interp(middle, thresholds, values), plain.predict(middle), atol=0.02)


def _platt_rows(slope: float, intercept: float, rows: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """Scores whose outcomes follow a known sigmoid of their log-odds."""
    rng = np.random.default_rng(11)
    raw = rng.uniform(0.02, 0.98, rows)
    chance = 1 / (1 + np.exp(-(slope * np.log(raw / (1 - raw)) + intercept)))
    return raw, (rng.random(rows) < chance).astype(np.int8)


def test_the_sigmoid_map_finds_the_curve_the_outcomes_follow_and_serves_it_as_a_table() -> None:
    raw, labels = _platt_rows(0.6, 0.3)

    thresholds, values = sigmoid_map(raw, labels)

    scores = np.linspace(0.001, 0.999, 5001)
    truth = 1 / (1 + np.exp(-(0.6 * np.log(scores / (1 - scores)) + 0.3)))
    assert np.abs(np.interp(scores, thresholds, values) - truth).max() < 0.02  # learnt from 20,000 rows
    assert np.all(np.diff(values) > 0)  # keeps the classifier's order: no ties made


def test_the_sigmoid_tables_straight_lines_stay_on_its_curve() -> None:
    raw, labels = _platt_rows(1.7, -0.4)
    thresholds, values = sigmoid_map(raw, labels)
    # The curve the table stands for, from the same fit.
    slope = np.log(values[1:] / (1 - values[1:])) - np.log(values[:-1] / (1 - values[:-1]))
    step = np.log(thresholds[1:] / (1 - thresholds[1:])) - np.log(thresholds[:-1] / (1 - thresholds[:-1]))
    a = float(np.median(slope / step))
    b = float(np.log(values[480] / (1 - values[480])))  # the knot at log-odds 0
    scores = np.linspace(1e-5, 1 - 1e-5, 200_001)
    curve = 1 / (1 + np.exp(-(a * np.log(scores / (1 - scores)) + b)))
    assert np.abs(np.interp(scores, thresholds, values) - curve).max() < 1e-4


def test_scores_that_say_nothing_map_to_the_rows_rate() -> None:
    rng = np.random.default_rng(2)
    raw = rng.uniform(0.1, 0.9, 3000)
    labels = (rng.random(3000) < np.where(raw > 0.5, 0.2, 0.6)).astype(np.int8)  # higher score, fewer

    _knots, values = sigmoid_map(raw, labels)

    assert np.allclose(values, labels.mean())


def test_the_served_map_is_the_mean_of_the_isotonic_and_the_sigmoid_maps() -> None:
    raw, labels = _platt_rows(0.8, 0.0, rows=4000)
    isotonic, sigmoid = isotonic_map(raw, labels), sigmoid_map(raw, labels)

    thresholds, values = calibration_map(raw, labels)

    scores = np.linspace(0.0, 1.0, 1001)
    expected = (np.interp(scores, *isotonic) + np.interp(scores, *sigmoid)) / 2
    assert np.allclose(np.interp(scores, thresholds, values), expected, atol=1e-12)
    assert np.all(np.diff(np.interp(scores[20:-20], thresholds, values)) > 0)  # strictly up: no ties
    assert np.array_equal(values, mean_of(isotonic, sigmoid)[1])
    with pytest.raises(ValueError, match="unknown calibration map 'beta'"):
        calibration_map(raw, labels, method="beta")


def test_a_model_of_a_young_community_never_says_never() -> None:
    tasks, members, _ = history(members=20, tasks=320, seed=5)
    dataset = build_dataset(tasks, members)
    trained = train(dataset)
    for model in (trained.model, trained.holdout):
        predicted = model.predict_many(dataset.features)
        assert predicted.min() > 0.0
        assert predicted.max() < 1.0


def test_too_little_history_is_a_clear_refusal() -> None:
    tasks, members, _ = history(tasks=50)
    with pytest.raises(NotEnoughHistory, match="at least"):
        train(build_dataset(tasks, members))


def test_a_saved_model_loads_back_and_predicts_the_same(tmp_path: Path) -> None:
    tasks, members, _ = history(members=40, tasks=2000)
    dataset = build_dataset(tasks, members)
    trained = train(dataset, version="reciprocity-test")
    artifact.save(trained.model, trained.card, tmp_path)
    artifact.promote("reciprocity-test", tmp_path)

    loaded, card = artifact.load(tmp_path)

    assert card["version"] == "reciprocity-test"
    assert np.allclose(loaded.predict_many(dataset.features[:50]), trained.model.predict_many(dataset.features[:50]))
    prediction = loaded.predict(dataset.features[0])
    assert 0.0 <= prediction.probability <= 1.0
    assert 0.0 <= prediction.confidence <= 1.0


def test_a_version_keeps_the_model_served_and_the_one_its_card_scores_apart(tmp_path: Path) -> None:
    tasks, members, _ = history(members=40, tasks=2000)
    dataset = build_dataset(tasks, members)
    trained = train(dataset, version="reciprocity-both")
    artifact.save(trained.model, trained.card, tmp_path, holdout=trained.holdout)
    rows = dataset.features[:200]

    served, _ = artifact.load(tmp_path, "reciprocity-both")
    holdout, card = artifact.load(tmp_path, "reciprocity-both", holdout=True)

    assert np.allclose(served.predict_many(rows), trained.model.predict_many(rows))
    assert np.allclose(holdout.predict_many(rows), trained.holdout.predict_many(rows))
    assert not np.allclose(served.predict_many(rows), holdout.predict_many(rows))
    assert card["served"]["train"] + card["served"]["calibration"] == len(dataset)


def test_a_version_saved_with_one_model_serves_and_is_compared_by_it(tmp_path: Path) -> None:
    # Versions written before there were two models hold the holdout model alone.
    tasks, members, _ = history(members=40, tasks=2000)
    dataset = build_dataset(tasks, members)
    trained = train(dataset, version="reciprocity-old")
    artifact.save(trained.holdout, trained.card, tmp_path)
    rows = dataset.features[:200]

    served, _ = artifact.load(tmp_path, "reciprocity-old")
    holdout, _ = artifact.load(tmp_path, "reciprocity-old", holdout=True)

    assert np.allclose(served.predict_many(rows), trained.holdout.predict_many(rows))
    assert np.allclose(holdout.predict_many(rows), served.predict_many(rows))


def test_a_version_written_in_the_same_second_gets_a_name_of_its_own(tmp_path: Path) -> None:
    now = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
    first = artifact.new_version(tmp_path, now=now)
    assert first == "reciprocity-20260302T100000Z"
    (tmp_path / f"{first}.skops").write_bytes(b"the promoted model, say")
    second = artifact.new_version(tmp_path, now=now)
    assert second == "reciprocity-20260302T100000Z-2"
    (tmp_path / f"{second}.json").write_text("{}")  # a card alone also takes the name
    assert artifact.new_version(tmp_path, now=now) == "reciprocity-20260302T100000Z-3"
    assert artifact.new_version(tmp_path, now=now + timedelta(seconds=1)) == "reciprocity-20260302T100001Z"


def test_a_tampered_or_foreign_model_file_is_refused(tmp_path: Path) -> None:
    tasks, members, _ = history(members=40, tasks=2000)
    trained = train(build_dataset(tasks, members), version="reciprocity-test")
    artifact.save(trained.model, trained.card, tmp_path)
    model_file = tmp_path / "reciprocity-test.skops"
    original = model_file.read_bytes()

    model_file.write_bytes(original[:-10] + b"0123456789")
    with pytest.raises(artifact.ModelRefused, match="sha256"):
        artifact.load(tmp_path, "reciprocity-test")

    model_file.write_bytes(original)
    card_file = tmp_path / "reciprocity-test.json"
    card = json.loads(card_file.read_text())
    card_file.write_text(json.dumps({**card, "features": ["something", "else"]}))
    with pytest.raises(artifact.ModelRefused, match="other features"):
        artifact.load(tmp_path, "reciprocity-test")

    with pytest.raises(artifact.ModelRefused, match="promoted"):
        artifact.load(tmp_path)  # nothing promoted yet


def test_without_a_model_the_cold_start_is_the_members_own_record() -> None:
    tasks, members, _ = history(members=10, tasks=300)
    dataset = build_dataset(tasks, members)
    fallback = predict_or_fall_back(None, dataset.features)
    assert np.array_equal(fallback, cold_start(dataset.features))
    assert np.array_equal(fallback, dataset.features[:, FEATURE_NAMES.index("reliability")])


def test_a_newcomer_starts_in_the_middle() -> None:
    newcomer = history(members=1, tasks=0)[1][0]
    keys, rows = snapshot(
        [], [newcomer], at=START + timedelta(days=3), platforms=[Platform.YOUTUBE], kind=ContentKind.VIDEO
    )
    assert keys == [(1, Platform.YOUTUBE)]
    assert cold_start(rows)[0] == 0.5


def test_every_feature_is_named() -> None:
    tasks, members, _ = history(members=5, tasks=100)
    assert build_dataset(tasks, members).features.shape[1] == len(FEATURE_NAMES)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert isinstance(tasks[0], TaskRecord)


def _task(
    task_id: int, at: datetime, status: TaskStatus, *, done: datetime | None = None, decided: datetime | None = None
) -> TaskRecord:
    return TaskRecord(
        task_id=task_id,
        community_id=1,
        giver_id=1,
        owner_id=2,
        platform=Platform.YOUTUBE,
        kind=ContentKind.VIDEO,
        assigned_at=at,
        status=status,
        decided_at=decided,
        done_at=done,
    )


def _features_of(tasks: list[TaskRecord]) -> dict[int, dict[str, float]]:
    """Each labelled task's timing features, by task id."""
    dataset = build_dataset(tasks)
    wanted = ("hours_to_done", "waiting_hours", "hours_since_done", "skips_last_day", "tasks_last_hour")
    return {
        int(task_id): {name: float(row[FEATURE_NAMES.index(name)]) for name in wanted}
        for task_id, row in zip(dataset.task_ids, dataset.features, strict=True)
    }


def test_how_a_member_works_is_read_from_when_they_said_done_and_skipped() -> None:
    hour = timedelta(hours=1)
    t0 = START
    tasks = [
        # Done three hours after it was given, verified later.
        _task(1, t0, TaskStatus.VERIFIED, done=t0 + 3 * hour, decided=t0 + 5 * hour),
        # Never done: expires two days later; while it waits, it is the oldest waiting task.
        _task(2, t0 + 10 * hour, TaskStatus.EXPIRED, decided=t0 + 58 * hour),
        _task(3, t0 + 20 * hour, TaskStatus.SKIPPED, decided=t0 + 20 * hour),
        # Given at the same instant as task 3, after it: the skip is not seen yet, task 3 is.
        _task(4, t0 + 20 * hour, TaskStatus.SKIPPED, decided=t0 + 20 * hour),
        _task(5, t0 + 22 * hour, TaskStatus.VERIFIED, done=t0 + 23 * hour, decided=t0 + 30 * hour),
        _task(6, t0 + 70 * hour, TaskStatus.VERIFIED, done=t0 + 71 * hour, decided=t0 + 72 * hour),
    ]
    seen = _features_of(tasks)
    first = seen[1]
    assert first == {
        "hours_to_done": 72.0,  # nothing said done yet: the cap
        "waiting_hours": 0.0,
        "hours_since_done": 336.0,
        "skips_last_day": 0.0,
        "tasks_last_hour": 0.0,
    }
    assert seen[2]["hours_to_done"] == 3.0
    assert seen[2]["hours_since_done"] == 7.0
    assert seen[3]["waiting_hours"] == 10.0  # task 2, given ten hours before
    assert seen[3]["tasks_last_hour"] == 0.0
    assert seen[4]["tasks_last_hour"] == 1.0
    assert seen[3]["skips_last_day"] == 0.0
    assert seen[4]["skips_last_day"] == 0.0
    assert seen[5]["skips_last_day"] == 2.0
    assert seen[5]["waiting_hours"] == 12.0
    # Two days on: task 2 expired (no longer waiting), the skips are more than a day old, the
    # mean time to done is over tasks 1 and 5.
    assert seen[6] == {
        "hours_to_done": 2.0,
        "waiting_hours": 0.0,
        "hours_since_done": 47.0,
        "skips_last_day": 0.0,
        "tasks_last_hour": 0.0,
    }


def test_a_done_said_after_the_task_was_decided_is_not_counted() -> None:
    """A "done" stored after the task's end (a member pressing Done on a task that had already
    been skipped or expired) says nothing of how quickly they work."""
    hour = timedelta(hours=1)
    skipped = _task(1, START, TaskStatus.SKIPPED, done=START + 2 * hour, decided=START + hour)
    later = _task(2, START + 5 * hour, TaskStatus.VERIFIED, done=START + 6 * hour, decided=START + 7 * hour)
    seen = _features_of([skipped, later])[2]
    assert seen["hours_to_done"] == 72.0
    assert seen["hours_since_done"] == 336.0
    assert seen["waiting_hours"] == 0.0
    assert seen["skips_last_day"] == 1.0


def _given(
    task_id: int, at: datetime, *, giver: int = 1, owner: int = 2, submitted: datetime | None = None
) -> TaskRecord:
    """A task skipped an hour after it was given, on content submitted an hour before (or then)."""
    return dataclasses.replace(
        _task(task_id, at, TaskStatus.SKIPPED, decided=at + timedelta(hours=1)),
        giver_id=giver,
        owner_id=owner,
        submitted_at=submitted or at - timedelta(hours=1),
    )


def _partner_features(tasks: list[TaskRecord], groups: list[GroupRecord]) -> dict[int, tuple[float, float]]:
    """(group_partners, partner_fresh_hours) of each labelled task, by task id."""
    dataset = build_dataset(tasks, groups=groups)
    return {
        int(task_id): (row[FEATURE_NAMES.index("group_partners")], row[FEATURE_NAMES.index("partner_fresh_hours")])
        for task_id, row in zip(dataset.task_ids, dataset.features, strict=True)
    }


def test_a_flagged_groups_fresh_content_is_read_from_when_the_group_was_flagged() -> None:
    """Member 1 is flagged with member 3 ten hours in. From then on the model knows 1's partner,
    and how fresh 3's content is, as far as tasks for it were handed out."""
    hour = timedelta(hours=1)
    t0 = START
    tasks = [
        _given(1, t0 + 2 * hour, giver=5, owner=3, submitted=t0 + hour),  # 3's content, handed to 5
        _given(2, t0 + 5 * hour),  # before the flag
        _given(3, t0 + 10 * hour),  # at the flag's instant: not seen yet
        _given(4, t0 + 12 * hour),
        _given(5, t0 + 25 * hour),  # 3 submitted again at 20 h, but nobody was given it yet
        _given(6, t0 + 30 * hour, giver=5, owner=3, submitted=t0 + 20 * hour),
        _given(7, t0 + 31 * hour),
        _given(8, t0 + 100 * hour),  # the partner's newest content is older than the cap
    ]
    seen = _partner_features(tasks, [GroupRecord(community_id=1, flagged_at=t0 + 10 * hour, member_ids=(1, 3))])
    assert seen[2] == (0.0, 72.0)
    assert seen[3] == (0.0, 72.0)
    assert seen[4] == (1.0, 11.0)
    assert seen[5] == (1.0, 24.0)
    assert seen[7] == (1.0, 11.0)
    assert seen[8] == (1.0, 72.0)
    # Without the group, nothing is known of partners.
    assert {features[0] for features in _partner_features(tasks, []).values()} == {0.0}


def test_a_group_an_admin_cleared_no_longer_counts_unless_another_group_holds_the_two() -> None:
    """1 and 3 are flagged twice: alone (cleared by an admin at 40 h) and with 4 (cleared at 60 h)."""
    hour = timedelta(hours=1)
    t0 = START
    tasks = [
        _given(1, t0 + 2 * hour, giver=5, owner=3),
        _given(2, t0 + 30 * hour),
        _given(3, t0 + 50 * hour),
        _given(4, t0 + 70 * hour),
    ]
    groups = [
        GroupRecord(1, t0 + 10 * hour, (1, 3), cleared_at=t0 + 40 * hour),
        GroupRecord(1, t0 + 20 * hour, (1, 3, 4), cleared_at=t0 + 60 * hour),
    ]
    seen = _partner_features(tasks, groups)
    assert seen[2] == (2.0, 29.0)  # 3 and 4; 3's content was submitted at 1 h, 4 has none
    assert seen[3] == (2.0, 49.0)  # the first group cleared: the second still holds 1 and 3
    assert seen[4] == (0.0, 72.0)  # both cleared
