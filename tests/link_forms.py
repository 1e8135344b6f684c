"""The link forms yt-dlp reads as one video or post, as a corpus for our own link parser.

yt-dlp's view of a link is which of its YouTube, TikTok and Instagram extractors claims it and, when
that extractor returns one item (as our reader runs yt-dlp: ``noplaylist``), that item's id. The
forms come from the extractors' own ``_TESTS`` and from the branches of their ``_VALID_URL``
patterns (``HAND_FORMS``, each naming the branch, or saying that yt-dlp does not read it).

The corpus, ``tests/fixtures/platforms/link-forms.json``, records each form, where it comes from,
yt-dlp's view and what our parser answers. Regenerate it after changing the parser or upgrading
yt-dlp, then review the diff: ``python -m tests.link_forms``. Importing this module imports yt-dlp's
extractors (most of a second): tests and benchmarks only, never the service.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from yt_dlp.extractor import instagram, tiktok, youtube
from yt_dlp.utils import parse_qs
from yt_dlp.version import __version__ as yt_dlp_version

from tgexchange.domain.content import ContentRef
from tgexchange.domain.errors import ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.domain.links import parse_link

CORPUS = Path(__file__).resolve().parent / "fixtures" / "platforms" / "link-forms.json"

# The platforms' own domains (a host is one of them or a subdomain of one). Mirrors and
# front-ends (Invidious, vid.plus, ddinstagram, ...) are not here: forms on them never count.
PLATFORM_DOMAINS = {
    "youtube": ("youtube.com", "youtu.be", "youtube-nocookie.com", "youtubekids.com", "youtube.googleapis.com"),
    "tiktok": ("tiktok.com", "tiktokv.com"),
    "instagram": ("instagram.com", "instagr.am"),
}

V = "dQw4w9WgXcQ"  # any 11-character id will do
PL = "PLsyOSbh5bs16vubvKePAQ1x3PhKavfBIl"
TT = "7047596209028074758"
IG = "CWqAgUZgCku"
_YT = "YoutubeIE._VALID_URL"
HAND_FORMS: list[tuple[str, str]] = [
    # YouTube: the branches of YoutubeIE._VALID_URL, one example each
    (f"https://www.youtube.com/watch?v={V}", f"{_YT}: watch?v="),
    (f"http://youtube.com/watch?v={V}", f"{_YT}: http, no www."),
    (f"https://m.youtube.com/watch?v={V}&feature=youtu.be", f"{_YT}: (\\w+\\.)? subdomain m."),
    (f"https://music.youtube.com/watch?v={V}&si=x", f"{_YT}: (\\w+\\.)? subdomain music."),
    (f"https://gaming.youtube.com/watch?v={V}", f"{_YT}: (\\w+\\.)? any other subdomain"),
    (f"https://www.youtube.com/watch_popup?v={V}", f"{_YT}: watch_popup"),
    (f"https://www.youtube.com/movie?v={V}", f"{_YT}: movie"),
    (f"https://www.youtube.com/watch.php?v={V}", f"{_YT}: watch.php"),
    (f"https://www.youtube.com/watch/?v={V}", f"{_YT}: watch/"),
    (f"https://www.youtube.com/?v={V}", f"{_YT}: nothing before ?v="),
    (f"https://www.youtube.com/watch#!v={V}", f"{_YT}: #! as the parameter delimiter"),
    (f"https://www.youtube.com/#/watch?v={V}", f"{_YT}: anchor redirect #/"),
    (f"https://www.youtube.com/watch?feature=player_embedded&v={V}", f"{_YT}: another parameter before v="),
    (f"https://www.youtube.com/watch?feature=player_embedded&amp;v={V}", f"{_YT}: HTML-escaped &amp;"),
    (f"https://www.youtube.com/watch?s=tuff;v={V}", f"{_YT}: ; between parameters"),
    (f"https://www.youtube.com/watch?v={V}#t=1m30s", f"{_YT}: anything after the id (#t=)"),
    (f"https://www.youtube.com/embed/{V}?start=10&rel=0", f"{_YT}: embed/"),
    (f"https://www.youtube.com/v/{V}?version=3&autohide=1", f"{_YT}: v/"),
    (f"https://www.youtube.com/e/{V}", f"{_YT}: e/"),
    (f"https://www.youtube.com/shorts/{V}?feature=share", f"{_YT}: shorts/"),
    (f"https://youtube.com/live/{V}?si=abc", f"{_YT}: live/"),
    (f"https://www.youtube-nocookie.com/embed/{V}?rel=0", f"{_YT}: youtube-nocookie.com"),
    (f"https://youtube.googleapis.com/v/{V}", f"{_YT}: youtube.googleapis.com"),
    (f"https://youtu.be/{V}?t=42", f"{_YT}: youtu.be/"),
    (f"https://youtu.be/{V}?si=AbCdEfGh&t=10", f"{_YT}: youtu.be/ with a share id"),
    (f"https://www.youtube.com/watch?v={V}&list={PL}&index=2", "YoutubeTabIE._VALID_URL: watch?...list= (noplaylist)"),
    (f"https://music.youtube.com/watch?v={V}&list=RDAMVM{V}", "YoutubeTabIE._VALID_URL: music mix (noplaylist)"),
    (f"https://www.youtube.com/embed/{V}?list={PL}", "YoutubePlaylistIE._VALID_URL: embed with a list"),
    (
        f"https://www.youtube.com/attribution_link?a=JdfC0C9V6ZI&u=%2Fwatch%3Fv%3D{V}%26feature%3Dshare",
        "not read by yt-dlp as a video (YoutubeTabIE takes it for a channel); YouTube redirects to u=",
    ),
    (f"https://www.youtube.com/watch/{V}", "not read by yt-dlp; YouTube redirects it to watch?v="),
    (f"https://studio.youtube.com/video/{V}/edit", "not read by yt-dlp: the creator's studio page"),
    # TikTok: TikTokIE._VALID_URL's branches, and what TikTok serves that yt-dlp does not read
    (
        f"https://www.tiktok.com/@scout2015/video/{TT}?is_from_webapp=1&sender_device=pc",
        "TikTokIE._VALID_URL: @user/video/",
    ),
    (f"https://www.tiktok.com/embed/{TT}", "TikTokIE._VALID_URL: embed/"),
    (f"https://www.tiktok.com/embed/v2/{TT}", "not read by yt-dlp: the embed player's address"),
    (f"https://www.tiktok.com/share/video/{TT}", "TikTokIE._VALID_URL: share/video/"),
    (f"https://www.tiktok.com/@scout2015/photo/{TT}", "not read by yt-dlp: a photo post"),
    (f"https://tiktok.com/@scout2015/video/{TT}", "not read by yt-dlp: no www."),
    (f"https://m.tiktok.com/v/{TT}.html", "not read by yt-dlp: the old mobile address"),
    # Instagram: InstagramIE._VALID_URL takes anything after the shortcode
    (f"https://www.instagram.com/p/{IG}/embed/", "InstagramIE._VALID_URL: p/<id>/embed/"),
    (f"https://www.instagram.com/p/{IG}/embed/captioned/", "InstagramIE._VALID_URL: p/<id>/embed/captioned/"),
    (f"https://www.instagram.com/reel/{IG}/embed/", "InstagramIE._VALID_URL: reel/<id>/embed/"),
    (f"https://www.instagram.com/p/{IG}/c/17900000000000000/", "InstagramIE._VALID_URL: one comment of a post"),
    (f"https://www.instagram.com/marvelskies.fc/p/{IG}/", "InstagramIE._VALID_URL: <user>/p/"),
    (f"https://www.instagram.com/marvelskies.fc/tv/{IG}/", "InstagramIE._VALID_URL: <user>/tv/"),
    (f"https://www.instagram.com/reel/{IG}/?igsh=MWQ1ZGUxMzBkMA==", "InstagramIE._VALID_URL: reel/ with a share id"),
    (f"https://instagr.am/p/{IG}/", "not read by yt-dlp: instagr.am, Instagram's own short domain"),
    (f"https://www.ddinstagram.com/p/{IG}/", "not read by yt-dlp: a third-party mirror"),
]


@dataclass(frozen=True, slots=True)
class YtDlpView:
    """``extractor``: the first of yt-dlp's extractors (in its own order) that claims the link.
    ``single``: it returns one video or post; ``content_id``: that item's id (a TikTok short
    link's code, an Instagram shortcode, a YouTube clip's id, ...)."""

    extractor: str
    single: bool
    content_id: str | None


def _extractors() -> list[Any]:  # yt-dlp's extractor classes are untyped
    from yt_dlp.extractor import gen_extractor_classes

    own = ("yt_dlp.extractor.youtube", "yt_dlp.extractor.tiktok", "yt_dlp.extractor.instagram")
    return [ie.real_class for ie in gen_extractor_classes() if getattr(ie, "_module", "").startswith(own)]


EXTRACTORS = _extractors()


def ytdlp_view(url: str) -> YtDlpView | None:
    """How yt-dlp reads ``url``, or None when none of those extractors claims it."""
    for ie in EXTRACTORS:
        if not ie.suitable(url):
            continue
        name = ie.__name__
        if name == "YoutubeConsentRedirectIE":  # it reads the page in ?continue= instead
            target = parse_qs(url).get("continue", [""])[0]
            inner = ytdlp_view(target) if target else None
            return YtDlpView(name, bool(inner and inner.single), inner.content_id if inner else None)
        if name == "YoutubeTabIE":  # with noplaylist, a v= parameter makes it read that one video
            video = parse_qs(url).get("v", [None])[0]
            return YtDlpView(name, video is not None, video)
        single = ie._RETURN_TYPE == "video" or name == "InstagramIE"  # a carousel is one post
        content_id = ie._match_valid_url(url).groupdict().get("id") if single else None
        return YtDlpView(name, single, content_id)
    return None


def platform_of_host(url: str) -> str | None:
    """The platform whose own domain ``url`` is on (http or https only), else None."""
    parts = urlsplit(url if "://" in url or url.startswith("//") else "")
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https", ""} or not host:
        return None
    for platform, domains in PLATFORM_DOMAINS.items():
        if any(host == domain or host.endswith("." + domain) for domain in domains):
            return platform
    return None


def our_answer(url: str, parse: Callable[[str], ContentRef] = parse_link) -> dict[str, str]:
    """What the parser makes of ``url``, as the corpus records it."""
    try:
        ref = parse(url)
    except ShortLinkNeedsLookup as short:
        return {"short_link": short.url}
    except UnsupportedLink as refusal:
        return {"refused": refusal.reason}
    return {"platform": ref.platform.value, "kind": ref.kind.value, "content_id": ref.content_id}


def forms() -> Iterator[tuple[str, str]]:
    """Every form, once, with where it comes from: the extractors' ``_TESTS`` first."""
    seen: set[str] = set()
    for module in (youtube, tiktok, instagram):
        for name in sorted(dir(module)):
            ie: Any = getattr(module, name)  # yt-dlp's extractor classes are untyped
            if not (name.endswith("IE") and "_TESTS" in getattr(ie, "__dict__", {})):
                continue
            for test in ie.get_testcases(include_onlymatching=True):
                if test["url"] not in seen:
                    seen.add(test["url"])
                    yield test["url"], f"{name}._TESTS"
    for url, source in HAND_FORMS:
        if url not in seen:
            seen.add(url)
            yield url, source


def corpus_rows(parse: Callable[[str], ContentRef] = parse_link) -> list[dict[str, Any]]:
    rows = []
    for url, source in forms():
        view = ytdlp_view(url)
        rows.append(
            {
                "url": url,
                "from": source,
                "host_platform": platform_of_host(url),
                "ytdlp": None
                if view is None
                else {"extractor": view.extractor, "single": view.single, "id": view.content_id},
                "ours": our_answer(url, parse),
            }
        )
    return rows


def load_corpus() -> dict[str, Any]:
    corpus: dict[str, Any] = json.loads(CORPUS.read_text(encoding="utf-8"))
    return corpus


def is_counted(row: dict[str, Any]) -> bool:
    """Whether a form counts towards the share we accept: yt-dlp reads one item there, on one of
    the platform's own hosts."""
    return bool(row["host_platform"] and row["ytdlp"] and row["ytdlp"]["single"])


@dataclass(frozen=True, slots=True)
class Share:
    counted: int  # single-item forms on the platforms' own hosts
    accepted: int  # ... that the parser reads as the same platform and id
    short_links: int  # ... that the parser recognises as short links (one lookup tells the id)
    refused: list[tuple[str, str]]  # (url, reason) for the rest

    def line(self) -> str:
        return (
            f"{self.accepted} of {self.counted} accepted with yt-dlp's id ({100 * self.accepted / self.counted:.1f}%), "
            f"{self.short_links} short links recognised, {len(self.refused)} refused"
        )


def share(rows: Iterable[dict[str, Any]]) -> Share:
    counted = [row for row in rows if is_counted(row)]
    accepted = short_links = 0
    refused: list[tuple[str, str]] = []
    for row in counted:
        ours, theirs = row["ours"], row["ytdlp"]
        if ours.get("content_id") == theirs["id"] and ours.get("platform") == row["host_platform"]:
            accepted += 1
        elif "short_link" in ours:
            short_links += 1
        else:
            refused.append((row["url"], ours.get("refused", f"read as {ours}")))
    return Share(len(counted), accepted, short_links, refused)


HEADER = (
    "Link forms for tgexchange's parser (tests/link_forms.py writes this file: python -m tests.link_forms). "
    "'from' names where yt-dlp has the form: an extractor's _TESTS, or a branch of its _VALID_URL, in the "
    "yt-dlp version below; forms yt-dlp does not read say so. 'host_platform': the platform whose own domain "
    "the link is on (null for mirrors, bare ids, other schemes). 'ytdlp': the first of its YouTube, TikTok "
    "and Instagram extractors that claims the link, whether it returns one item (as our reader runs it, "
    "noplaylist) and that item's id. 'ours': what domain.links.parse_link answers, reviewed by hand."
)


def main() -> None:
    rows = corpus_rows()
    document = {"about": HEADER, "yt_dlp": yt_dlp_version, "forms": rows}
    CORPUS.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"{len(rows)} forms written to {CORPUS}; {share(rows).line()}\n")


if __name__ == "__main__":
    main()
