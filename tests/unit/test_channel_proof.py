"""The one-time code that proves a member owns a channel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.fakes import T0
from tgexchange.domain.channel import PROOF_TTL, OwnershipProof, ProofEvidence, contains_code, new_proof_code
from tgexchange.domain.content import ContentInfo, ContentKind, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import ProofExpired, ProofNotFound

OWN_CHANNEL = "UCowner"
OTHER_CHANNEL = "UCsomeoneelse"
CODE = "TGX-ABC234"
SOON = T0 + timedelta(minutes=5)


def proof(platform: Platform = Platform.YOUTUBE, code: str = CODE) -> OwnershipProof:
    started = OwnershipProof.start(member_id=4, platform=platform, now=T0)
    started.code = code
    return started


def content(platform: Platform = Platform.YOUTUBE, description: str | None = None) -> ContentInfo:
    ref = ContentRef(platform, ContentKind.VIDEO, "vid1", f"https://{platform.value}.example/vid1")
    return ContentInfo(ref=ref, title="My video", channel_id=OWN_CHANNEL, channel_name="Owner", description=description)


def comment(text: str, author: str = OWN_CHANNEL, comment_id: str = "c1") -> PublicComment:
    return PublicComment(comment_id=comment_id, author_channel_id=author, text=text, posted_at=SOON)


def test_a_new_code_uses_the_prefix_and_six_unambiguous_characters() -> None:
    for _ in range(200):
        code = new_proof_code()
        assert re.fullmatch(r"TGX-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}", code), code


def test_new_codes_differ() -> None:
    assert len({new_proof_code() for _ in range(50)}) == 50


def test_start_gives_a_fresh_code_valid_for_the_proof_ttl() -> None:
    started = OwnershipProof.start(member_id=4, platform=Platform.TIKTOK, now=T0)

    assert (started.member_id, started.platform, started.created_at) == (4, Platform.TIKTOK, T0)
    assert started.expires_at == T0 + PROOF_TTL
    assert started.used_at is None
    assert re.fullmatch(r"TGX-\w{6}", started.code)


def test_a_proof_is_usable_until_just_before_it_expires() -> None:
    started = proof()
    last_moment = started.expires_at - timedelta(microseconds=1)

    started.ensure_usable(last_moment)

    assert not started.is_expired(last_moment)


def test_a_proof_expires_at_exactly_expires_at() -> None:
    started = proof()

    assert started.is_expired(started.expires_at)
    with pytest.raises(ProofExpired):
        started.ensure_usable(started.expires_at)


def test_a_used_proof_counts_as_expired() -> None:
    started = proof()

    started.use(SOON)

    assert started.used_at == SOON
    assert started.is_expired(SOON)
    with pytest.raises(ProofExpired):
        started.find_evidence(content=content(), comments=[comment(f"proof {CODE}")], now=SOON)


def test_a_comment_by_the_contents_own_channel_with_the_code_is_evidence() -> None:
    evidence = proof().find_evidence(
        content=content(),
        comments=[comment("first!", comment_id="c0"), comment(f"my proof {CODE}", comment_id="c9")],
        now=SOON,
    )

    assert evidence == ProofEvidence(channel_id=OWN_CHANNEL, channel_name="Owner", comment_id="c9")


def test_someone_elses_comment_with_the_right_code_is_not_evidence() -> None:
    with pytest.raises(ProofNotFound) as refusal:
        proof().find_evidence(content=content(), comments=[comment(f"proof {CODE}", author=OTHER_CHANNEL)], now=SOON)

    assert refusal.value.params == {"proof_code": CODE}


def test_the_owners_comment_without_the_code_is_not_evidence() -> None:
    with pytest.raises(ProofNotFound):
        proof().find_evidence(content=content(), comments=[comment("proof TGX-ZZZ999")], now=SOON)


def test_the_code_in_a_youtube_description_is_not_evidence() -> None:
    # YouTube has public comments, so the code must be in a comment by the channel itself.
    with pytest.raises(ProofNotFound):
        proof().find_evidence(content=content(description=f"code {CODE}"), comments=[], now=SOON)


@pytest.mark.parametrize("written", ["tgx-abc234", "Tgx-Abc234", "…tgx-ABC234!", "(TGX-abc234)"])
def test_the_code_matches_whatever_its_case(written: str) -> None:
    evidence = proof().find_evidence(content=content(), comments=[comment(f"here: {written}")], now=SOON)

    assert evidence.comment_id == "c1"


def test_an_expired_proof_finds_nothing_even_with_perfect_evidence() -> None:
    started = proof()

    with pytest.raises(ProofExpired):
        started.find_evidence(content=content(), comments=[comment(CODE)], now=started.expires_at)


@pytest.mark.parametrize("platform", [Platform.TIKTOK, Platform.INSTAGRAM], ids=lambda p: p.value)
def test_without_public_comments_the_code_in_the_own_posts_description_is_evidence(platform: Platform) -> None:
    evidence = proof(platform).find_evidence(
        content=content(platform, description=f"new video! verify {CODE.lower()}"), comments=[], now=SOON
    )

    assert evidence == ProofEvidence(channel_id=OWN_CHANNEL, channel_name="Owner", comment_id=None)


@pytest.mark.parametrize("platform", [Platform.TIKTOK, Platform.INSTAGRAM], ids=lambda p: p.value)
def test_without_public_comments_a_comment_is_not_evidence(platform: Platform) -> None:
    with pytest.raises(ProofNotFound):
        proof(platform).find_evidence(
            content=content(platform, description="no code here"), comments=[comment(CODE)], now=SOON
        )


@pytest.mark.parametrize("platform", [Platform.TIKTOK, Platform.INSTAGRAM], ids=lambda p: p.value)
def test_without_public_comments_a_missing_description_is_not_evidence(platform: Platform) -> None:
    with pytest.raises(ProofNotFound):
        proof(platform).find_evidence(content=content(platform, description=None), comments=[], now=SOON)


def test_contains_code_needs_the_whole_code() -> None:
    assert contains_code(f"x {CODE} y", CODE)
    assert not contains_code("TGX-ABC23", CODE)
    assert not contains_code("TGXABC234", CODE)
    assert not contains_code("", CODE)
