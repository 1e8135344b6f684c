"""Runs a simulated community hour by hour through the real use cases."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tgexchange.bootstrap import Storage
from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.content import ContentRef, Platform
from tgexchange.domain.credit import escrow_per_feedback
from tgexchange.domain.errors import DomainError, NoTaskAvailable
from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.task import Task
from tgexchange.services import channel as channel_service
from tgexchange.services import community as community_service
from tgexchange.services import review, verification
from tgexchange.services import ring as ring_service
from tgexchange.services import submission as submission_service
from tgexchange.services import task as task_service
from tgexchange.services.lookup import get_community
from tgexchange.services.ports import QualityGate, UnitOfWork
from tgexchange.simulation import collusion, summary, texts
from tgexchange.simulation.latent import Drift, LatentGiveBack
from tgexchange.simulation.platform import FlakyComments, SimulatedPlatform
from tgexchange.simulation.pool import OpenSubmissions
from tgexchange.simulation.profiles import AS_SIMULATED, BEHAVIOURS, Demand, Profile, assign_profiles
from tgexchange.simulation.ratings import OwnerRatings
from tgexchange.simulation.streams import RandomStreams, Use
from tgexchange.simulation.summary import SimulationResult

SIM_START = datetime(2026, 1, 5, tzinfo=UTC)
SIM_CHAT_ID = -1_000_000_000_001
_VERIFY_AFTER = timedelta(minutes=30)
_QUIET_AFTER_NOTHING = timedelta(hours=4)
_SAVING_FOR = timedelta(hours=12)
# Where comments are not public the submission's owner confirms in Telegram, which takes a while.
_OWNER_ANSWERS_AFTER = timedelta(hours=6)


@dataclass
class SimMember:
    index: int
    profile: Profile
    member_id: int
    channel_id: str
    ring: int | None  # the group of accounts (a ring or a pair) of one person, if any
    videos: int = 0
    # People who just saw "nothing to do" or "not enough credits" do not ask again at once.
    quiet_until: datetime = SIM_START
    saving_until: datetime = SIM_START
    submitted_at: datetime | None = None
    channels: dict[Platform, str] = field(default_factory=dict)


class Simulation:
    """A synthetic community of ``members`` over ``days``; deterministic for a seed.

    By default the YouTube-only community ``tgexchange simulate`` reports on. The demo adds a start
    time, platforms (members link them all; each submission picks one; where comments are not
    public the member pastes their text and the owner confirms it) and an outage rate (a share of
    comment reads fail); each draws random numbers only when used. ``detect_rings``: the exchange's
    ring detection once a simulated day. ``fair_play`` (on by default): credit by substance, the
    health cooldown, owners rating feedback (simulation/ratings.py); off, the exchange before issue
    19. ``paired_randomness``: each member's own random streams, to compare two settings on one
    seed (simulation/streams.py); off, the one shared stream ``tgexchange simulate`` draws from.
    ``demand``: welcome credits and how often members wish to submit (profiles.Demand).

    A member does a task they took with their latent give-back probability (simulation/latent.py),
    kept in memory only: ``give_back`` holds it per task id when taken (0 if skipped), the oracle
    of the reciprocity model. ``match_by_reciprocity`` turns that setting on; ``daily`` is called
    at the start of each day after the first (e.g. to retrain the model and refresh the scores)."""

    def __init__(
        self,
        storage: Storage,
        *,
        members: int,
        days: int,
        seed: int,
        gate: QualityGate,
        chat_id: int = SIM_CHAT_ID,
        title: str = "Simulated creators (synthetic data)",
        start: datetime = SIM_START,
        platforms: Sequence[Platform] = (Platform.YOUTUBE,),
        outage_rate: float = 0.0,
        detect_rings: bool = True,
        fair_play: bool = True,
        match_by_reciprocity: bool = False,
        daily: Callable[[Simulation], None] | None = None,
        drift: Drift | None = None,
        paired_randomness: bool = False,
        demand: Demand = AS_SIMULATED,
    ) -> None:
        if members < 2 or days < 1:
            raise ValueError("a simulation needs at least 2 members and 1 day")
        if not platforms or not 0.0 <= outage_rate < 1.0:
            raise ValueError("a simulation needs at least one platform and an outage rate in [0, 1)")
        self.storage = storage.without_notices()  # simulated members cannot be told anything
        self.gate = gate
        self.platform = SimulatedPlatform()
        streams = self.streams = RandomStreams(seed, paired=paired_randomness)
        self.platforms = tuple(platforms)
        flaky = FlakyComments(self.platform, streams.of(Use.OUTAGES), outage_rate)
        self.comments = flaky if outage_rate else self.platform
        self.seed = seed
        self.days = days
        self.member_count = members
        self.chat_id = chat_id
        self.title = title
        self.now = self.start = start
        self.detect_rings = detect_rings
        self.members: list[SimMember] = []
        self.partners: dict[int, list[SimMember]] = {}  # group id -> its accounts
        self.voices: dict[int, texts.Voice] = {}  # group id -> how its person writes
        self.by_member_id: dict[int, SimMember] = {}
        self.community_id = 0
        # What request_task handed out and its content: the simulated people need not query for it.
        self._tasks: dict[int, Task] = {}
        self._refs: dict[int, ContentRef] = {}
        self._pending: list[tuple[datetime, int, int]] = []  # (due, sequence, task id)
        self._to_verify: list[tuple[datetime, int, int]] = []  # (due, sequence, submission id)
        self._owner_reviews: list[tuple[datetime, int, int]] = []  # (due, sequence, task id)
        self._awaiting_owner: dict[int, dict[int, int]] = {}  # submission id → {task id: owner id}
        self._seq = 0
        self.open_submissions = OpenSubmissions()  # lets requests that would find nothing go unasked
        self._asked_in_vain: list[int] = []  # ... and these are the members who made them this hour
        self._settings: tuple[datetime, CommunitySettings] | None = None  # (the hour, as read then)
        self.match_by_reciprocity = match_by_reciprocity
        self.daily = daily
        self.drift = drift or Drift()
        self.latent = LatentGiveBack((), seed=seed, drift=self.drift)  # the population's, once set up
        self.give_back: dict[int, float] = {}  # task id → the giver's latent probability then
        self.fair_play = fair_play
        self.demand = demand
        self.ratings = OwnerRatings(self.storage, streams.of(Use.RATINGS), self.by_member_id.get) if fair_play else None

    # setup -------------------------------------------------------------------------------
    def _setup(self) -> None:
        # Off, nobody is cooled down for low health, as before issue 19.
        defaults = CommunitySettings()
        health = defaults.health_threshold_pct if self.fair_play else 0
        welcome = defaults.welcome_credits if self.demand.welcome_credits is None else self.demand.welcome_credits
        community = community_service.register_community(
            self.storage.uow(),
            telegram_chat_id=self.chat_id,
            title=self.title,
            now=self.now,
            settings=CommunitySettings(
                allowed_platforms=frozenset(self.platforms),
                match_by_reciprocity=self.match_by_reciprocity,
                credit_by_substance=self.fair_play,
                health_threshold_pct=health,
                welcome_credits=welcome,
            ),
        )
        self.community_id = community.id
        profiles = assign_profiles(self.member_count)
        self.latent = LatentGiveBack([BEHAVIOURS[p].completes for p in profiles], seed=self.seed, drift=self.drift)
        for index, (profile, ring) in enumerate(zip(profiles, collusion.assign_groups(profiles), strict=True)):
            joined = community_service.join_community(
                self.storage.uow(),
                community_id=self.community_id,
                telegram_user_id=10_000 + index,
                display_name=f"member-{index:03d}",  # the profile is the simulator's secret
                now=self.now,
            )
            member_id = joined.member.id
            sim = SimMember(index, profile, member_id, f"UCsim{index:06d}", ring)
            for platform in self.platforms:
                self._link_channel(sim, platform)
            self.members.append(sim)
            self.by_member_id[member_id] = sim
            if ring is not None:
                self.partners.setdefault(ring, []).append(sim)
        self.voices = {group: texts.voice(self.streams.shared) for group in sorted(self.partners)}

    def _link_channel(self, sim: SimMember, platform: Platform) -> None:
        channel_id = sim.channel_id if platform is Platform.YOUTUBE else f"{platform.value}-sim{sim.index:06d}"
        sim.channels[platform] = channel_id
        proof = channel_service.start_channel_proof(
            self.storage.uow(), member_id=sim.member_id, platform=platform, now=self.now
        )
        if platform.has_public_comments:
            ref = self._publish(sim, platform)
            self.platform.comment(ref, author_channel_id=channel_id, text=f"my code {proof.code}", now=self.now)
        else:  # no public comments: the code goes in the description of the member's own post
            ref = self._publish(sim, platform, description=f"my code {proof.code}")
        channel_service.confirm_channel_proof(
            self.storage.uow(), self.platform, self.platform, member_id=sim.member_id, ref=ref, now=self.now
        )

    def _publish(
        self, sim: SimMember, platform: Platform = Platform.YOUTUBE, description: str | None = None
    ) -> ContentRef:
        sim.videos += 1
        content_id = f"v{sim.index:05d}x{sim.videos:04d}"
        return self.platform.publish(
            platform=platform,
            content_id=content_id,
            channel_id=sim.channels[platform],
            title=texts.video_title(self.streams.of(Use.WRITING, sim.index), sim.videos),
            now=self.now,
            description=description,
        )

    # one hour ----------------------------------------------------------------------------
    def _hour(self) -> None:
        if self.now.hour == 0 and self.now > self.start:
            self.latent.advance_day()
            if self.daily is not None:
                self.daily(self)
        self.open_submissions.refresh(self.storage.uow(), community_id=self.community_id)
        for sim in self.streams.arrivals(self.members, lambda sim: BEHAVIOURS[sim.profile].sessions_per_day / 24):
            self._session(sim)
        if self._asked_in_vain:
            task_service.note_no_tasks(
                self.storage.uow(), self._asked_in_vain, community_id=self.community_id, now=self.now
            )
            self._asked_in_vain = []
        self._finish_due_work()
        self._verify_due()
        self._answer_owners()
        if self.now.hour == 0:
            task_service.expire_overdue_tasks(self.storage.uow(), now=self.now)
            if self.detect_rings and self.partners:
                ring_service.detect_rings(self.storage.rings, now=self.now)

    def _session(self, sim: SimMember) -> None:
        behaviour, activity = BEHAVIOURS[sim.profile], self.streams.of(Use.ACTIVITY, sim.index)
        if activity.random() < behaviour.submits_per_day * self.demand.submits / max(behaviour.sessions_per_day, 0.01):
            submitted = self._maybe_submit(sim)
            if submitted and sim.ring is not None:
                # One person: having submitted with one account, they log in with the others to
                # take it at once.
                for partner in self.partners[sim.ring]:
                    if partner is not sim:
                        self._take_task(partner)
        if sim.profile is Profile.LEECHER and activity.random() < 0.7:
            return
        self._take_task(sim)

    def _maybe_submit(self, sim: SimMember) -> bool:
        if self.now < sim.saving_until:
            return False
        wanted = self._affordable(sim)
        if not wanted:
            sim.saving_until = self.now + _SAVING_FOR  # not enough credits yet: give feedback first
            return False
        # One platform draws nothing, so the default run's random sequence is unchanged.
        writing = self.streams.of(Use.WRITING, sim.index)
        platform = self.platforms[0] if len(self.platforms) == 1 else writing.choice(self.platforms)
        ref = self._publish(sim, platform)
        try:
            submission = submission_service.submit_content(
                self.storage.uow(), self.platform, member_id=sim.member_id, ref=ref, now=self.now,
                feedback_wanted=wanted,
            )  # fmt: skip
        except DomainError:
            sim.saving_until = self.now + _SAVING_FOR  # not enough credits yet: give feedback first
            return False
        self._refs[submission.id] = ref
        self.open_submissions.opened(submission.id, sim.member_id, slots=submission.free_slots)
        sim.submitted_at = self.now
        return True

    def _affordable(self, sim: SimMember) -> int:
        """As many feedbacks as their credits hold in escrow (domain/credit.py), up to the default."""
        with self.storage.uow() as uow:
            balance = uow.ledger.balance(AccountKey.member(sim.member_id))
            settings = self._settings_this_hour(uow)
        each = escrow_per_feedback(settings.credits_per_feedback, by_substance=settings.credit_by_substance)
        return min(settings.default_feedback_per_submission, balance // each)

    def _settings_this_hour(self, uow: UnitOfWork) -> CommunitySettings:
        """Read once per simulated hour: no admin acts during the sessions (``daily`` runs first)."""
        if self._settings is None or self._settings[0] != self.now:
            self._settings = (self.now, get_community(uow, self.community_id).settings)
        return self._settings[1]

    def _take_task(self, sim: SimMember) -> None:
        if self.now < sim.quiet_until:
            return
        behaviour = BEHAVIOURS[sim.profile]
        give_back = self.latent.probability(sim.index)
        # A colluder looks only for their partners' content while some is fresh (see collusion).
        picky = sim.ring is not None and collusion.is_partner_content_fresh(
            [p.submitted_at for p in self.partners[sim.ring] if p is not sim], now=self.now
        )
        for _ in range(collusion.MAX_LOOKS if picky else 1):
            try:
                if not self.open_submissions.may_have_task_for(sim.member_id):
                    self._asked_in_vain.append(sim.member_id)  # recorded as request_task would (_hour)
                    raise NoTaskAvailable()
                task = task_service.request_task(
                    self.storage.uow(), member_id=sim.member_id, now=self.now, seed=self.seed
                )
            except DomainError:
                sim.quiet_until = self.now + _QUIET_AFTER_NOTHING
                return
            self.open_submissions.handed(sim.member_id, task.submission_id)
            owner = self.by_member_id.get(task.owner_id)
            if picky and (owner is None or owner.ring != sim.ring):
                task_service.skip_task(self.storage.uow(), member_id=sim.member_id, task_id=task.id, now=self.now)
                self.open_submissions.opened(task.submission_id, task.owner_id)
                self.give_back[task.id] = 0.0
                continue
            self.give_back[task.id] = give_back
            work = self.streams.of(Use.WORK, sim.index)
            if work.random() < give_back:
                low, high = behaviour.delay_hours
                due = self.now + timedelta(hours=work.uniform(low, high))
                self._seq += 1
                self._tasks[task.id] = task
                heapq.heappush(self._pending, (due, self._seq, task.id))
            return

    def _finish_due_work(self) -> None:
        while self._pending and self._pending[0][0] <= self.now:
            due, _, task_id = heapq.heappop(self._pending)
            task = self._tasks[task_id]
            sim = self.by_member_id[task.giver_id]
            if task.is_overdue(due):
                del self._tasks[task_id]
                continue  # too late: the expiry sweep takes it
            text = texts.comment(
                self.streams.of(Use.WRITING, sim.index),
                BEHAVIOURS[sim.profile].style,
                self.voices.get(sim.ring, None) if sim.ring is not None else None,
            )
            self.platform.comment(
                self._refs[task.submission_id], author_channel_id=sim.channels[task.platform], text=text, now=due
            )
            # Where comments are not public the member pastes their text for the quality gate.
            pasted = None if task.platform.has_public_comments else text
            try:
                task_service.mark_task_done(
                    self.storage.uow(), member_id=task.giver_id, task_id=task_id, now=self.now, feedback_text=pasted
                )
            except DomainError:
                del self._tasks[task_id]
                continue  # e.g. cancelled meanwhile
            del self._tasks[task_id]
            if not task.platform.has_public_comments:
                self._awaiting_owner.setdefault(task.submission_id, {})[task_id] = task.owner_id
            self._seq += 1
            heapq.heappush(self._to_verify, (self.now + _VERIFY_AFTER, self._seq, task.submission_id))

    def _verify_due(self) -> None:
        """The verification jobs' work, done inline each hour by the real use case and quality gate:
        one fetch per due submission, and one quality-gate call for the whole hour."""
        due: set[int] = set()
        while self._to_verify and self._to_verify[0][0] <= self.now:
            due.add(heapq.heappop(self._to_verify)[2])
        runs = verification.verify_submissions(
            self.storage.uow(), self.comments, self.gate, submission_ids=sorted(due), now=self.now
        )
        for submission_id, run in zip(sorted(due), runs, strict=True):
            if run.retry_in is not None:
                self._seq += 1
                heapq.heappush(self._to_verify, (self.now + run.retry_in, self._seq, submission_id))
                continue  # nothing was handed to the owner yet
            for task_id in self._awaiting_owner.pop(submission_id, {}):
                self._seq += 1
                heapq.heappush(self._owner_reviews, (self.now + _OWNER_ANSWERS_AFTER, self._seq, task_id))
        if self.ratings is not None:
            self.ratings.rate(sorted(due), now=self.now)

    def _answer_owners(self) -> None:
        """Owners confirm feedback they find under their post (the simulated members comment
        before they say done); a task the quality gate already refused is no longer theirs to
        answer."""
        while self._owner_reviews and self._owner_reviews[0][0] <= self.now:
            _, _, task_id = heapq.heappop(self._owner_reviews)
            with self.storage.uow() as uow:
                task = uow.tasks.find(task_id)
            if task is None or task.review_stage is None:
                continue
            try:
                review.answer_owner_review(
                    self.storage.uow(), owner_member_id=task.owner_id, task_id=task_id, confirmed=True, now=self.now
                )
            except DomainError:
                continue  # e.g. the community was paused meanwhile

    # run ---------------------------------------------------------------------------------
    def run(self, progress: Callable[[int, int], None] | None = None) -> SimulationResult:
        self._setup()
        hours = self.days * 24
        for hour in range(hours):
            self._hour()
            self.now += timedelta(hours=1)
            if progress is not None:
                progress(hour + 1, hours)
        task_service.expire_overdue_tasks(self.storage.uow(), now=self.now)
        return summary.result(self)
