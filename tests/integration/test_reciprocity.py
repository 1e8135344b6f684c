"""The reciprocity model on the exchange's own storage: trained from the stored history, scores
refreshed for matching, matching preferring owners who give back when a community asks for it,
and a retrained model promoted only when it is not worse."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from huey import MemoryHuey

from tests.fakes import T0, FakeQualityGate, RecordingNotifier
from tests.reciprocity_history import exchange_history
from tests.refusals import refused
from tests.settings import settings_of
from tests.world import World
from tgexchange.adapters.db.reciprocity import SqlReciprocityHistory, SqlReciprocityScores
from tgexchange.adapters.db.ring import SqlRingStore
from tgexchange.adapters.reciprocity import COLD_START, ReciprocityLearner
from tgexchange.bootstrap import Container
from tgexchange.domain.audit import AuditAction, AuditEntry
from tgexchange.domain.content import Platform
from tgexchange.domain.pace import paces
from tgexchange.domain.reciprocity import GroupRecord, ReciprocityScore
from tgexchange.domain.ring import RingFinding, RingStatus
from tgexchange.ml import reciprocity_artifact as artifact
from tgexchange.ml.features import FEATURE_NAMES, snapshot
from tgexchange.ml.reciprocity_metrics import score
from tgexchange.services import community as community_service
from tgexchange.services import reciprocity as reciprocity_service
from tgexchange.services import task as task_service
from tgexchange.worker.jobs import register_jobs


def learner_for(world: World, tmp_path: Path) -> ReciprocityLearner:
    return ReciprocityLearner(
        SqlReciprocityHistory(world.storage.engine), tmp_path / "models", toxicity=lambda t: [0.0] * len(t)
    )


def test_training_on_the_stored_history_promotes_the_first_model_and_scores_everyone(
    world: World, tmp_path: Path
) -> None:
    truth = exchange_history(world)
    learner = learner_for(world, tmp_path)

    retrained = reciprocity_service.retrain(learner)
    version, stored = reciprocity_service.refresh_scores(
        learner, SqlReciprocityScores(world.storage.engine), now=world.now
    )

    assert retrained.promoted
    assert retrained.against_cold_start  # no model was in use before: the members' own records were
    assert retrained.current == {"roc_auc": retrained.card["baseline_auc"], "brier": retrained.card["baseline_brier"]}
    assert retrained.card["samples"]["test"] > 50
    assert version == retrained.card["version"]
    assert stored == len(truth) * len(Platform)
    scores = SqlReciprocityScores(world.storage.engine).for_members(list(truth))
    reliable = [scores[(m, Platform.YOUTUBE)].probability for m, p in truth.items() if p == 0.9]
    flaky = [scores[(m, Platform.YOUTUBE)].probability for m, p in truth.items() if p == 0.15]
    assert sum(reliable) / len(reliable) > sum(flaky) / len(flaky) + 0.2


def test_members_are_scored_by_the_refitted_model_and_a_new_version_is_compared_with_the_holdout_one(
    world: World, tmp_path: Path
) -> None:
    truth = exchange_history(world, idle=2)
    learner = learner_for(world, tmp_path)
    assert reciprocity_service.retrain(learner).promoted
    served, card = artifact.load(learner.directory)
    holdout, _ = artifact.load(learner.directory, holdout=True)
    history = SqlReciprocityHistory(world.storage.engine)
    tasks, members = learner.records()
    _, rows = snapshot(tasks, members, at=world.now, groups=history.groups())

    _, scores = learner.score_members(now=world.now)

    pace = paces(tasks, members, at=world.now, hours_in_vain=history.hours_in_vain(before=world.now))
    paced = served.predict_many(rows) * [pace[s.member_id] for s in scores]
    # The two who never took a task, weeks after joining, count for a small part of the model's chance.
    assert {m for m, p in pace.items() if p < 1} == {m.member_id for m in members} - set(truth)
    assert max(p for m, p in pace.items() if m not in truth) < 0.1
    assert [s.probability for s in scores] == pytest.approx(paced.tolist())
    assert not np.allclose(served.predict_many(rows), holdout.predict_many(rows))
    assert card["served"]["train"] + card["served"]["calibration"] == sum(card["samples"].values())

    world.clock.advance(hours=1)
    _, test = learner.train()
    # The served model has seen those newest tasks; the holdout one has not.
    expected = score(test.labels, holdout.predict_many(test.features))
    assert learner.scores_on(test) == {"roc_auc": expected.roc_auc, "brier": expected.brier}


def test_an_empty_exchange_scores_newcomers_from_the_cold_start(world: World, tmp_path: Path) -> None:
    member = world.member(world.community())

    version, stored = reciprocity_service.refresh_scores(
        learner_for(world, tmp_path), SqlReciprocityScores(world.storage.engine), now=world.now
    )

    assert version == COLD_START
    assert stored == len(Platform)
    score = SqlReciprocityScores(world.storage.engine).for_members([member.id])[(member.id, Platform.YOUTUBE)]
    assert score.probability == 0.5
    assert score.confidence == 0.0


def test_a_member_who_asks_and_finds_nothing_keeps_pace_and_one_who_never_asks_falls(
    any_world: World, tmp_path: Path
) -> None:
    world = any_world
    community = world.community(welcome_credits=1000, max_feedback_per_submission=100)
    owner = world.member(community)
    givers = [world.member(community) for _ in range(3)]
    tiktoker = world.member(community, link=Platform.TIKTOK)  # nothing is ever submitted there
    absent = world.member(community, link=Platform.TIKTOK)
    for _day in range(6):
        world.submission(owner, wanted=len(givers))  # a new video a day: each giver serves one once
        for giver in givers:
            world.verified(world.task(giver))
            world.clock.advance(hours=1)
        for _ in range(3):  # three taps in one hour: one row
            with refused("no_task_available"):
                world.task(tiktoker)
        world.clock.advance(hours=20)
    history = SqlReciprocityHistory(world.storage.engine)

    asked = history.hours_in_vain(before=world.now)
    _, scores = learner_for(world, tmp_path).score_members(now=world.now)

    assert asked == {tiktoker.id: 6}  # one hour a day, however often they tapped in it
    # As of the hour of the fourth ask: the three before it, not it nor any later one.
    assert history.hours_in_vain(before=T0 + timedelta(hours=3 + 23 * 3)) == {tiktoker.id: 3}
    stored = {s.member_id: s.probability for s in scores if s.platform is Platform.TIKTOK}
    tasks, members = learner_for(world, tmp_path).records()
    pace = paces(tasks, members, at=world.now, hours_in_vain=asked)
    assert pace[tiktoker.id] == 1.0  # six hours over six days: above half the rate of 3 givers a day
    assert pace[absent.id] == pytest.approx(1 / (1 + (world.now - T0).total_seconds() / 86_400))  # all joined at T0
    assert stored[tiktoker.id] == pytest.approx(stored[absent.id] / pace[absent.id])
    assert stored[tiktoker.id] > 4 * stored[absent.id]


def test_the_history_says_when_content_was_submitted_and_which_groups_were_flagged(any_world: World) -> None:
    world = any_world
    community = world.community(welcome_credits=1000)
    owner, giver, partner, other = (world.member(community) for _ in range(4))
    submitted = world.now
    world.submission(owner, wanted=3)
    world.clock.advance(hours=2)
    world.task(giver)
    world.clock.advance(hours=1)
    flagged_at = world.now
    SqlRingStore(world.storage.engine).save(
        community.id, new=[RingFinding((partner.id, giver.id, owner.id), {"why": "test"})], refreshed=[], now=flagged_at
    )
    world.clock.advance(hours=1)
    history = SqlReciprocityHistory(world.storage.engine)

    tasks = [record for record, _ in history.tasks()]
    groups = history.groups()

    assert [t.submitted_at for t in tasks] == [submitted]
    assert groups == [GroupRecord(community.id, flagged_at, tuple(sorted((partner.id, giver.id, owner.id))))]
    ring_id = SqlRingStore(world.storage.engine).rings_in([community.id])[0].id
    keys, rows = snapshot(tasks, history.members(), at=world.now, platforms=[Platform.YOUTUBE], groups=groups)
    seen = {
        member_id: (row[FEATURE_NAMES.index("group_partners")], row[FEATURE_NAMES.index("partner_fresh_hours")])
        for (member_id, _), row in zip(keys, rows, strict=True)
    }
    assert seen[partner.id] == (2.0, 4.0)  # the owner's content, submitted four hours before
    assert seen[giver.id] == (2.0, 4.0)
    assert seen[other.id] == (0.0, 72.0)

    cleared_at = world.now
    audit = AuditEntry(
        community_id=community.id, action=AuditAction.RING_CLEARED, at=cleared_at, actor_label="operator"
    )
    assert SqlRingStore(world.storage.engine).decide(ring_id, status=RingStatus.CLEARED, audit=audit)
    world.clock.advance(hours=1)
    groups = history.groups()
    assert [g.cleared_at for g in groups] == [cleared_at]
    keys, rows = snapshot(tasks, history.members(), at=world.now, platforms=[Platform.YOUTUBE], groups=groups)
    assert {row[FEATURE_NAMES.index("group_partners")] for row in rows} == {0.0}


class ScriptedLearner:
    def __init__(self, new: dict[str, Any], current: dict[str, float | None] | None) -> None:
        self.new, self.current_scores = new, current
        self.promoted: list[str] = []

    def train(self, **_: object) -> tuple[dict[str, Any], Any]:
        return self.new, object()

    def scores_on(self, test: object) -> dict[str, float | None] | None:
        assert test is not None
        return self.current_scores

    def promote(self, version: str) -> None:
        self.promoted.append(version)

    def card(self) -> dict[str, Any] | None:
        return None

    def refused(self) -> bool:
        return False

    def score_members(self, *, now: object) -> tuple[str, list[ReciprocityScore]]:
        raise AssertionError(f"not asked to score at {now}")


def test_a_retrained_model_worse_on_the_newest_tasks_is_not_promoted() -> None:
    worse = ScriptedLearner({"version": "v2", "roc_auc": 0.70, "brier": 0.20}, {"roc_auc": 0.74, "brier": 0.19})
    assert reciprocity_service.retrain(worse).promoted is False
    assert worse.promoted == []

    as_good = ScriptedLearner({"version": "v3", "roc_auc": 0.739, "brier": 0.191}, {"roc_auc": 0.74, "brier": 0.19})
    assert reciprocity_service.retrain(as_good).promoted is True
    assert as_good.promoted == ["v3"]

    badly_calibrated = ScriptedLearner(
        {"version": "v4", "roc_auc": 0.80, "brier": 0.25}, {"roc_auc": 0.74, "brier": 0.19}
    )
    assert reciprocity_service.retrain(badly_calibrated).promoted is False


def test_the_first_model_must_not_be_worse_than_the_members_own_records_matching_uses_without_one() -> None:
    # No model promoted yet: what is in use is the cold start, scored by the card as its baseline.
    worse = ScriptedLearner(
        {"version": "v1", "roc_auc": 0.62, "brier": 0.24, "baseline_auc": 0.66, "baseline_brier": 0.21}, None
    )
    refused = reciprocity_service.retrain(worse)
    assert refused.promoted is False
    assert worse.promoted == []
    assert refused.against_cold_start is True
    assert refused.current == {"roc_auc": 0.66, "brier": 0.21}

    better = ScriptedLearner(
        {"version": "v2", "roc_auc": 0.74, "brier": 0.19, "baseline_auc": 0.66, "baseline_brier": 0.21}, None
    )
    assert reciprocity_service.retrain(better).promoted is True
    assert better.promoted == ["v2"]


def test_matching_prefers_owners_who_give_back_only_when_the_community_asks(world: World) -> None:
    community = world.community()
    giver = world.member(community)
    owners = [world.member(community) for _ in range(2)]
    for owner in owners:
        world.submission(owner)
    likely, unlikely = owners[1], owners[0]  # the unlikely one has waited longer
    SqlReciprocityScores(world.storage.engine).replace(
        [
            ReciprocityScore(likely.id, Platform.YOUTUBE, 0.95, 0.9),
            ReciprocityScore(unlikely.id, Platform.YOUTUBE, 0.05, 0.9),
        ],
        version="test",
        now=world.now,
    )

    def first_owner() -> int:
        task = world.task(giver)
        task_service.skip_task(world.uow(), member_id=giver.id, task_id=task.id, now=world.now)
        return task.owner_id

    assert first_owner() == unlikely.id  # off: the longest waiting first
    admin = world.member(community, admin=True)
    community_service.update_settings(world.uow(), actor_member_id=admin.id, now=world.now, match_by_reciprocity=True)
    giver = world.member(community)  # someone who served neither yet
    assert first_owner() == likely.id


def test_a_new_submission_waits_for_givers_who_give_back_until_its_first_feedback_or_six_hours(
    world: World,
) -> None:
    community = world.community(match_by_reciprocity=True)
    owner, later_owner = world.member(community), world.member(community)
    slacker, keen = world.member(community), world.member(community)
    first = world.submission(owner)
    SqlReciprocityScores(world.storage.engine).replace(
        [
            ReciprocityScore(owner.id, Platform.YOUTUBE, 0.8, 0.9),
            ReciprocityScore(later_owner.id, Platform.YOUTUBE, 0.8, 0.9),
            ReciprocityScore(slacker.id, Platform.YOUTUBE, 0.3, 0.9),
            ReciprocityScore(keen.id, Platform.YOUTUBE, 0.5, 0.9),
        ],
        version="test",
        now=world.now,
    )

    with refused("no_task_available", opens_within_h=6):
        world.task(slacker)
    kept = world.task(keen)  # 0.5 is more than half of 0.8
    assert kept.submission_id == first.id
    world.verified(kept)
    assert world.task(slacker).submission_id == first.id  # it has its first feedback

    world.clock.advance(hours=1)
    second = world.submission(later_owner)
    world.clock.advance(hours=2, minutes=30)
    with refused("no_task_available", opens_within_h=4):  # 3 h 30 min, told in whole hours
        world.task(slacker)
    world.clock.advance(hours=3, minutes=30)
    assert world.task(slacker).submission_id == second.id


def worker_on(world: World, tmp_path: Path, *, scores_every_min: int) -> tuple[Any, ReciprocityLearner]:
    """The worker's jobs on a 22-member history, and the learner they train."""
    exchange_history(world, members=22)
    container = Container(
        settings=settings_of(TGEXCHANGE_DATA_DIR=str(tmp_path), RECIPROCITY_SCORES_EVERY_MIN=str(scores_every_min)),
        storage=world.storage,
        clock=world.clock,
        _readers=(world.platform, world.platform),
        _quality_gate=FakeQualityGate(),
        _notifier=RecordingNotifier(),
    )
    learner = container.__dict__["reciprocity_learner"] = learner_for(world, tmp_path)
    return register_jobs(MemoryHuey(utc=True), container), learner


def test_the_worker_retrains_and_scores_when_due_and_not_before(world: World, tmp_path: Path) -> None:
    jobs, _ = worker_on(world, tmp_path, scores_every_min=60)

    first = jobs.huey.execute(jobs.reciprocity.s())
    again = jobs.huey.execute(jobs.reciprocity.s())
    world.clock.advance(minutes=61)
    later = jobs.huey.execute(jobs.reciprocity.s())

    assert first["promoted"] is True
    assert first["scored"] > 0
    assert again == {"due": False}
    assert "version" not in later  # a day has not passed: scores only
    assert later["scored"] == first["scored"]


def test_a_promoted_model_that_no_longer_loads_is_retrained_within_the_hour_not_the_next_day(
    world: World, tmp_path: Path
) -> None:
    jobs, learner = worker_on(world, tmp_path, scores_every_min=30)
    first = jobs.huey.execute(jobs.reciprocity.s())
    # As after an upgrade that changed the features: the promoted version no longer loads.
    card_file = tmp_path / "models" / f"{first['version']}.json"
    card_file.write_text(json.dumps({**json.loads(card_file.read_text()), "features": ["an", "older", "list"]}))
    runs = []
    for _ in range(3):
        world.clock.advance(minutes=31)
        runs.append(jobs.huey.execute(jobs.reciprocity.s()))
    too_soon, healed, after = runs

    assert first["promoted"] is True
    # Half an hour after the last retrain, the scores fall back to members' own records...
    assert too_soon["scored_with"] == COLD_START
    assert "version" not in too_soon
    assert "retrained_because" not in too_soon
    # ...and once the last attempt is an hour old, the same run retrains, promotes and rescores,
    # a day before the schedule would have.
    assert healed["retrained_because"] == "the model in use was refused"
    assert healed["promoted"] is True
    assert healed["version"] != first["version"]
    assert healed["scored_with"] == healed["version"]
    assert after["scored_with"] == healed["version"]
    assert "version" not in after
    assert learner.refused() is False
