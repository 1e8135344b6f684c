"""Reading pasted links: what is accepted (and as what), what is refused (and why)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.domain.links import MAX_LINK_LENGTH, find_link, parse_link

YT, TT, IG = Platform.YOUTUBE, Platform.TIKTOK, Platform.INSTAGRAM
VIDEO, SHORT, POST, REEL, CHANNEL = (
    ContentKind.VIDEO,
    ContentKind.SHORT,
    ContentKind.POST,
    ContentKind.REEL,
    ContentKind.CHANNEL,
)
VID = "dQw4w9WgXcQ"
WATCH = f"https://www.youtube.com/watch?v={VID}"
SHORT_ID = "abc_DEF-123"
UC = "UCX6OQ3DkcsbYNE6H8uQQuVA"
TT_ID = "6718335390845095173"
TT_PHOTO = "7367130722806648106"
SEC_UID = "MS4wLjABAAAA_Eb4t1vodM1IuTy_cvp9CY22RAb59xqrO0Xtz9CYQJvgXaDvZxYnZYRzDWhhgJmy"
CODE = "C9xYz12AbCd"

ACCEPTED: list[tuple[str, Platform, ContentKind, str, str]] = [
    # YouTube videos, in every form people paste them
    (WATCH, YT, VIDEO, VID, WATCH),
    (f"http://youtube.com/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://m.youtube.com/watch?v={VID}&feature=share", YT, VIDEO, VID, WATCH),
    (f"https://music.youtube.com/watch?v={VID}&list=RDAMVM{VID}", YT, VIDEO, VID, WATCH),
    (f"youtube.com/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"www.youtube.com/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"//youtube.com/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"HTTPS://WWW.YOUTUBE.COM/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?v={VID}&t=42s&si=Ab1-cd", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?list=PLrAXtmErZgOe&v={VID}&index=3", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?v={VID}#comments", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com./watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"  https://youtu.be/{VID} \n", YT, VIDEO, VID, WATCH),
    (f"https://youtu.be/{VID}", YT, VIDEO, VID, WATCH),
    (f"youtu.be/{VID}?si=xyz&t=10", YT, VIDEO, VID, WATCH),
    (f"https://YOUTU.BE/{VID}/", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/live/{VID}?si=1", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/embed/{VID}?start=10", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/v/{VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/e/{VID}", YT, VIDEO, VID, WATCH),
    # ... in the older spellings yt-dlp still reads, and HTML-escaped as copied from a page's source
    (f"https://www.youtube.com/watch_popup?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/movie?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch.php?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/?v={VID}&feature=share", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch#!v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/#!v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/#/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch/{VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?feature=player_embedded&amp;v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?feature=player_embedded&amp;amp;v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?feature=player_embedded&#38;v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?s=tuff;v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/watch?v={VID}&not=1&sect=2", YT, VIDEO, VID, WATCH),  # no ";": not entities
    (f"https://www.youtube.com/watch?v={VID}#t=1m30s", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/embed/{VID}?list=PLrAXtmErZgOe", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube-nocookie.com/embed/{VID}?rel=0", YT, VIDEO, VID, WATCH),
    (f"https://youtube.googleapis.com/v/{VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtubekids.com/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://gaming.youtube.com/watch?v={VID}", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/attribution_link?a=x&u=%2Fwatch%3Fv%3D{VID}%26feature%3Dshare", YT, VIDEO, VID, WATCH),
    (f"https://www.youtube.com/attribution_link?a=x&u=/watch?v={VID}&feature=share", YT, VIDEO, VID, WATCH),
    (
        f"https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2Flive%2F{VID}%3Fcbrd%3D1&gl=NL",
        YT,
        VIDEO,
        VID,
        WATCH,
    ),
    # YouTube Shorts
    (f"https://www.youtube.com/shorts/{SHORT_ID}", YT, SHORT, SHORT_ID, f"https://www.youtube.com/shorts/{SHORT_ID}"),
    (
        f"youtube.com/shorts/{SHORT_ID}/?feature=share",
        YT,
        SHORT,
        SHORT_ID,
        f"https://www.youtube.com/shorts/{SHORT_ID}",
    ),
    (f"https://m.youtube.com/shorts/{SHORT_ID}", YT, SHORT, SHORT_ID, f"https://www.youtube.com/shorts/{SHORT_ID}"),
    # YouTube channels
    ("https://www.youtube.com/@MrBeast", YT, CHANNEL, "@mrbeast", "https://www.youtube.com/@mrbeast"),
    ("youtube.com/@some.creator-1/videos", YT, CHANNEL, "@some.creator-1", "https://www.youtube.com/@some.creator-1"),
    ("m.youtube.com/@Creator#about", YT, CHANNEL, "@creator", "https://www.youtube.com/@creator"),
    (f"https://www.youtube.com/channel/{UC}", YT, CHANNEL, UC, f"https://www.youtube.com/channel/{UC}"),
    (f"https://www.youtube.com/channel/{UC}/featured", YT, CHANNEL, UC, f"https://www.youtube.com/channel/{UC}"),
    ("https://www.youtube.com/c/SomeName", YT, CHANNEL, "c/SomeName", "https://www.youtube.com/c/SomeName"),
    ("https://www.youtube.com/user/OldName/", YT, CHANNEL, "user/OldName", "https://www.youtube.com/user/OldName"),
    (
        "https://www.youtube.com/@%E6%97%A5%E6%9C%AC%E8%AA%9E",
        YT,
        CHANNEL,
        "@日本語",
        "https://www.youtube.com/@%E6%97%A5%E6%9C%AC%E8%AA%9E",
    ),
    # TikTok
    (
        f"https://www.tiktok.com/@scout2015/video/{TT_ID}",
        TT,
        VIDEO,
        TT_ID,
        f"https://www.tiktok.com/@scout2015/video/{TT_ID}",
    ),
    (
        f"tiktok.com/@Scout2015/video/{TT_ID}?is_from_webapp=1&sender_device=pc",
        TT,
        VIDEO,
        TT_ID,
        f"https://www.tiktok.com/@scout2015/video/{TT_ID}",
    ),
    (
        f"https://m.tiktok.com/@scout2015/video/{TT_ID}/",
        TT,
        VIDEO,
        TT_ID,
        f"https://www.tiktok.com/@scout2015/video/{TT_ID}",
    ),
    (f"https://m.tiktok.com/v/{TT_ID}.html", TT, VIDEO, TT_ID, f"https://www.tiktok.com/@_/video/{TT_ID}"),
    (f"https://www.tiktok.com/@/video/{TT_ID}", TT, VIDEO, TT_ID, f"https://www.tiktok.com/@_/video/{TT_ID}"),
    (
        f"https://www.tiktok.com/@{SEC_UID}/video/{TT_ID}",
        TT,
        VIDEO,
        TT_ID,
        f"https://www.tiktok.com/@{SEC_UID}/video/{TT_ID}",
    ),
    (
        f"https://www.tiktok.com/@x_y.z/photo/{TT_PHOTO}",
        TT,
        POST,
        TT_PHOTO,
        f"https://www.tiktok.com/@x_y.z/photo/{TT_PHOTO}",
    ),
    ("https://www.tiktok.com/@scout2015", TT, CHANNEL, "@scout2015", "https://www.tiktok.com/@scout2015"),
    ("tiktok.com/@Scout2015/?lang=en", TT, CHANNEL, "@scout2015", "https://www.tiktok.com/@scout2015"),
    (f"https://www.tiktok.com/@{SEC_UID}", TT, CHANNEL, f"@{SEC_UID}", f"https://www.tiktok.com/@{SEC_UID}"),
    (f"https://www.tiktok.com/share/video/{TT_ID}/", TT, VIDEO, TT_ID, f"https://www.tiktok.com/@_/video/{TT_ID}"),
    (f"https://www.tiktokv.com/share/video/{TT_ID}/", TT, VIDEO, TT_ID, f"https://www.tiktok.com/@_/video/{TT_ID}"),
    (f"https://www.tiktok.com/embed/{TT_ID}", TT, VIDEO, TT_ID, f"https://www.tiktok.com/@_/video/{TT_ID}"),
    (f"https://www.tiktok.com/embed/v2/{TT_ID}?lang=en", TT, VIDEO, TT_ID, f"https://www.tiktok.com/@_/video/{TT_ID}"),
    # Instagram
    (f"https://www.instagram.com/p/{CODE}/", IG, POST, CODE, f"https://www.instagram.com/p/{CODE}/"),
    (f"instagram.com/p/{CODE}", IG, POST, CODE, f"https://www.instagram.com/p/{CODE}/"),
    (f"https://www.instagram.com/p/{CODE}/?img_index=2", IG, POST, CODE, f"https://www.instagram.com/p/{CODE}/"),
    (f"https://www.instagram.com/reel/{CODE}/?igsh=abc", IG, REEL, CODE, f"https://www.instagram.com/reel/{CODE}/"),
    (f"https://www.instagram.com/reels/{CODE}/", IG, REEL, CODE, f"https://www.instagram.com/reel/{CODE}/"),
    (f"https://www.instagram.com/tv/{CODE}/", IG, VIDEO, CODE, f"https://www.instagram.com/tv/{CODE}/"),
    (f"https://www.instagram.com/some.user/p/{CODE}/", IG, POST, CODE, f"https://www.instagram.com/p/{CODE}/"),
    (f"https://www.instagram.com/some.user/reel/{CODE}/", IG, REEL, CODE, f"https://www.instagram.com/reel/{CODE}/"),
    (f"https://www.instagram.com/p/{CODE}/embed/", IG, POST, CODE, f"https://www.instagram.com/p/{CODE}/"),
    (f"https://www.instagram.com/p/{CODE}/embed/captioned/", IG, POST, CODE, f"https://www.instagram.com/p/{CODE}/"),
    (f"https://www.instagram.com/reel/{CODE}/embed", IG, REEL, CODE, f"https://www.instagram.com/reel/{CODE}/"),
    (
        f"https://www.instagram.com/p/{CODE}/c/17900000000000000/",
        IG,
        POST,
        CODE,
        f"https://www.instagram.com/p/{CODE}/",
    ),
    (
        f"https://www.instagram.com/p/{CODE}/c/17900000000000000/r/17900000000000001/",
        IG,
        POST,
        CODE,
        f"https://www.instagram.com/p/{CODE}/",
    ),
    (f"https://www.instagram.com/some.user/tv/{CODE}/", IG, VIDEO, CODE, f"https://www.instagram.com/tv/{CODE}/"),
    (f"https://instagr.am/p/{CODE}/", IG, POST, CODE, f"https://www.instagram.com/p/{CODE}/"),
    ("https://www.instagram.com/Some.User/", IG, CHANNEL, "@some.user", "https://www.instagram.com/some.user/"),
    ("instagram.com/some_user?hl=en", IG, CHANNEL, "@some_user", "https://www.instagram.com/some_user/"),
    ("https://www.instagram.com/some_user/reels/", IG, CHANNEL, "@some_user", "https://www.instagram.com/some_user/"),
]

REFUSED: list[tuple[str, str]] = [
    # not a link at all
    ("", "empty"),
    ("   \n", "empty"),
    ("youtu.be/" + "a" * MAX_LINK_LENGTH, "too_long"),
    ("hello world", "not_a_link"),
    (f"look: youtu.be/{VID}", "not_a_link"),
    (f"https:youtube.com/watch?v={VID}", "not_a_link"),
    ("https://", "not_a_link"),
    ("https://youtube.com\\@evil.example/", "not_a_link"),
    (f"https://www.youtube.com/watch?v={VID}\u200b", "not_a_link"),
    ("http://[::1", "not_a_link"),
    (":ytfav", "not_a_link"),
    (f"https://www.youtube.com/watch?v={VID}&#0;", "not_a_link"),  # an escaped control character
    (f"https://www.youtube.com/watch?v={VID}&#x200B;", "not_a_link"),  # an escaped invisible space
    (f"https://www.youtube.com/watch?v={VID}&#32;x", "not_a_link"),  # an escaped space
    # schemes other than http(s)
    ("javascript:alert(1)", "scheme"),
    ("JaVaScRiPt:alert(document.cookie)", "scheme"),
    ("data:text/html;base64,PHNjcmlwdD4=", "scheme"),
    ("file:///etc/passwd", "scheme"),
    (f"ftp://youtube.com/watch?v={VID}", "scheme"),
    ("mailto:someone@youtube.com", "scheme"),
    # credentials and ports
    (f"https://user:pass@www.youtube.com/watch?v={VID}", "credentials"),
    ("https://www.youtube.com@evil.example/watch", "credentials"),
    (f"user:pass@youtube.com/watch?v={VID}", "credentials"),
    (f"https://www.youtube.com&#64;evil.example/watch?v={VID}", "credentials"),  # an escaped "@"
    (f"https://www.youtube.com:443/watch?v={VID}", "port"),
    (f"youtube.com:8080/watch?v={VID}", "port"),
    # hosts that are not the platforms'
    (f"https://youtube.com.evil.example/watch?v={VID}", "lookalike_host"),
    (f"https://evil-youtube.com/watch?v={VID}", "lookalike_host"),
    (f"https://youtu.be.example/{VID}", "lookalike_host"),
    (f"https://yotube.com/watch?v={VID}", "lookalike_host"),
    (f"https://tiktok.co/@a/video/{TT_ID}", "lookalike_host"),
    (f"https://www.instagam.com/p/{CODE}/", "lookalike_host"),
    (f"https://instagram.com.evil.example/p/{CODE}/", "lookalike_host"),
    (f"https://xn--yutube-wqf.com/watch?v={VID}", "non_ascii_host"),
    (f"https://\u0443outube.com/watch?v={VID}", "non_ascii_host"),  # a Cyrillic "у"
    (f"https://www.ddinstagram.com/p/{CODE}/", "lookalike_host"),  # a mirror
    (f"https://www.you&#x74;ub.com/watch?v={VID}", "lookalike_host"),  # decoded, then checked
    (f"https://evil.example&#x2F;@www.youtube.com/watch?v={VID}", "unknown_site"),  # "/" ends the host
    (f"https://www.youtube.com&#x2E;evil.example/watch?v={VID}", "lookalike_host"),
    (f"https://www.youtеbe.com/watch?v={VID}", "non_ascii_host"),  # a Cyrillic "е"
    (f"https://www.youtube.com/watch?v={VID}".replace("www.", "ｗｗｗ."), "non_ascii_host"),  # fullwidth
    (f"https://[::1]/watch?v={VID}", "unknown_site"),
    (f"https://invidio.us/watch?v={VID}", "unknown_site"),
    (f"https://vid.plus/{VID}", "unknown_site"),
    (VID, "unknown_site"),  # a bare id is no link to anything
    (f"https://example.com/watch?v={VID}", "unknown_site"),
    ("https://vimeo.com/76979871", "unknown_site"),
    (f"https://studio.youtube.com/video/{VID}/edit", "unsupported_page"),
    ("https://studio.youtube.com/channel/UCX6OQ3DkcsbYNE6H8uQQuVA", "unsupported_page"),
    (f"https://www.youtube-nocookie.com/watch?v={VID}", "unsupported_page"),
    (f"https://consent.youtube.com/m?continue=https%3A%2F%2Fevil.example%2Fwatch%3Fv%3D{VID}", "unsupported_page"),
    ("https://consent.youtube.com/m", "unsupported_page"),
    (f"https://www.youtube.com/attribution_link?u=//evil.example/watch?v={VID}", "unsupported_page"),
    (f"https://www.youtube.com/attribution_link?u=https://evil.example/watch?v={VID}", "unsupported_page"),
    (
        "https://www.youtube.com/attribution_link?u=/attribution_link%3Fu%3D/watch%253Fv%253D" + VID,
        "unsupported_page",
    ),
    # YouTube pages that are not one video or channel
    ("https://www.youtube.com/playlist?list=PLrAXtmErZgOe", "playlist"),
    ("https://www.youtube.com/watch?list=PLrAXtmErZgOe", "playlist"),
    ("https://www.youtube.com/embed/videoseries?list=PLrAXtmErZgOe", "playlist"),
    ("https://www.youtube.com/results?search_query=cats", "search"),
    ("https://www.youtube.com/@creator/search?query=cats", "search"),
    ("https://www.youtube.com/hashtag/cats", "hashtag"),
    ("https://www.youtube.com/feed/trending", "feed"),
    ("https://www.youtube.com/feed/subscriptions", "feed"),
    ("https://www.youtube.com/trending", "feed"),
    (f"https://www.youtube.com/embed/live_stream?channel={UC}", "live"),
    ("https://www.youtube.com/clip/UgytZKpehg-hEMBSn3F4AaABCQ", "clip"),
    (f"https://www.youtube.com/source/{VID}/shorts", "sound"),
    ("https://www.youtube.com/?list=PLrAXtmErZgOe", "playlist"),
    ("https://www.youtube.com/?feature=share", "unsupported_page"),
    ("https://www.youtube.com/watch#comments", "invalid_id"),
    ("https://www.youtube.com/#/feed/trending?v=x", "unsupported_page"),
    ("https://www.youtube.com/", "unsupported_page"),
    ("https://www.youtube.com/post/UgkxAbc", "unsupported_page"),
    ("https://www.youtube.com/@creator/unknown-tab", "unsupported_page"),
    (f"https://youtu.be/{VID}/extra", "unsupported_page"),
    ("https://www.youtube.com/watch", "invalid_id"),
    ("https://www.youtube.com/watch?v=short", "invalid_id"),
    (f"https://www.youtube.com/watch?v={VID}Q", "invalid_id"),
    ("https://youtu.be/dQw4w9WgX!Q", "invalid_id"),
    ("https://youtu.be/", "invalid_id"),
    ("https://www.youtube.com/shorts/", "invalid_id"),
    ("https://www.youtube.com/channel/UCshort", "invalid_id"),
    ("https://www.youtube.com/@ab", "invalid_id"),
    # TikTok pages that are not one video, post or profile
    ("https://www.tiktok.com/tag/fyp", "hashtag"),
    ("https://www.tiktok.com/music/original-sound-7106798200794926362", "sound"),
    ("https://www.tiktok.com/discover/cats", "explore"),
    ("https://www.tiktok.com/search?q=cats", "search"),
    ("https://www.tiktok.com/foryou", "feed"),
    ("https://www.tiktok.com/@scout2015/live", "live"),
    ("https://m.tiktok.com/share/live/7209423610325322522/?language=en", "live"),
    (f"https://www.tiktok.com/embed/v3/{TT_ID}", "unsupported_page"),
    (f"https://www.tiktok.com/share/user/{TT_ID}", "unsupported_page"),
    (f"https://api16-normal-useast5.tiktokv.com/aweme/v1/{TT_ID}", "unsupported_page"),
    ("https://www.tiktok.com/@scout2015/collection/favourites-7371330159376370462", "playlist"),
    ("https://www.tiktok.com/", "unsupported_page"),
    ("https://vm.tiktok.com/", "invalid_id"),
    ("https://www.tiktok.com/@scout2015/video/abc", "invalid_id"),
    ("https://www.tiktok.com/@scout2015/video/123", "invalid_id"),
    (f"https://www.tiktok.com/@bad*user/video/{TT_ID}", "invalid_id"),
    ("https://www.tiktok.com/@", "invalid_id"),
    # Instagram pages that are not one post or profile
    ("https://www.instagram.com/explore/", "explore"),
    ("https://www.instagram.com/explore/tags/cats/", "hashtag"),
    ("https://www.instagram.com/stories/someone/3123456789/", "story"),
    ("https://www.instagram.com/accounts/login/", "unsupported_page"),
    ("https://www.instagram.com/someone/followers/", "unsupported_page"),
    ("https://www.instagram.com/reels/", "feed"),
    ("https://www.instagram.com/reels/audio/1234567890/", "sound"),
    ("https://www.instagram.com/share/reel/BAxyz123/", "share_link"),
    ("https://www.instagram.com/p/", "invalid_id"),
    ("https://www.instagram.com/p/abc/", "invalid_id"),
    (f"https://www.instagram.com/p/{CODE}/liked_by/", "unsupported_page"),
    (f"https://www.instagram.com/p/{CODE}/c/not-a-number/", "unsupported_page"),
    (f"https://www.instagram.com/p/{CODE}/embed/extra/", "unsupported_page"),
]

SHORT_LINKS: list[tuple[str, str]] = [
    ("vm.tiktok.com/ZTR45GpSF/", "https://vm.tiktok.com/ZTR45GpSF/"),
    ("https://vt.tiktok.com/ZSe4FqkKd", "https://vt.tiktok.com/ZSe4FqkKd/"),
    ("https://www.tiktok.com/t/ZTRC5xgJp/", "https://www.tiktok.com/t/ZTRC5xgJp/"),
    ("HTTP://VM.TIKTOK.COM/ZTR45GpSF?utm_source=copy", "https://vm.tiktok.com/ZTR45GpSF/"),
]


@pytest.mark.parametrize(("link", "platform", "kind", "content_id", "url"), ACCEPTED)
def test_an_accepted_link_gives_platform_kind_id_and_canonical_url(
    link: str, platform: Platform, kind: ContentKind, content_id: str, url: str
) -> None:
    assert parse_link(link) == ContentRef(platform, kind, content_id, url)


@pytest.mark.parametrize(("link", "reason"), REFUSED)
def test_a_refused_link_says_why(link: str, reason: str) -> None:
    with pytest.raises(UnsupportedLink) as refusal:
        parse_link(link)
    assert refusal.value.reason == reason
    assert refusal.value.params["reason"] == reason
    assert refusal.value.code == "unsupported_link"


def test_every_refusal_reason_is_exercised_by_the_table() -> None:
    assert {reason for _, reason in REFUSED} == set(UnsupportedLink.REASONS)


def test_a_refusal_carries_its_reason_and_facts_but_no_words_for_members() -> None:
    with pytest.raises(UnsupportedLink) as refusal:
        parse_link("youtu.be/" + "a" * MAX_LINK_LENGTH)

    assert refusal.value.params == {"reason": "too_long", "maximum": MAX_LINK_LENGTH}
    assert refusal.value.message == "unsupported_link: too_long"  # for logs; faces use their catalogues


def test_an_unknown_refusal_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no_such_reason"):
        UnsupportedLink("no_such_reason")


@pytest.mark.parametrize(("link", "normal_form"), SHORT_LINKS)
def test_a_tiktok_short_link_needs_a_lookup_and_names_its_normal_form(link: str, normal_form: str) -> None:
    with pytest.raises(ShortLinkNeedsLookup) as needs_lookup:
        parse_link(link)
    assert needs_lookup.value.url == normal_form
    assert needs_lookup.value.params == {"url": normal_form}
    assert needs_lookup.value.code == "short_link_needs_lookup"


def test_a_link_of_exactly_the_maximum_length_is_still_read() -> None:
    link = f"{WATCH}&pad=" + "x" * (MAX_LINK_LENGTH - len(WATCH) - len("&pad="))
    assert len(link) == MAX_LINK_LENGTH
    assert parse_link(link).content_id == VID


def test_two_forms_of_one_tiktok_video_share_the_content_id() -> None:
    with_user = parse_link(f"https://www.tiktok.com/@scout2015/video/{TT_ID}")
    old_mobile = parse_link(f"https://m.tiktok.com/v/{TT_ID}.html")
    assert with_user.content_id == old_mobile.content_id == TT_ID


# --- the canonical urls are what yt-dlp's extractors take ----------------------------------------


def _extractor_for(ref: ContentRef) -> Any:  # yt-dlp's extractors are untyped
    from yt_dlp.extractor.instagram import InstagramIE, InstagramUserIE
    from yt_dlp.extractor.tiktok import TikTokIE, TikTokUserIE
    from yt_dlp.extractor.youtube import YoutubeIE, YoutubeTabIE

    channel = ref.kind is ContentKind.CHANNEL
    by_platform = {
        Platform.YOUTUBE: YoutubeTabIE if channel else YoutubeIE,
        Platform.TIKTOK: TikTokUserIE if channel else TikTokIE,
        Platform.INSTAGRAM: InstagramUserIE if channel else InstagramIE,
    }
    return by_platform[ref.platform]


CANONICAL_REFS: list[ContentRef] = sorted({parse_link(row[0]) for row in ACCEPTED}, key=lambda ref: ref.url)


@pytest.mark.parametrize("ref", CANONICAL_REFS, ids=[ref.url for ref in CANONICAL_REFS])
def test_a_canonical_url_is_accepted_by_the_matching_yt_dlp_extractor(ref: ContentRef) -> None:
    url = ref.url
    if ref.platform is Platform.TIKTOK and ref.kind is ContentKind.POST:
        # yt-dlp has no /photo/ pattern; a reader asks for the same id in the /video/ form.
        assert not _extractor_for(ref).suitable(url)
        url = url.replace("/photo/", "/video/")
    assert _extractor_for(ref).suitable(url)


# --- finding the link in a message ----------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "link"),
    [
        (f"check this out https://youtu.be/{VID} thanks", f"https://youtu.be/{VID}"),
        (f"(https://youtu.be/{VID}).", f"https://youtu.be/{VID}"),
        (f"«https://youtu.be/{VID}»", f"https://youtu.be/{VID}"),
        (f"my reel: instagram.com/reel/{CODE}/!", f"instagram.com/reel/{CODE}/"),
        (f"New video!!! youtube.com/watch?v={VID}, please comment", f"youtube.com/watch?v={VID}"),
        (f"link:https://www.tiktok.com/@a/video/{TT_ID}", f"https://www.tiktok.com/@a/video/{TT_ID}"),
        (f"first youtu.be/{VID} then youtu.be/{SHORT_ID}", f"youtu.be/{VID}"),
        (f"//youtube.com/shorts/{SHORT_ID} is it", f"//youtube.com/shorts/{SHORT_ID}"),
        ("see vm.tiktok.com/ZTR45GpSF/ pls", "vm.tiktok.com/ZTR45GpSF/"),
        (f"https://\u0443outube.com/watch?v={VID}", f"https://\u0443outube.com/watch?v={VID}"),
        ("ftp://files.example/x", "ftp://files.example/x"),
    ],
)
def test_find_link_returns_the_first_url_looking_token(message: str, link: str) -> None:
    assert find_link(message) == link


@pytest.mark.parametrize(
    "message",
    [
        "",
        "no link here",
        "Hi all.Check this",
        "just youtube.com",
        "mail me@youtube.com/x",
        "version 1.2.3/4",
        "e.g. this",
    ],
)
def test_find_link_returns_none_without_a_url_looking_token(message: str) -> None:
    assert find_link(message) is None


def test_find_link_stays_fast_on_a_long_message_full_of_dots() -> None:
    started = time.perf_counter()
    assert find_link("a." * 50_000) is None
    assert time.perf_counter() - started < 1.0  # was ~6 s when a repetition was unbounded


# --- properties -----------------------------------------------------------------------------

URL_CHARS = st.sampled_from([*"abcxyzABCXYZ0123456789-_.~:/?#[]@!$&'()*+,;=%", "é", "日", "\u200b", " "])
# Pieces a pasted link may hold whole: HTML references (complete, broken, hostile), the
# separators and fragments old YouTube links used, and the pages the parsers look for.
URL_PIECES = st.sampled_from(
    [
        *(
            "&amp;",
            "&amp;amp;",
            "&#38;",
            "&#x26;",
            "&#64;",
            "&#x2F;",
            "&#0;",
            "&#1;",
            "&#x200B;",
            "&lt;",
            "&not",
            "&foo;",
        ),
        *("#!", "#/", ";", "v=", "?v=", "u=/watch?v=", "continue=https://www.youtube.com/watch?v="),
        *("embed/", "captioned/", "c/123/", "v2/", "share/video/", "watch_popup", "attribution_link", "m?"),
    ]
)
PREFIXES = st.sampled_from(["", "https://", "http://", "//", "HTTPS://", "javascript:", "data:", "user:pw@", "ftp://"])
HOSTS = st.sampled_from(
    [
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "music.youtube.com",
        "gaming.youtube.com",
        "consent.youtube.com",
        "www.youtube-nocookie.com",
        "youtube.googleapis.com",
        "www.youtubekids.com",
        "youtu.be",
        "tiktok.com",
        "www.tiktok.com",
        "m.tiktok.com",
        "www.tiktokv.com",
        "vm.tiktok.com",
        "vt.tiktok.com",
        "instagram.com",
        "www.instagram.com",
        "instagr.am",
        "www.ddinstagram.com",
        "youtube.com.evil.example",
        "xn--yutube-wqf.com",
        "[::1]",
        "",
    ]
)
PATHS = st.sampled_from(
    [
        *("", "/", "/watch", "/shorts/", "/@", "/channel/", "/c/", "/p/", "/reel/", "/reels/", "/tv/", "/v/", "/t/"),
        *("/embed/", "/share/", "/attribution_link?", "/m?", "/#", "/watch#", "/clip/", "/source/"),
    ]
)


@st.composite
def link_like_text(draw: st.DrawFn) -> str:
    tail = draw(st.lists(st.text(URL_CHARS, max_size=6) | URL_PIECES, max_size=8).map("".join))
    return draw(PREFIXES) + draw(HOSTS) + draw(PATHS) + tail


@given(st.text(max_size=300) | link_like_text())
@example("x" * (MAX_LINK_LENGTH + 1))
@example("https://www.youtube.com/watch?v=" + "%" * 30)
@example("https://[")
@example("&amp;" * (MAX_LINK_LENGTH // 5))
@example("https://www.youtube.com/attribution_link?u=/attribution_link?u=/watch?v=dQw4w9WgXcQ")
@example("https://consent.youtube.com/m?continue=https://consent.youtube.com/m?continue=x")
def test_parse_link_raises_nothing_but_domain_errors(text: str) -> None:
    try:
        ref = parse_link(text)
    except (UnsupportedLink, ShortLinkNeedsLookup):
        return  # anything else propagates and fails the test
    assert ref.url.startswith("https://www.")


VIDEO_IDS = st.text(st.sampled_from("abcXYZ019_-"), min_size=11, max_size=11)
TIKTOK_IDS = st.from_regex(r"[1-9][0-9]{9,19}", fullmatch=True)
CODES = st.from_regex(r"[A-Za-z0-9_-]{5,64}", fullmatch=True)
USERS = st.from_regex(r"[a-zA-Z0-9_.]{2,24}", fullmatch=True)
HANDLES = st.from_regex(r"[a-zA-Z0-9_.\-]{3,30}", fullmatch=True) | st.text(
    st.sampled_from("日本語ñéß_"), min_size=3, max_size=10
)
SCHEMES = st.sampled_from(["https://", "http://", "//", "", "HTTPS://"])
EXTRAS = st.sampled_from(["", "/", "#frag", "?si=abc", "?t=10&feature=share", "/?utm_source=copy"])


def _link(template: str, **parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.fixed_dictionaries({"scheme": SCHEMES, "extra": EXTRAS, **parts}).map(lambda p: template.format(**p))


def _cased(*hosts: str) -> st.SearchStrategy[str]:
    return st.sampled_from([variant for host in hosts for variant in (host, host.upper(), host.title())])


ACCEPTED_LINKS = st.one_of(
    _link(
        "{scheme}{host}/watch?v={id}&t=3",
        host=_cased("youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"),
        id=VIDEO_IDS,
    ),
    _link("{scheme}{host}/{id}{extra}", host=_cased("youtu.be"), id=VIDEO_IDS),
    _link(
        "{scheme}www.youtube.com/{page}?feature=share{separator}v={id}",
        page=st.sampled_from(["watch", "watch_popup", "movie", "watch.php", "watch/", ""]),
        separator=st.sampled_from(["&", ";", "&amp;", "&amp;amp;", "&#38;"]),
        id=VIDEO_IDS,
    ),
    _link(
        "{scheme}www.youtube.com/{fragment}{id}",
        fragment=st.sampled_from(["watch#!v=", "#!v=", "#/watch?v="]),
        id=VIDEO_IDS,
    ),
    _link(
        "{scheme}{host}/{page}/{id}{extra}",
        host=_cased("www.youtube-nocookie.com", "youtube.googleapis.com"),
        page=st.sampled_from(["embed", "v"]),
        id=VIDEO_IDS,
    ),
    _link("{scheme}gaming.youtube.com/watch?v={id}&t=3", id=VIDEO_IDS),
    _link("{scheme}www.youtube.com/attribution_link?a=x&u=%2Fwatch%3Fv%3D{id}%26t%3D3", id=VIDEO_IDS),
    _link(
        "{scheme}www.youtube.com/{page}/{id}{extra}",
        page=st.sampled_from(["shorts", "live", "embed", "v"]),
        id=VIDEO_IDS,
    ),
    _link("{scheme}youtube.com/@{handle}{extra}", handle=HANDLES),
    _link("{scheme}youtube.com/channel/UC{a}{b}{extra}", a=VIDEO_IDS, b=VIDEO_IDS),
    _link("{scheme}youtube.com/{legacy}/{name}{extra}", legacy=st.sampled_from(["c", "user"]), name=USERS),
    _link(
        "{scheme}{host}/@{user}/{page}/{id}{extra}",
        host=_cased("tiktok.com", "www.tiktok.com", "m.tiktok.com"),
        user=USERS | st.just(""),
        page=st.sampled_from(["video", "photo"]),
        id=TIKTOK_IDS,
    ),
    _link("{scheme}m.tiktok.com/v/{id}.html", id=TIKTOK_IDS),
    _link(
        "{scheme}{host}/{page}/{id}{extra}",
        host=_cased("www.tiktok.com", "www.tiktokv.com"),
        page=st.sampled_from(["share/video", "embed", "embed/v2"]),
        id=TIKTOK_IDS,
    ),
    _link("{scheme}www.tiktok.com/@{user}{extra}", user=USERS),
    # "u" in front of Instagram user names keeps clear of Instagram's own pages (/p/, /tv/, ...)
    _link(
        "{scheme}{host}/{user}{page}/{code}{after}{extra}",
        host=_cased("instagram.com", "www.instagram.com", "instagr.am"),
        user=st.just("") | USERS.map(lambda user: f"u{user}/"),
        page=st.sampled_from(["p", "reel", "reels", "tv"]),
        code=CODES,
        after=st.sampled_from(["", "/embed", "/embed/captioned", "/c/17900000000000000"]),
    ),
    _link("{scheme}www.instagram.com/u{user}{extra}", user=USERS),
)


@given(ACCEPTED_LINKS)
def test_the_canonical_url_of_an_accepted_link_reads_back_the_same(link: str) -> None:
    ref = parse_link(link)
    assert parse_link(ref.url) == ref


@given(ACCEPTED_LINKS, st.integers(min_value=1, max_value=2))
def test_an_accepted_link_html_escaped_once_or_twice_reads_the_same(link: str, times: int) -> None:
    escaped = link
    for _ in range(times):
        escaped = escaped.replace("&", "&amp;")
    assert parse_link(escaped) == parse_link(link)


@given(st.text(max_size=500))
def test_find_link_never_raises_and_returns_part_of_the_message(message: str) -> None:
    link = find_link(message)
    assert link is None or (link and link in message)


@given(
    st.text(st.sampled_from("abc xyz,!"), max_size=30),
    ACCEPTED_LINKS.filter(lambda link: "://" in link),
    st.text(st.sampled_from("abc xyz"), max_size=30),
)
def test_a_link_between_plain_words_is_found_whole(before: str, link: str, after: str) -> None:
    assert find_link(f"{before} {link} {after}") == link.rstrip(".")


@pytest.mark.parametrize(
    "text", ["YouTube.com/watch?v#//]sZ", "https://www.youtube.com/watch#//[::1", "youtube.com/#//]"]
)
def test_a_fragment_that_reads_as_a_broken_host_is_refused_not_raised(text: str) -> None:
    # urlsplit raised ValueError ("Invalid IPv6 URL") out of parse_link (found by atheris, bench/fuzz.py).
    with pytest.raises(UnsupportedLink):
        parse_link(text)
