"""The candidate query is matching's hard rules, not a second copy of them: on a community holding
a submission that breaks each rule, the query returns exactly what the domain's check lets through,
with new submissions held for givers who give back (the community matching by reciprocity) and
without."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.adapters.db.reciprocity import SqlReciprocityScores
from tgexchange.domain.audit import AuditAction, AuditEntry
from tgexchange.domain.content import Platform
from tgexchange.domain.matching import Candidate, Giver, Ineligible, is_eligible, why_ineligible
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.domain.reciprocity import ReciprocityScore
from tgexchange.domain.ring import RingFinding, RingStatus
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.services import task as task_service
from tgexchange.services.penalty import apply_penalty


def _pool_with_facts(world: World, *, community_id: int, giver_id: int) -> list[Candidate]:
    """Every open submission of the community with the facts the rules read, computed in Python
    from the rows (not by the query under test)."""
    s, m, t, r = tables.submissions, tables.members, tables.tasks, tables.reciprocity_scores
    with world.storage.engine.connect() as conn:
        rows = conn.execute(
            sa.select(s, m.c.status.label("owner_status"))
            .join(m, m.c.id == s.c.owner_id)
            .where(s.c.community_id == community_id, s.c.status == SubmissionStatus.OPEN)
        ).all()
        served = set(conn.scalars(sa.select(t.c.submission_id).where(t.c.giver_id == giver_id)))
        scores = {(row.member_id, Platform(row.platform)): row.probability for row in conn.execute(sa.select(r))}
    rings = world.storage.rings.rings_in([community_id])
    kept_apart = {m for r in rings if r.status.keeps_apart and giver_id in r.member_ids for m in r.member_ids}
    return [
        Candidate(
            submission_id=row.id,
            owner_id=row.owner_id,
            platform=Platform(row.platform),
            waiting_since=row.waiting_since,
            free_slots=row.feedback_wanted - row.tasks_verified - row.tasks_open,
            owner_reliability=0.5,
            owner_reciprocity=1.0,
            served_by_giver=row.id in served,
            owner_banned=row.owner_status == MemberStatus.BANNED,
            owner_in_giver_ring=row.owner_id in kept_apart,
            predicted_reciprocity=scores.get((row.owner_id, Platform(row.platform))),
            created_at=row.created_at,
            verified_so_far=row.tasks_verified,
            giver_predicted_reciprocity=scores.get((giver_id, Platform(row.platform))),
        )
        for row in rows
    ]


@pytest.mark.parametrize("hold", [True, False], ids=["matching-by-reciprocity", "plain"])
def test_the_candidate_query_returns_exactly_what_the_domain_rules_allow(any_world: World, hold: bool) -> None:
    world = any_world
    community = world.community()
    giver = world.member(community)  # YouTube
    served_owner = world.member(community)
    served = world.submission(served_owner)
    task_service.skip_task(world.uow(), member_id=giver.id, task_id=world.task(giver).id, now=world.now)
    full = world.submission(world.member(community), wanted=1)
    assert world.task(served_owner).submission_id == full.id  # takes the only slot
    plain = [world.submission(world.member(community)) for _ in range(2)]
    world.submission(giver)  # own
    tiktoker = world.member(community, link=Platform.TIKTOK)
    world.submission(tiktoker, platform=Platform.TIKTOK)
    banned_owner = world.member(community)
    world.submission(banned_owner)
    partner, former_partner = world.member(community), world.member(community)
    world.submission(partner)  # flagged in a ring with the giver
    cleared_partners = world.submission(former_partner)  # an admin cleared that ring
    _, cleared = world.storage.rings.save(
        community.id,
        new=[RingFinding((giver.id, partner.id), {}), RingFinding((giver.id, former_partner.id), {})],
        refreshed=[],
        now=world.now,
    )
    world.storage.rings.decide(
        cleared,
        status=RingStatus.CLEARED,
        audit=AuditEntry(community_id=community.id, action=AuditAction.RING_CLEARED, at=world.now),
    )
    # The owners who give back far more than the giver (0.8 against 0.2): only their newest
    # submission without verified feedback is held.
    keen, keener, early = (world.member(community) for _ in range(3))
    made_before_the_hold = world.submission(early)
    world.clock.advance(hours=7)
    held = world.submission(keen)
    verified_once = world.submission(keener)
    with world.storage.engine.begin() as conn:
        s = tables.submissions
        conn.execute(sa.update(s).where(s.c.id == verified_once.id).values(tasks_verified=1))
    modest = world.member(community)  # 0.3: the giver's 0.2 is more than half of it
    modest_one = world.submission(modest)
    newcomers = world.submission(world.member(community))  # not scored yet: nothing held for them
    admin = world.member(community, admin=True, link=None)
    apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=banned_owner.id,
        reason="spam",
        now=world.now,
    )
    SqlReciprocityScores(world.storage.engine).replace(
        [
            ReciprocityScore(giver.id, Platform.YOUTUBE, 0.2, 0.9),
            ReciprocityScore(keen.id, Platform.YOUTUBE, 0.8, 0.9),
            ReciprocityScore(keener.id, Platform.YOUTUBE, 0.9, 0.9),
            ReciprocityScore(early.id, Platform.YOUTUBE, 0.9, 0.9),
            ReciprocityScore(modest.id, Platform.YOUTUBE, 0.3, 0.9),
            ReciprocityScore(giver.id, Platform.TIKTOK, 0.9, 0.9),  # not the platform they are held on
        ],
        version="test",
        now=world.now,
    )
    giver_view = Giver.asking(giver.id, frozenset({Platform.YOUTUBE}), now=world.now, hold=hold)

    pool = _pool_with_facts(world, community_id=community.id, giver_id=giver.id)
    with world.uow() as uow:
        offered = uow.submissions.candidates(
            community_id=community.id,
            giver_id=giver.id,
            platforms=giver_view.platforms,
            limit=100,
            holds_made_after=giver_view.holds_made_after,
        )

    # Every rule is broken by some submission here, so a rule missing from the SQL would show.
    broken = set(Ineligible) if hold else set(Ineligible) - {Ineligible.HELD}
    assert {why_ineligible(giver_view, c) for c in pool} == broken | {None}
    assert {c.submission_id for c in offered} == {c.submission_id for c in pool if is_eligible(giver_view, c)}
    not_held = {made_before_the_hold.id, verified_once.id, modest_one.id, newcomers.id}
    assert {c.submission_id for c in offered} == (
        {s.id for s in plain} | {cleared_partners.id} | not_held | (set() if hold else {held.id})
    )
    assert served.id not in {c.submission_id for c in offered}
    assert full.id not in {c.submission_id for c in offered}
