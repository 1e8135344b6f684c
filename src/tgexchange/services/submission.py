"""Offering one's own content for feedback, and withdrawing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tgexchange.domain.channel import Channel
from tgexchange.domain.community import Community
from tgexchange.domain.content import ContentInfo, ContentKind, ContentRef
from tgexchange.domain.credit import escrow_per_feedback
from tgexchange.domain.errors import (
    ChannelIsNotContent,
    DuplicateSubmission,
    InsufficientCredits,
    InvalidFeedbackCount,
    NoChannelLinked,
    NotYourContent,
    PlatformNotAllowed,
)
from tgexchange.domain.ledger import AccountKey, Posting, PostingKind
from tgexchange.domain.member import Member, clean_display_name
from tgexchange.domain.quality import ContentTopic
from tgexchange.domain.submission import MAX_TITLE_LENGTH, Submission
from tgexchange.domain.task import TaskStatus
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.health import ensure_can_request_feedback
from tgexchange.services.ledger import settle_task
from tgexchange.services.lookup import get_acting_member, get_member, get_submission
from tgexchange.services.ports import ContentReader, UnitOfWork


@retry_on_conflict()
def submit_content(
    uow: UnitOfWork,
    content_reader: ContentReader,
    *,
    member_id: int,
    ref: ContentRef,
    now: datetime,
    feedback_wanted: int | None = None,
    update_id: int | None = None,
) -> Submission:
    """Offers the member's own content for feedback and moves its full price into escrow. With
    ``update_id`` (the Telegram update asking), a second call for the same update returns the
    submission the first one made, unchanged. Raises MemberBanned, CommunityPaused, CooldownActive, PlatformNotAllowed, NoChannelLinked,
    NotYourContent, DuplicateSubmission, InvalidFeedbackCount, InsufficientCredits,
    ContentUnavailable or PlatformUnavailable; on any of them no submission is stored (a health
    cooldown that starts is: see ensure_can_request_feedback)."""
    with uow:
        made = uow.submissions.find_by_update(update_id) if update_id is not None else None
    if made is not None:
        return made
    ensure_can_request_feedback(uow, member_id=member_id, now=now)
    with uow:
        _check_can_submit(uow, member_id=member_id, ref=ref, feedback_wanted=feedback_wanted)
    info = content_reader.read_content(ref)
    with uow:
        member, community = get_acting_member(uow, member_id)
        settings = community.settings
        # Read once for both checks: the same transaction would read the same rows again.
        channels = uow.channels.list_for_member(member_id)
        acting = (member, community, channels)
        wanted = _check_can_submit(uow, member_id=member_id, ref=ref, feedback_wanted=feedback_wanted, acting=acting)
        _check_owns(channels, info=info)
        submission = Submission(
            community_id=member.community_id,
            owner_id=member_id,
            platform=ref.platform,
            kind=ref.kind,
            content_id=ref.content_id,
            url=ref.url,
            title=clean_display_name(info.title or ref.url, max_length=MAX_TITLE_LENGTH),
            feedback_wanted=wanted,
            credits_per_feedback=settings.credits_per_feedback,
            held_per_feedback=escrow_per_feedback(
                settings.credits_per_feedback, by_substance=settings.credit_by_substance
            ),
            created_at=now,
            waiting_since=now,
            topic=ContentTopic.of(info),
            update_id=update_id,
        )
        uow.submissions.add(submission)
        uow.flush()
        escrow = AccountKey.escrow(submission.id)
        uow.ledger.open_account(escrow, community_id=member.community_id)
        uow.ledger.transfer(
            Posting(
                AccountKey.member(member_id),
                escrow,
                submission.escrow_total,
                PostingKind.ESCROW,
                f"escrow:{submission.id}",
                now,
            ),
            community_id=member.community_id,
        )
        uow.commit()
        return submission


def _check_can_submit(
    uow: UnitOfWork,
    *,
    member_id: int,
    ref: ContentRef,
    feedback_wanted: int | None,
    acting: tuple[Member, Community, Sequence[Channel]] | None = None,
) -> int:
    """``acting``: the member, their community and channels, when this transaction read them."""
    if acting is None:
        member, community = get_acting_member(uow, member_id)
        channels: Sequence[Channel] | None = None
    else:
        member, community, channels = acting
    settings = community.settings
    if ref.kind is ContentKind.CHANNEL:
        raise ChannelIsNotContent(ref.platform.value)
    if ref.platform not in settings.allowed_platforms:
        raise PlatformNotAllowed(ref.platform.value, sorted(p.value for p in settings.allowed_platforms))
    if channels is None:
        channels = uow.channels.list_for_member(member_id)
    if not any(c.platform is ref.platform for c in channels):
        raise NoChannelLinked(ref.platform.value)
    wanted = settings.default_feedback_per_submission if feedback_wanted is None else feedback_wanted
    if not 1 <= wanted <= settings.max_feedback_per_submission:
        raise InvalidFeedbackCount(wanted, settings.max_feedback_per_submission)
    waiting = uow.submissions.find_open_by_content(member.community_id, ref.platform, ref.content_id)
    if waiting is not None:
        # Whose it is comes first: to anyone but its owner, it is somebody else's work.
        if waiting.owner_id != member_id:
            raise NotYourContent(ref.content_id)
        raise DuplicateSubmission(ref.content_id)
    return wanted


@dataclass(frozen=True, slots=True)
class SubmissionOffer:
    """What the member may ask for on one piece of their own content, before anything is held."""

    ref: ContentRef
    title: str
    credits_per_feedback: int  # what one feedback holds in escrow (the cap under credit by substance)
    balance: int
    most: int  # the most feedback they may ask for and can pay for now (at least 1)
    default: int


def offer_submission(
    uow: UnitOfWork, content_reader: ContentReader, *, member_id: int, ref: ContentRef, now: datetime | None = None
) -> SubmissionOffer:
    """Checks everything ``submit_content`` would (the content read, the member's ownership; the
    cooldowns when ``now`` is given) and says how much feedback they can pay for, storing nothing
    but a health cooldown that starts. Raises what submit_content raises; InsufficientCredits
    when not even one piece of feedback is affordable."""
    if now is not None:
        ensure_can_request_feedback(uow, member_id=member_id, now=now)
    with uow:
        _check_can_submit(uow, member_id=member_id, ref=ref, feedback_wanted=1)
    info = content_reader.read_content(ref)
    with uow:
        member, community = get_acting_member(uow, member_id)
        settings = community.settings
        channels = uow.channels.list_for_member(member_id)
        _check_can_submit(uow, member_id=member_id, ref=ref, feedback_wanted=1, acting=(member, community, channels))
        _check_owns(channels, info=info)
        balance = uow.ledger.balance(AccountKey.member(member_id))
    price = escrow_per_feedback(settings.credits_per_feedback, by_substance=settings.credit_by_substance)
    affordable = balance // price if price else settings.max_feedback_per_submission
    if affordable < 1:
        raise InsufficientCredits(price, balance)
    most = min(affordable, settings.max_feedback_per_submission)
    return SubmissionOffer(
        ref=ref,
        title=clean_display_name(info.title or ref.url, max_length=MAX_TITLE_LENGTH),
        credits_per_feedback=price,
        balance=balance,
        most=most,
        default=min(settings.default_feedback_per_submission, most),
    )


def _check_owns(channels: Sequence[Channel], *, info: ContentInfo) -> None:
    if not any(c.platform is info.ref.platform and c.channel_id == info.channel_id for c in channels):
        raise NotYourContent(info.channel_id)


@retry_on_conflict()
def cancel_submission(uow: UnitOfWork, *, member_id: int, submission_id: int, now: datetime) -> int:
    """Withdraws the member's open submission: tasks not yet done are cancelled and the unused
    escrow goes back to the owner at once; tasks already marked done are still verified and paid,
    or refunded when they fail. Returns the credits refunded now. Raises NotYourSubmission or
    SubmissionClosed (banned members may still withdraw: it only returns their own credits)."""
    with uow:
        member = get_member(uow, member_id)
        submission = get_submission(uow, submission_id, for_update=True)
        submission.ensure_owner(member_id)
        submission.ensure_open()
        for task in uow.tasks.list_for_submission(submission_id, statuses=frozenset({TaskStatus.ASSIGNED})):
            locked = uow.tasks.find(task.id, for_update=True)
            if locked is not None and locked.status is TaskStatus.ASSIGNED:
                locked.cancel(reason="submission_cancelled", now=now)
                settle_task(uow, task=locked, submission=submission, now=now)
        refund = submission.cancel(member_id=member_id, now=now)
        if refund:
            uow.ledger.transfer(
                Posting(
                    AccountKey.escrow(submission_id),
                    AccountKey.member(member_id),
                    refund,
                    PostingKind.REFUND,
                    f"cancel:{submission_id}",
                    now,
                ),
                community_id=member.community_id,
            )
        uow.commit()
        return refund
