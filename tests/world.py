"""A test driver that builds communities, members, submissions and tasks through the real use
cases, so tests state only what they are about."""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa

from tests.fakes import FakeClock, FakePlatform
from tests.outcomes import record_verification_outcome
from tgexchange.adapters.db import tables
from tgexchange.adapters.db.unit_of_work import SqlAlchemyUnitOfWork
from tgexchange.bootstrap import Storage
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.content import ContentRef, Platform
from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task
from tgexchange.services import channel as channel_service
from tgexchange.services import community as community_service
from tgexchange.services import submission as submission_service
from tgexchange.services import task as task_service
from tgexchange.services import verification
from tgexchange.services.penalty import apply_penalty


class World:
    def __init__(self, storage: Storage, clock: FakeClock | None = None, platform: FakePlatform | None = None) -> None:
        self.storage = storage
        self.clock = clock or FakeClock()
        self.platform = platform or FakePlatform()
        self._ids = itertools.count(1)
        self.channel_of: dict[int, str] = {}

    def uow(self) -> SqlAlchemyUnitOfWork:
        return self.storage.uow()

    @property
    def now(self) -> Any:
        return self.clock.now()

    def community(self, **settings: Any) -> Community:
        n = next(self._ids)
        return community_service.register_community(
            self.uow(),
            telegram_chat_id=-100_000 - n,
            title=f"Group {n}",
            now=self.now,
            settings=CommunitySettings(**settings) if settings else None,
        )

    def member(
        self,
        community: Community,
        name: str | None = None,
        *,
        admin: bool = False,
        link: Platform | None = Platform.YOUTUBE,
    ) -> Member:
        n = next(self._ids)
        joined = community_service.join_community(
            self.uow(),
            community_id=community.id,
            telegram_user_id=5000 + n,
            display_name=name or f"member {n}",
            now=self.now,
            is_admin=admin,
        )
        member = joined.member
        if link is not None:
            self.link(member, link)
        return member

    def link(self, member: Member, platform: Platform = Platform.YOUTUBE) -> str:
        channel_id = f"UC{member.id:06d}{platform.value[:2]}"
        proof = channel_service.start_channel_proof(self.uow(), member_id=member.id, platform=platform, now=self.now)
        ref = self.platform.publish(channel_id=channel_id, platform=platform, description=f"code {proof.code}")
        if platform.has_public_comments:
            self.platform.comment(ref, author_channel_id=channel_id, text=f"proof {proof.code}", at=self.now)
        channel_service.confirm_channel_proof(
            self.uow(), self.platform, self.platform, member_id=member.id, ref=ref, now=self.now
        )
        self.channel_of[member.id] = channel_id
        return channel_id

    def content(self, member: Member, platform: Platform = Platform.YOUTUBE) -> ContentRef:
        return self.platform.publish(channel_id=self.channel_of[member.id], platform=platform)

    def submission(
        self, owner: Member, *, wanted: int | None = None, platform: Platform = Platform.YOUTUBE
    ) -> Submission:
        return submission_service.submit_content(
            self.uow(),
            self.platform,
            member_id=owner.id,
            ref=self.content(owner, platform),
            now=self.now,
            feedback_wanted=wanted,
        )

    def task(self, giver: Member) -> Task:
        return task_service.request_task(self.uow(), member_id=giver.id, now=self.now)

    def done(self, task: Task) -> Task:
        return task_service.mark_task_done(self.uow(), member_id=task.giver_id, task_id=task.id, now=self.now)

    def verified(self, task: Task) -> Task:
        self.done(task)
        return record_verification_outcome(self.uow(), task_id=task.id, verified=True, now=self.now)

    def reload_task(self, task: Task) -> Task:
        """The task as stored now (a fresh read, not the object a use case returned)."""
        with self.uow() as uow:
            found = uow.tasks.find(task.id)
        assert found is not None
        return found

    def reload_submission(self, submission: Submission) -> Submission:
        with self.uow() as uow:
            found = uow.submissions.find(submission.id)
        assert found is not None
        return found

    def stats(self, member: Member) -> MemberStats:
        with self.uow() as uow:
            return uow.stats.get(member.id)

    def escrow(self, submission: Submission) -> int:
        return self.balance(AccountKey.escrow(submission.id))

    def ban(self, community: Community, member: Member, *, reason: str = "spam") -> None:
        """``member`` banned by a new admin of ``community``."""
        admin = self.member(community, admin=True, link=None)
        apply_penalty(
            self.uow(),
            action=PenaltyAction.BAN,
            actor_member_id=admin.id,
            target_member_id=member.id,
            reason=reason,
            now=self.now,
        )

    def pause(self, community_id: int, *, reason: str = "incident") -> None:
        """The kill switch, thrown by the operator (no admin)."""
        community_service.pause_community(
            self.uow(), community_id=community_id, actor_member_id=None, reason=reason, now=self.now
        )

    def balance(self, account: Member | AccountKey) -> int:
        key = account if isinstance(account, AccountKey) else AccountKey.member(account.id)
        with self.uow() as uow:
            return uow.ledger.balance(key)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to show that a refused request changed nothing."""
        with self.storage.engine.connect() as connection:
            return {
                table.name: sorted(tuple(row) for row in connection.execute(sa.select(table)))
                for table in tables.metadata.sorted_tables
            }

    def ref_of(self, submission: Submission) -> ContentRef:
        return ContentRef(submission.platform, submission.kind, submission.content_id, submission.url)

    def comment(
        self, giver: Member, submission: Submission, text: str, *, at: Any = None, estimate: bool = False
    ) -> None:
        """``giver`` comments on the submission's content from their linked channel."""
        self.platform.comment(
            self.ref_of(submission),
            author_channel_id=self.channel_of[giver.id],
            text=text,
            at=at or self.now,
            estimate=estimate,
        )

    def task_row(self, task_id: int) -> Task:
        with self.uow() as uow:
            task = uow.tasks.find(task_id)
            assert task is not None
            return task

    def start_verifying(self, task_id: int) -> Any:
        """One verification pass over the task's submission that finds no comment yet: tasks marked
        done become verifying (unless the community is paused). Returns the VerificationRun."""
        from tests.fakes import FakeQualityGate

        submission_id = self.task_row(task_id).submission_id
        return verification.verify_submission(
            self.uow(), _NoComments(), FakeQualityGate(), submission_id=submission_id, now=self.now
        )


class _NoComments:
    def read_comments(self, ref: ContentRef, *, limit: int, fresh: bool = False) -> list[Any]:
        return []
