"""Linking a member's own channel through a one-time code, on a SQLite file."""

from __future__ import annotations

import re

import pytest

from tests.refusals import refused
from tests.world import World
from tgexchange.adapters.platforms.politeness import PoliteReader
from tgexchange.domain.channel import Channel, OwnershipProof
from tgexchange.domain.content import ContentInfo, ContentKind, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import (
    ContentUnavailable,
    DomainError,
    PlatformUnavailable,
    ProofExpired,
    ProofNotFound,
)
from tgexchange.domain.member import Member
from tgexchange.services import channel as channel_service
from tgexchange.services import community as community_service

UNKNOWN = 999_999


def channels_of(world: World, member: Member) -> list[Channel]:
    with world.storage.uow() as uow:
        return list(uow.channels.list_for_member(member.id))


def latest_proof(world: World, member: Member, platform: Platform = Platform.YOUTUBE) -> OwnershipProof | None:
    with world.storage.uow() as uow:
        return uow.proofs.find_latest(member.id, platform)


def start(world: World, member: Member, platform: Platform = Platform.YOUTUBE) -> OwnershipProof:
    return channel_service.start_channel_proof(world.uow(), member_id=member.id, platform=platform, now=world.now)


def confirm(world: World, member: Member, ref: ContentRef) -> Channel:
    return channel_service.confirm_channel_proof(
        world.uow(), world.platform, world.platform, member_id=member.id, ref=ref, now=world.now
    )


def video_with_code(world: World, channel_id: str, code: str, *, commenter: str | None = None) -> ContentRef:
    """A video on ``channel_id`` with a comment carrying ``code`` (by the channel itself unless told)."""
    ref = world.platform.publish(channel_id=channel_id)
    world.platform.comment(ref, author_channel_id=commenter or channel_id, text=f"my code: {code}", at=world.now)
    return ref


# --- starting a proof --------------------------------------------------------------------------


def test_start_channel_proof_stores_a_one_hour_code(world: World) -> None:
    member = world.member(world.community(), link=None)

    proof = start(world, member)

    assert re.fullmatch(r"TGX-[A-HJ-NP-Z2-9]{6}", proof.code)
    stored = latest_proof(world, member)
    assert stored is not None
    assert (stored.code, stored.created_at, stored.used_at) == (proof.code, world.now, None)
    assert stored.expires_at == world.clock.advance(hours=1)


def test_start_channel_proof_refuses_an_unknown_member(world: World) -> None:
    world.community()
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        channel_service.start_channel_proof(world.uow(), member_id=UNKNOWN, platform=Platform.YOUTUBE, now=world.now)
    assert world.snapshot() == before


def test_start_channel_proof_refuses_a_banned_member(world: World) -> None:
    community = world.community()
    member = world.member(community, link=None)
    world.ban(community, member)
    before = world.snapshot()

    with refused("member_banned"):
        start(world, member)
    assert world.snapshot() == before


def test_start_channel_proof_refuses_while_the_community_is_paused(world: World) -> None:
    community = world.community()
    member = world.member(community, link=None)
    community_service.pause_community(
        world.uow(), community_id=community.id, actor_member_id=None, reason="incident", now=world.now
    )
    before = world.snapshot()

    with refused("community_paused", reason="incident"):
        start(world, member)
    assert world.snapshot() == before


def test_start_channel_proof_refuses_a_platform_the_community_does_not_accept(world: World) -> None:
    member = world.member(world.community(allowed_platforms=frozenset({Platform.YOUTUBE})), link=None)
    before = world.snapshot()

    with refused("platform_not_allowed", platform="tiktok", allowed=["youtube"]):
        start(world, member, Platform.TIKTOK)
    assert world.snapshot() == before


# --- confirming a proof ------------------------------------------------------------------------


def test_confirm_channel_proof_links_the_channel_whose_own_comment_carries_the_code(world: World) -> None:
    community = world.community()
    member = world.member(community, link=None)
    proof = start(world, member)
    ref = video_with_code(world, "UCmine", proof.code.lower())

    channel = confirm(world, member, ref)

    [stored] = channels_of(world, member)
    assert (stored.id, stored.platform, stored.channel_id, stored.name, stored.community_id, stored.linked_at) == (
        channel.id,
        Platform.YOUTUBE,
        "UCmine",
        "name of UCmine",
        community.id,
        world.now,
    )
    used = latest_proof(world, member)
    assert used is not None
    assert used.used_at == world.now


def test_confirm_channel_proof_reads_the_description_on_platforms_without_public_comments(world: World) -> None:
    member = world.member(world.community(), link=None)
    proof = start(world, member, Platform.TIKTOK)
    ref = world.platform.publish(channel_id="tt-mine", platform=Platform.TIKTOK, description=f"hi {proof.code}")

    confirm(world, member, ref)

    assert [(c.platform, c.channel_id) for c in channels_of(world, member)] == [(Platform.TIKTOK, "tt-mine")]
    assert world.platform.calls == [("read_content", ref.content_id)]


def test_confirm_channel_proof_of_an_already_linked_channel_returns_it_without_a_copy(world: World) -> None:
    member = world.member(world.community(), link=None)
    first = confirm(world, member, video_with_code(world, "UCmine", start(world, member).code))

    again = confirm(world, member, video_with_code(world, "UCmine", start(world, member).code))

    assert again.id == first.id
    assert len(channels_of(world, member)) == 1


def test_the_same_channel_may_be_linked_in_two_communities(world: World) -> None:
    in_a = world.member(world.community(), link=None)
    in_b = world.member(world.community(), link=None)
    confirm(world, in_a, video_with_code(world, "UCshared", start(world, in_a).code))

    confirm(world, in_b, video_with_code(world, "UCshared", start(world, in_b).code))

    assert [c.channel_id for c in channels_of(world, in_b)] == ["UCshared"]


def test_confirm_channel_proof_refuses_when_no_proof_was_started(world: World) -> None:
    member = world.member(world.community(), link=None)
    ref = video_with_code(world, "UCmine", "TGX-AAAAAA")
    before = world.snapshot()

    with refused("proof_not_started"):
        confirm(world, member, ref)
    assert world.snapshot() == before
    assert world.platform.calls == []


def test_confirm_channel_proof_refuses_a_proof_started_for_another_platform(world: World) -> None:
    member = world.member(world.community(), link=None)
    proof = start(world, member, Platform.TIKTOK)
    ref = video_with_code(world, "UCmine", proof.code)
    before = world.snapshot()

    with refused("proof_not_started"):
        confirm(world, member, ref)
    assert world.snapshot() == before


def test_confirm_channel_proof_refuses_an_expired_code(world: World) -> None:
    member = world.member(world.community(), link=None)
    proof = start(world, member)
    ref = video_with_code(world, "UCmine", proof.code)
    world.clock.advance(hours=1, seconds=1)
    before = world.snapshot()

    with refused("proof_expired"):
        confirm(world, member, ref)
    assert world.snapshot() == before
    assert channels_of(world, member) == []


def test_confirm_channel_proof_refuses_a_code_already_used(world: World) -> None:
    member = world.member(world.community(), link=None)
    proof = start(world, member)
    confirm(world, member, video_with_code(world, "UCmine", proof.code))
    before = world.snapshot()

    with refused("proof_expired"):
        confirm(world, member, video_with_code(world, "UCmine", proof.code))
    assert world.snapshot() == before


def test_confirm_channel_proof_refuses_a_code_posted_by_someone_elses_channel(world: World) -> None:
    member = world.member(world.community(), link=None)
    proof = start(world, member)
    ref = video_with_code(world, "UCvictim", proof.code, commenter="UCmine")
    before = world.snapshot()

    with refused("proof_not_found", proof_code=proof.code):
        confirm(world, member, ref)
    assert world.snapshot() == before
    assert channels_of(world, member) == []


def test_confirm_channel_proof_refuses_content_without_the_code(world: World) -> None:
    member = world.member(world.community(), link=None)
    start(world, member)
    ref = video_with_code(world, "UCmine", "TGX-ZZZZZZ")
    before = world.snapshot()

    with refused("proof_not_found"):
        confirm(world, member, ref)
    assert world.snapshot() == before


def test_confirm_channel_proof_refuses_a_channel_another_member_linked(world: World) -> None:
    community = world.community()
    holder = world.member(community)
    claimant = world.member(community, link=None)
    holders_channel = world.channel_of[holder.id]
    ref = video_with_code(world, holders_channel, start(world, claimant).code)
    before = world.snapshot()

    with refused("channel_already_linked"):
        confirm(world, claimant, ref)
    assert world.snapshot() == before
    assert channels_of(world, claimant) == []


@pytest.mark.parametrize(
    "error",
    [PlatformUnavailable("YouTube", "timeout"), ContentUnavailable("https://youtube.example/x", "private")],
    ids=["platform-unavailable", "content-unavailable"],
)
def test_confirm_channel_proof_stores_nothing_when_the_platform_fails(world: World, error: DomainError) -> None:
    member = world.member(world.community(), link=None)
    ref = video_with_code(world, "UCmine", start(world, member).code)
    world.platform.fail_next(error)
    before = world.snapshot()

    with pytest.raises(type(error)):
        confirm(world, member, ref)
    assert world.snapshot() == before


def test_confirm_channel_proof_refuses_content_that_does_not_exist(world: World) -> None:
    member = world.member(world.community(), link=None)
    start(world, member)
    ref = ContentRef(Platform.YOUTUBE, ContentKind.VIDEO, "gone", "https://youtube.example/gone")
    before = world.snapshot()

    with refused("content_unavailable"):
        confirm(world, member, ref)
    assert world.snapshot() == before


def test_confirm_channel_proof_refuses_a_banned_member(world: World) -> None:
    community = world.community()
    member = world.member(community, link=None)
    ref = video_with_code(world, "UCmine", start(world, member).code)
    world.ban(community, member)
    before = world.snapshot()

    with refused("member_banned"):
        confirm(world, member, ref)
    assert world.snapshot() == before


def test_confirm_channel_proof_refuses_while_the_community_is_paused(world: World) -> None:
    community = world.community()
    member = world.member(community, link=None)
    ref = video_with_code(world, "UCmine", start(world, member).code)
    community_service.pause_community(
        world.uow(), community_id=community.id, actor_member_id=None, reason="incident", now=world.now
    )
    before = world.snapshot()

    with refused("community_paused"):
        confirm(world, member, ref)
    assert world.snapshot() == before


def test_confirm_channel_proof_refuses_an_unknown_member(world: World) -> None:
    world.community()
    ref = video_with_code(world, "UCmine", "TGX-AAAAAA")
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        channel_service.confirm_channel_proof(
            world.uow(), world.platform, world.platform, member_id=UNKNOWN, ref=ref, now=world.now
        )
    assert world.snapshot() == before


class _EditableCaption:
    """A platform whose post caption the member edits between two tries (uncached: PoliteReader
    does the caching)."""

    def __init__(self) -> None:
        self.caption = "my new video"
        self.reads = 0

    def read_content(self, ref: ContentRef) -> ContentInfo:
        self.reads += 1
        return ContentInfo(ref=ref, title="t", channel_id="MS4wLjABAAAAsecuid", description=self.caption)

    def read_comments(self, ref: ContentRef, *, limit: int) -> list[PublicComment]:
        return []


def test_a_retry_after_adding_the_code_is_not_refused_from_the_cache(world: World) -> None:
    member = world.member(world.community(), link=None)
    platform = _EditableCaption()
    reader = PoliteReader(platform, clock=world.clock)
    ref = ContentRef(Platform.TIKTOK, ContentKind.VIDEO, "7234567890123456789", "https://www.tiktok.com/@me/video/1")
    proof = channel_service.start_channel_proof(
        world.uow(), member_id=member.id, platform=Platform.TIKTOK, now=world.now
    )
    with pytest.raises(ProofNotFound):  # the link came before the code was in the caption
        channel_service.confirm_channel_proof(world.uow(), reader, reader, member_id=member.id, ref=ref, now=world.now)

    platform.caption = f"my new video {proof.code}"
    world.clock.advance(minutes=1)
    channel = channel_service.confirm_channel_proof(
        world.uow(), reader, reader, member_id=member.id, ref=ref, now=world.now
    )

    assert channel.channel_id == "MS4wLjABAAAAsecuid"
    assert platform.reads == 2
    reader.read_content(ref)  # other reads still use the cache, now holding the fresh copy
    assert platform.reads == 2


def test_asking_again_for_a_code_gives_the_code_already_given_while_it_can_be_used(world: World) -> None:
    # The same tap handled twice after a crash (bot/inbox.py) must not replace the code the member
    # may already have posted.
    member = world.member(world.community(), link=None)
    first = start(world, member)
    world.clock.advance(minutes=30)
    assert start(world, member).code == first.code
    world.clock.advance(minutes=31)  # expired: a fresh one
    assert start(world, member).code != first.code


def test_a_cancelled_code_is_replaced_by_a_fresh_one(world: World) -> None:
    member = world.member(world.community(), link=None)
    first = start(world, member)
    assert channel_service.cancel_channel_proof(world.uow(), member_id=member.id, now=world.now)
    assert not channel_service.cancel_channel_proof(world.uow(), member_id=member.id, now=world.now)
    assert start(world, member).code != first.code


def test_the_link_that_used_the_code_handled_again_after_a_crash_answers_with_its_channel(world: World) -> None:
    # The webhook's inbox hands an update over again when a process died before marking it done
    # (bot/inbox.py): the update whose link used the code gets the same answer; any other link
    # is refused as before (the bot then reads it as a submission).
    member = world.member(world.community(), link=None)
    proof = start(world, member)
    ref = video_with_code(world, "UCmine", proof.code)

    def confirm_update(update_id: int | None) -> Channel:
        return channel_service.confirm_channel_proof(
            world.uow(),
            world.platform,
            world.platform,
            member_id=member.id,
            ref=ref,
            now=world.now,
            update_id=update_id,
        )

    linked = confirm_update(41)
    world.clock.advance(minutes=2)
    again = confirm_update(41)

    assert (again.id, again.channel_id) == (linked.id, "UCmine")
    assert len(channels_of(world, member)) == 1
    used = latest_proof(world, member)
    assert used is not None
    assert used.used_by(41)
    assert not used.used_by(42)
    assert not used.used_by(None)
    for other in (42, None):
        with pytest.raises(ProofExpired):
            confirm_update(other)
