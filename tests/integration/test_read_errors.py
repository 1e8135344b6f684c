"""What a failed yt-dlp read means (``adapters/platforms/read_errors.py``): content gone, or the
platform not answering now. Errors are raised inside the real ``YoutubeDL.extract_info``, so they
reach the reader wrapped exactly as yt-dlp wraps them. No test reaches the network."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable
from typing import Any

import pytest
import yt_dlp
from yt_dlp.extractor.youtube import YoutubeIE
from yt_dlp.networking import Response
from yt_dlp.networking.exceptions import HTTPError, TransportError
from yt_dlp.utils import DownloadError, ExtractorError

from tgexchange.adapters.platforms.read_errors import ytdlp_error
from tgexchange.adapters.platforms.ytdlp import YtDlpReader
from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import ContentUnavailable, DomainError, PlatformUnavailable

VIDEO = "Xk3mRv9TqLw"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real connection attempt fails the test that made it."""

    def refuse(self: socket.socket, *args: object) -> None:
        raise AssertionError(f"a test tried to open a network connection to {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def youtube(video_id: str = VIDEO) -> ContentRef:
    return ContentRef(Platform.YOUTUBE, ContentKind.VIDEO, video_id, f"https://www.youtube.com/watch?v={video_id}")


@pytest.fixture
def extractor_raises(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[Any], None]], None]:
    """Makes YouTube's extractor fail inside the real YoutubeDL.extract_info, so the error reaches
    the reader wrapped exactly as yt-dlp wraps it."""

    def install(failure: Callable[[Any], None]) -> None:
        def real_extract(self: Any, url: str) -> dict[str, Any]:
            failure(self)
            raise AssertionError("the failure should have raised")

        monkeypatch.setattr(YoutubeIE, "_real_extract", real_extract)

    return install


# Messages as YoutubeIE words them in yt-dlp 2026.10.26 (``_real_extract`` and the login hint).
LOGIN_HINT = (
    " Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/wiki/FAQ"
    "#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies. Also see  https://github.com/yt-dlp/yt-dlp"
    "/wiki/Extractors#exporting-youtube-cookies  for tips on effectively exporting YouTube cookies"
)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Private video. Sign in if you've been granted access to this video." + LOGIN_HINT, ContentUnavailable),
        ("Video unavailable. This video has been removed by the uploader", ContentUnavailable),
        ("This video has been removed for violating YouTube's Terms of Service", ContentUnavailable),
        (
            "Video unavailable. This video is no longer available because the YouTube account associated "
            "with this video has been terminated.",
            ContentUnavailable,
        ),
        (
            "Sign in to confirm your age. This video may be inappropriate for some users." + LOGIN_HINT,
            ContentUnavailable,
        ),
        (
            "Join this channel to get access to members-only content like this video, and other exclusive perks.",
            ContentUnavailable,
        ),
        ("This live event will begin in 3 days.", ContentUnavailable),
        ("Sign in to confirm you’re not a bot." + LOGIN_HINT, PlatformUnavailable),
        ("Video unavailable. YouTube is requiring a captcha challenge before playback", PlatformUnavailable),
        ("All player responses are invalid. Your IP is likely being blocked by Youtube", PlatformUnavailable),
        ("Something YouTube has never said before", PlatformUnavailable),
    ],
)
def test_ytdlp_extractor_messages_map_to_domain_errors(
    extractor_raises: Callable[[Callable[[Any], None]], None], message: str, expected: type[DomainError]
) -> None:
    def fail(ie: Any) -> None:
        raise ExtractorError(message, expected=True)

    extractor_raises(fail)

    with pytest.raises(expected) as raised:
        YtDlpReader().read_content(youtube())

    assert isinstance(raised.value.__cause__, DownloadError)  # went through YoutubeDL's own wrapping
    assert "--cookies" not in str(raised.value.params)  # yt-dlp's command-line advice is cut


def test_ytdlp_rate_limit_message_asks_for_an_hour(extractor_raises: Callable[[Callable[[Any], None]], None]) -> None:
    def fail(ie: Any) -> None:
        raise ExtractorError(
            "This content isn't available, try again later. The current session has been rate-limited by YouTube "
            "for up to an hour. It is recommended to use `-t sleep` to add a delay between video requests",
            expected=True,
        )

    extractor_raises(fail)

    with pytest.raises(PlatformUnavailable) as raised:
        YtDlpReader().read_content(youtube())

    assert raised.value.retry_after_s == 3600.0


def test_ytdlp_region_lock_is_content_unavailable(extractor_raises: Callable[[Callable[[Any], None]], None]) -> None:
    extractor_raises(
        lambda ie: ie.raise_geo_restricted("The uploader has not made this video available in your country", ["FR"])
    )

    with pytest.raises(ContentUnavailable):
        YtDlpReader().read_content(youtube())


def http_error(status: int, **headers: str) -> HTTPError:
    return HTTPError(Response(io.BytesIO(b""), f"https://www.youtube.com/watch?v={VIDEO}", headers, status=status))


@pytest.mark.parametrize(
    ("network_error", "expected", "retry_after_s"),
    [
        (lambda: http_error(429, **{"Retry-After": "120"}), PlatformUnavailable, 120.0),
        (lambda: http_error(503), PlatformUnavailable, None),
        (lambda: http_error(500), PlatformUnavailable, None),
        (lambda: http_error(404), ContentUnavailable, None),
        (lambda: TransportError(cause=TimeoutError("timed out")), PlatformUnavailable, None),
        (lambda: TransportError(cause=ConnectionRefusedError(111, "Connection refused")), PlatformUnavailable, None),
    ],
    ids=["429", "503", "500", "404", "timeout", "refused"],
)
def test_ytdlp_network_errors_map_to_domain_errors(
    monkeypatch: pytest.MonkeyPatch,
    extractor_raises: Callable[[Callable[[Any], None]], None],
    network_error: Callable[[], Exception],
    expected: type[Exception],
    retry_after_s: float | None,
) -> None:
    def refuse(self: Any, req: Any) -> None:
        raise network_error()

    monkeypatch.setattr(yt_dlp.YoutubeDL, "urlopen", refuse)
    # The extractor's own download helper wraps the network error as yt-dlp does in production.
    extractor_raises(lambda ie: ie._download_webpage(f"https://www.youtube.com/watch?v={VIDEO}", VIDEO))

    with pytest.raises(expected) as raised:
        YtDlpReader().read_content(youtube())

    if isinstance(raised.value, PlatformUnavailable):
        assert raised.value.retry_after_s == retry_after_s


def test_ytdlp_download_error_from_extract_info_is_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    cause = ExtractorError("Private video. Sign in if you've been granted access to this video.", expected=True)

    def extract_info(self: Any, url: str, **kwargs: Any) -> None:
        raise DownloadError(f"ERROR: [youtube] {VIDEO}: {cause.orig_msg}", (ExtractorError, cause, None))

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)

    with pytest.raises(ContentUnavailable) as raised:
        YtDlpReader().read_content(youtube())

    assert (
        raised.value.params["detail"]
        == f"[youtube] {VIDEO}: Private video. Sign in if you've been granted access to this video."
    )


# --- the classification on its own --------------------------------------------------------------


def test_an_unrecognised_message_is_not_now_never_gone() -> None:
    error = ytdlp_error(ExtractorError("The platform changed something", expected=True), youtube())

    assert isinstance(error, PlatformUnavailable)
    assert error.params["platform"] == "YouTube"
    assert error.retry_after_s is None


def test_a_not_now_phrase_wins_over_a_gone_phrase_in_the_same_message() -> None:
    message = "Video unavailable. This content isn't available, try again later"

    assert isinstance(ytdlp_error(ExtractorError(message, expected=True), youtube()), PlatformUnavailable)


def test_http_410_behind_a_chain_of_causes_is_content_unavailable() -> None:
    gone = HTTPError(Response(io.BytesIO(b""), "https://www.youtube.com/", {}, status=410))
    outer = ExtractorError("Unable to download webpage", cause=gone)
    wrapped = DownloadError("ERROR: Unable to download webpage", (ExtractorError, outer, None))

    assert isinstance(ytdlp_error(wrapped, youtube()), ContentUnavailable)


def test_an_os_level_connection_failure_is_not_now() -> None:
    assert isinstance(ytdlp_error(ConnectionResetError(104, "reset"), youtube()), PlatformUnavailable)


def test_the_detail_is_one_short_line_without_ytdlps_advice() -> None:
    message = "ERROR: [youtube] abc: Private   video.\n Use --cookies for the authentication. " + "x" * 400
    error = ytdlp_error(ExtractorError(message, expected=True), youtube())

    assert error.params["detail"] == "[youtube] abc: Private video."
    assert len(str(ytdlp_error(ExtractorError("y" * 1000), youtube()).params["detail"])) == 300
