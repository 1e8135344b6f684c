"""Linking a member's own channel, proved by a one-time code posted from it."""

from __future__ import annotations

from datetime import datetime

from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.content import ContentRef, Platform
from tgexchange.domain.errors import ChannelAlreadyLinked, PlatformNotAllowed, ProofNotStarted
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.lookup import get_acting_member
from tgexchange.services.ports import CommentReader, ContentReader, UnitOfWork

PROOF_COMMENTS_TO_READ = 200


@retry_on_conflict()
def start_channel_proof(uow: UnitOfWork, *, member_id: int, platform: Platform, now: datetime) -> OwnershipProof:
    """The member's one-time code for ``platform``: the one already given while it can still be
    used (asked twice, or the same update handled again after a crash, the member keeps the code
    they may already have posted), else a fresh one. Raises MemberBanned, CommunityPaused or
    PlatformNotAllowed."""
    with uow:
        _, community = get_acting_member(uow, member_id)
        if platform not in community.settings.allowed_platforms:
            raise PlatformNotAllowed(platform.value, sorted(p.value for p in community.settings.allowed_platforms))
        given = uow.proofs.find_latest(member_id, platform)
        if given is not None and not given.is_expired(now):
            return given
        proof = OwnershipProof.start(member_id=member_id, platform=platform, now=now)
        uow.proofs.add(proof)
        uow.commit()
        return proof


def cancel_channel_proof(uow: UnitOfWork, *, member_id: int, now: datetime) -> bool:
    """Ends the member's latest code now, so that no process takes their next link as a proof;
    whether one was still usable."""
    with uow:
        proof = uow.proofs.find_latest(member_id)
        if proof is None or proof.is_expired(now):
            return False
        proof.expires_at = now
        uow.commit()
        return True


@retry_on_conflict()
def confirm_channel_proof(
    uow: UnitOfWork,
    content_reader: ContentReader,
    comment_reader: CommentReader,
    *,
    member_id: int,
    ref: ContentRef,
    now: datetime,
    update_id: int | None = None,
) -> Channel:
    """Links the channel that owns ``ref`` once the member's code is found on it (see
    OwnershipProof.find_evidence). Platform data is read outside the transaction. With
    ``update_id`` (the Telegram update carrying the link), that update handled again after a crash
    gets the channel it linked. Raises
    ProofNotStarted, ProofExpired, ProofNotFound, ChannelAlreadyLinked, ContentUnavailable or
    PlatformUnavailable."""
    with uow:
        get_acting_member(uow, member_id)
        proof = uow.proofs.find_latest(member_id, ref.platform)
        if proof is None:
            raise ProofNotStarted()
        if proof.used_by(update_id) and (linked := _linked_last(uow, member_id, ref.platform)) is not None:
            return linked
        proof.ensure_usable(now)
    # Fresh reads: a member who sent the link before posting the code retries at once, and a
    # cached copy without the code would refuse them for minutes.
    content = content_reader.read_content(ref, fresh=True)
    comments = (
        comment_reader.read_comments(ref, limit=PROOF_COMMENTS_TO_READ, fresh=True)
        if ref.platform.has_public_comments
        else []
    )
    with uow:
        member, _ = get_acting_member(uow, member_id)
        proof = uow.proofs.find_latest(member_id, ref.platform)
        if proof is None:
            raise ProofNotStarted()
        evidence = proof.find_evidence(content=content, comments=comments, now=now)
        existing = uow.channels.find_by_platform_id(member.community_id, ref.platform, evidence.channel_id)
        if existing is not None and existing.member_id != member_id:
            raise ChannelAlreadyLinked(ref.platform.value, evidence.channel_id)
        proof.use(now, update_id=update_id)
        if existing is not None:
            uow.commit()
            return existing
        channel = Channel(
            member_id=member_id,
            community_id=member.community_id,
            platform=ref.platform,
            channel_id=evidence.channel_id,
            name=evidence.channel_name,
            linked_at=now,
        )
        uow.channels.add(channel)
        uow.commit()
        return channel


def _linked_last(uow: UnitOfWork, member_id: int, platform: Platform) -> Channel | None:
    """The member's channel on ``platform`` linked last, if any."""
    channels = [c for c in uow.channels.list_for_member(member_id) if c.platform is platform]
    return max(channels, key=lambda c: c.linked_at) if channels else None
