"""Platform readers against recorded data: yt-dlp's own processing, the YouTube Data API over a
mock transport, and the factory. No test reaches the network. What yt-dlp's errors mean is in
``test_read_errors.py``."""

from __future__ import annotations

import json
import shutil
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yt_dlp
from yt_dlp.networking import Request
from yt_dlp.networking.impersonate import ImpersonateTarget
from yt_dlp.utils import ExtractorError

from tests.fakes import FakeClock
from tgexchange.adapters.platforms.factory import PlatformDispatcher, build_platform_readers
from tgexchange.adapters.platforms.politeness import PoliteReader
from tgexchange.adapters.platforms.read_errors import ytdlp_error
from tgexchange.adapters.platforms.recorded import RecordedReader
from tgexchange.adapters.platforms.youtube_api import REDACTED, YouTubeApiReader, iso8601_duration_s
from tgexchange.adapters.platforms.ytdlp import CHALLENGE_REFUSED, ReadOnlyYoutubeDL, YtDlpReader, build_ytdlp_params
from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "platforms"
API = FIXTURES / "youtube-api"
RECORDED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
CHANNEL = "UCq3Zr8bW1xYtL0vHn5sKp2A"
VIDEO = "Xk3mRv9TqLw"
NO_COMMENTS = "pW4nZc7Hs2E"
TIKTOK_ID = "7702518329237083111"
INSTAGRAM_CODE = "DQx7Kp2sAbC"
KEY = "AIzaSyD-synthetic-test-key-0123456789ab"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real connection attempt fails the test that made it."""

    def refuse(self: socket.socket, *args: object) -> None:
        raise AssertionError(f"a test tried to open a network connection to {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def test_the_network_guard_refuses_real_connections() -> None:
    with socket.socket() as sock, pytest.raises(AssertionError, match="network connection"):
        sock.connect(("127.0.0.1", 9))


def youtube(video_id: str = VIDEO, kind: ContentKind = ContentKind.VIDEO) -> ContentRef:
    return ContentRef(Platform.YOUTUBE, kind, video_id, f"https://www.youtube.com/watch?v={video_id}")


TIKTOK = ContentRef(
    Platform.TIKTOK, ContentKind.VIDEO, TIKTOK_ID, f"https://www.tiktok.com/@maralindqvist/video/{TIKTOK_ID}"
)
INSTAGRAM = ContentRef(
    Platform.INSTAGRAM, ContentKind.REEL, INSTAGRAM_CODE, f"https://www.instagram.com/reel/{INSTAGRAM_CODE}/"
)


def recorded_info(platform: str, content_id: str) -> dict[str, Any]:
    info: dict[str, Any] = json.loads((FIXTURES / platform / f"{content_id}.info.json").read_text(encoding="utf-8"))
    return info


# --- recorded yt-dlp info dicts, through yt-dlp's own processing --------------------------------


@pytest.fixture
def recorded() -> RecordedReader:
    return RecordedReader(FIXTURES)


def test_recorded_youtube_video_maps_to_content_info(recorded: RecordedReader) -> None:
    info = recorded.read_content(youtube())

    assert info.ref == youtube()
    assert info.title == "One lamp, three looks: product photos on a zero budget"
    assert (info.channel_id, info.channel_name) == (CHANNEL, "Mara Lindqvist Studio")
    assert (info.duration_s, info.view_count, info.like_count) == (452, 12873, 934)
    assert info.comment_count == 30  # what yt-dlp extracted, not the page's total
    assert info.uploaded_at == datetime(2026, 10, 11, 19, 0, tzinfo=UTC)
    assert info.description is not None
    assert info.description.startswith("Everything in this video is shot with one desk lamp")


def test_recorded_comments_come_newest_first(recorded: RecordedReader) -> None:
    comments = recorded.read_comments(youtube(), limit=100)

    assert len(comments) == 30
    times = [comment.posted_at for comment in comments]
    assert times == sorted(times, reverse=True)
    assert comments[0].author_name == "@ohnoitsbea"
    assert comments[0].posted_at == datetime(2026, 11, 2, 9, 16, tzinfo=UTC)  # "14 minutes ago"


def test_recorded_comments_respect_the_limit(recorded: RecordedReader) -> None:
    everything = recorded.read_comments(youtube(), limit=100)

    newest = recorded.read_comments(youtube(), limit=5)

    assert [comment.comment_id for comment in newest] == [comment.comment_id for comment in everything[:5]]
    assert recorded.read_comments(youtube(), limit=0) == []


def test_recorded_comment_times_are_marked_as_estimates(recorded: RecordedReader) -> None:
    comments = recorded.read_comments(youtube(), limit=100)

    assert all(comment.posted_at_is_estimate for comment in comments)


def test_recorded_replies_are_marked_and_keep_their_authors(recorded: RecordedReader) -> None:
    comments = recorded.read_comments(youtube(), limit=100)

    replies = [comment for comment in comments if comment.is_reply]
    assert len(replies) == 10
    assert all("." in reply.comment_id for reply in replies)  # "<parent id>.<reply id>"
    assert any(reply.author_channel_id == CHANNEL for reply in replies)  # the uploader answers
    assert len({comment.author_channel_id for comment in comments}) == 8


def test_a_pinned_old_comment_sorts_by_its_time_not_its_pin(recorded: RecordedReader) -> None:
    pinned_id = recorded_info("youtube", VIDEO)["comments"][0]["id"]

    comments = recorded.read_comments(youtube(), limit=100)

    position = [comment.comment_id for comment in comments].index(pinned_id)
    assert position > 20
    assert comments[position].posted_at == datetime(2026, 10, 12, tzinfo=UTC)  # "3 weeks ago"


def test_the_uploaders_proof_comment_is_attributed_to_the_videos_channel(recorded: RecordedReader) -> None:
    info = recorded.read_content(youtube())

    comments = recorded.read_comments(youtube(), limit=100)

    assert any(c.author_channel_id == info.channel_id and "TGX-9HW3PK" in c.text for c in comments)


def test_recorded_video_with_comments_off_has_no_comments_and_no_count(recorded: RecordedReader) -> None:
    info = recorded.read_content(youtube(NO_COMMENTS))

    assert info.comment_count is None
    assert recorded.read_comments(youtube(NO_COMMENTS), limit=50) == []


def test_recorded_tiktok_names_its_sec_uid_channel_and_lists_no_comments(recorded: RecordedReader) -> None:
    info = recorded.read_content(TIKTOK)

    assert info.channel_id.startswith("MS4wLjABAAAA")
    assert info.channel_name == "Mara Lindqvist"
    assert info.title.endswith("...")  # yt-dlp cuts the caption to 72 characters for the title
    assert info.description is not None
    assert "TGX-7KQ2MD" in info.description
    assert (info.duration_s, info.comment_count) == (34, 141)
    assert info.uploaded_at == datetime(2026, 10, 30, 17, 45, tzinfo=UTC)
    assert recorded.read_comments(TIKTOK, limit=50) == []


def test_recorded_instagram_uses_the_account_id_and_never_reads_comments(recorded: RecordedReader) -> None:
    assert recorded_info("instagram", INSTAGRAM_CODE)["comments"]  # the recording holds some

    info = recorded.read_content(INSTAGRAM)

    assert (info.channel_id, info.channel_name) == ("51928374610", "maralindqvist")
    assert (info.duration_s, info.view_count, info.like_count) == (27, None, 912)
    assert recorded.read_comments(INSTAGRAM, limit=50) == []


def test_a_missing_recording_is_content_unavailable(recorded: RecordedReader) -> None:
    with pytest.raises(ContentUnavailable):
        recorded.read_content(youtube("zzzzzzzzzzz"))
    with pytest.raises(ContentUnavailable):
        recorded.read_comments(youtube("zzzzzzzzzzz"), limit=10)


def test_a_recording_id_cannot_climb_out_of_the_directory(tmp_path: Path) -> None:
    (tmp_path / "youtube").mkdir()
    shutil.copy(FIXTURES / "youtube" / f"{VIDEO}.info.json", tmp_path / f"{VIDEO}.info.json")
    reader = RecordedReader(tmp_path / "youtube")

    with pytest.raises(ContentUnavailable):
        reader.read_content(youtube(f"../{VIDEO}"))


def test_the_recorded_reader_runs_ytdlps_own_processing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An extractor-level dict, as YoutubeIE returns it: no fulltitle, no upload_date yet.
    raw = {
        "id": "aaaaaaaaaaa",
        "title": "Raw",
        "channel_id": CHANNEL,
        "timestamp": 1793000000,
        "formats": [{"format_id": "18", "url": "https://example.invalid/v.mp4", "ext": "mp4"}],
        "extractor": "youtube",
        "extractor_key": "Youtube",
        "webpage_url": "https://www.youtube.com/watch?v=aaaaaaaaaaa",
    }
    (tmp_path / "youtube").mkdir()
    (tmp_path / "youtube" / "aaaaaaaaaaa.info.json").write_text(json.dumps(raw), encoding="utf-8")
    processed: list[dict[str, Any]] = []
    original = yt_dlp.YoutubeDL.process_ie_result

    def spy(self: yt_dlp.YoutubeDL, info: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        result = original(self, info, *args, **kwargs)
        processed.append(result)
        return result

    monkeypatch.setattr(yt_dlp.YoutubeDL, "process_ie_result", spy)

    info = RecordedReader(tmp_path).read_content(youtube("aaaaaaaaaaa"))

    assert info.uploaded_at == datetime.fromtimestamp(1793000000, UTC)
    assert processed[0]["fulltitle"] == "Raw"
    assert processed[0]["upload_date"] == "20261026"  # filled in by YoutubeDL._fill_common_fields


def test_a_recording_without_formats_is_still_read(tmp_path: Path) -> None:
    info = recorded_info("youtube", VIDEO)
    del info["formats"]
    (tmp_path / "youtube").mkdir()
    (tmp_path / "youtube" / f"{VIDEO}.info.json").write_text(json.dumps(info), encoding="utf-8")

    assert RecordedReader(tmp_path).read_content(youtube()).channel_id == CHANNEL


def test_a_recording_that_would_need_extraction_is_refused_offline(tmp_path: Path) -> None:
    (tmp_path / "youtube").mkdir()
    link = {"_type": "url", "url": "https://www.youtube.com/watch?v=bbbbbbbbbbb", "ie_key": "Youtube"}
    (tmp_path / "youtube" / "bbbbbbbbbbb.info.json").write_text(json.dumps(link), encoding="utf-8")
    info = recorded_info("youtube", VIDEO)
    info["additional_urls"] = ["https://www.youtube.com/watch?v=ccccccccccc"]
    (tmp_path / "youtube" / f"{VIDEO}.info.json").write_text(json.dumps(info), encoding="utf-8")
    reader = RecordedReader(tmp_path)

    with pytest.raises(ContentUnavailable):
        reader.read_content(youtube("bbbbbbbbbbb"))
    assert reader.read_content(youtube()).channel_id == CHANNEL  # additional_urls are not followed


# --- YouTube Data API v3 over httpx.MockTransport ------------------------------------------------


@dataclass
class ApiReplay:
    """Answers like the API from the recorded JSON; records every request."""

    routes: dict[tuple[str, str, str | None], tuple[int, str, dict[str, str]]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def answer(
        self, resource: str, target: str, *, status: int, file: str, page: str | None = None, **headers: str
    ) -> None:
        self.routes[(resource, target, page)] = (status, file, headers)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        resource = request.url.path.rsplit("/", 1)[-1]
        target = request.url.params.get("id") or request.url.params.get("videoId") or ""
        route = self.routes.get((resource, target, request.url.params.get("pageToken")))
        if route is None:
            return httpx.Response(500, json={"error": {"code": 500, "message": "no route in the test"}})
        status, file, headers = route
        return httpx.Response(
            status, content=(API / file).read_bytes(), headers={**headers, "Content-Type": "application/json"}
        )


def page_token() -> str:
    token: str = json.loads((API / "commentThreads.list" / f"{VIDEO}.json").read_text())["nextPageToken"]
    return token


@pytest.fixture
def replay() -> ApiReplay:
    replay = ApiReplay()
    replay.answer("videos", VIDEO, status=200, file=f"videos.list/{VIDEO}.json")
    replay.answer("videos", NO_COMMENTS, status=200, file=f"videos.list/{NO_COMMENTS}.json")
    replay.answer("videos", "zzzzzzzzzzz", status=200, file="videos.list/empty.json")
    replay.answer("commentThreads", VIDEO, status=200, file=f"commentThreads.list/{VIDEO}.json")
    replay.answer(
        "commentThreads", VIDEO, status=200, file=f"commentThreads.list/{VIDEO}.page2.json", page=page_token()
    )
    replay.answer("commentThreads", NO_COMMENTS, status=403, file="errors/commentsDisabled.json")
    replay.answer("commentThreads", "zzzzzzzzzzz", status=404, file="errors/videoNotFound.json")
    return replay


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(RECORDED_AT)


def api_reader(replay: ApiReplay, clock: FakeClock) -> YouTubeApiReader:
    return YouTubeApiReader(KEY, httpx.Client(transport=httpx.MockTransport(replay.handler)), clock=clock)


def test_api_video_maps_to_content_info(replay: ApiReplay, clock: FakeClock) -> None:
    info = api_reader(replay, clock).read_content(youtube())

    assert (info.title, info.channel_id) == ("One lamp, three looks: product photos on a zero budget", CHANNEL)
    assert info.channel_name == "Mara Lindqvist Studio"
    assert info.duration_s == 452  # PT7M32S
    assert (info.view_count, info.like_count, info.comment_count) == (12873, 934, 160)
    assert info.uploaded_at == datetime(2026, 10, 11, 19, 0, tzinfo=UTC)


def test_api_video_with_comments_off_has_no_comment_count(replay: ApiReplay, clock: FakeClock) -> None:
    assert api_reader(replay, clock).read_content(youtube(NO_COMMENTS)).comment_count is None


def test_api_requests_carry_the_documented_parameters_and_keep_the_key_out_of_urls(
    replay: ApiReplay, clock: FakeClock
) -> None:
    reader = api_reader(replay, clock)

    reader.read_content(youtube())
    reader.read_comments(youtube(), limit=10)

    videos, threads = replay.requests
    assert dict(videos.url.params) == {"part": "snippet,statistics,contentDetails", "id": VIDEO}
    assert dict(threads.url.params) == {
        "part": "snippet",
        "videoId": VIDEO,
        "order": "time",
        "maxResults": "100",
        "textFormat": "plainText",
    }
    assert all(KEY not in str(request.url) for request in replay.requests)
    assert all(request.headers["X-Goog-Api-Key"] == KEY for request in replay.requests)


def test_api_comments_page_until_the_limit_is_met(replay: ApiReplay, clock: FakeClock) -> None:
    comments = api_reader(replay, clock).read_comments(youtube(), limit=150)

    assert len(comments) == 128  # 100 + 28: the second page has no nextPageToken
    assert [request.url.params.get("pageToken") for request in replay.requests] == [None, page_token()]
    times = [comment.posted_at for comment in comments]
    assert times == sorted(times, reverse=True)


def test_api_comments_stop_paging_once_the_limit_is_met(replay: ApiReplay, clock: FakeClock) -> None:
    comments = api_reader(replay, clock).read_comments(youtube(), limit=40)

    assert len(comments) == 40
    assert len(replay.requests) == 1


def test_api_comment_times_are_exact(replay: ApiReplay, clock: FakeClock) -> None:
    newest = api_reader(replay, clock).read_comments(youtube(), limit=1)[0]

    assert newest.posted_at == datetime(2026, 11, 2, 9, 15, 45, tzinfo=UTC)
    assert newest.posted_at_is_estimate is False
    assert (newest.author_channel_id, newest.author_name) == ("UCt6Gf3dS8aQ1wE4rT7yU2iO", "@ohnoitsbea")
    assert newest.is_reply is False


def test_api_and_ytdlp_see_the_same_top_level_comments(
    replay: ApiReplay, clock: FakeClock, recorded: RecordedReader
) -> None:
    by_api = {comment.comment_id for comment in api_reader(replay, clock).read_comments(youtube(), limit=200)}

    by_ytdlp = {c.comment_id for c in recorded.read_comments(youtube(), limit=100) if not c.is_reply}

    assert by_ytdlp <= by_api


def test_ytdlp_estimates_stay_within_a_day_of_the_apis_exact_times(
    replay: ApiReplay, clock: FakeClock, recorded: RecordedReader
) -> None:
    exact = {c.comment_id: c.posted_at for c in api_reader(replay, clock).read_comments(youtube(), limit=200)}

    estimated = [c for c in recorded.read_comments(youtube(), limit=100) if c.comment_id in exact]

    errors = [abs(c.posted_at - exact[c.comment_id]) for c in estimated]
    assert len(errors) == 20
    assert max(errors) < timedelta(days=1)  # why verification compares estimates with a margin
    assert max(errors) > timedelta(hours=1)  # and why it needs one


def test_api_comments_turned_off_give_an_empty_list(replay: ApiReplay, clock: FakeClock) -> None:
    assert api_reader(replay, clock).read_comments(youtube(NO_COMMENTS), limit=50) == []


def test_api_unknown_video_is_content_unavailable(replay: ApiReplay, clock: FakeClock) -> None:
    reader = api_reader(replay, clock)

    with pytest.raises(ContentUnavailable):
        reader.read_content(youtube("zzzzzzzzzzz"))  # 200 with no items
    with pytest.raises(ContentUnavailable):
        reader.read_comments(youtube("zzzzzzzzzzz"), limit=10)  # 404 videoNotFound


def test_api_quota_exceeded_waits_until_midnight_pacific(replay: ApiReplay, clock: FakeClock) -> None:
    replay.answer("videos", VIDEO, status=403, file="errors/quotaExceeded.json")

    with pytest.raises(PlatformUnavailable) as raised:
        api_reader(replay, clock).read_content(youtube())

    # 09:30 UTC on 2 November 2026 is 01:30 PST; the quota resets at 08:00 UTC on the 3rd.
    assert raised.value.retry_after_s == 22.5 * 3600
    assert "quotaExceeded" in str(raised.value.params["detail"])


def test_api_rate_limit_waits_as_long_as_the_api_asks(clock: FakeClock) -> None:
    body = {"error": {"code": 403, "message": "Rate limit.", "errors": [{"reason": "rateLimitExceeded"}]}}
    client = httpx.Client(
        transport=httpx.MockTransport(lambda _: httpx.Response(403, json=body, headers={"Retry-After": "30"}))
    )

    with pytest.raises(PlatformUnavailable) as raised:
        YouTubeApiReader(KEY, client, clock=clock).read_comments(youtube(), limit=10)

    assert raised.value.retry_after_s == 30.0


@pytest.mark.parametrize(
    "transport",
    [
        httpx.MockTransport(lambda _: httpx.Response(503, text="Service Unavailable")),
        httpx.MockTransport(lambda _: httpx.Response(429, json={"error": {"code": 429, "message": "slow down"}})),
        httpx.MockTransport(lambda request: (_ for _ in ()).throw(httpx.ConnectTimeout("timed out", request=request))),
        httpx.MockTransport(lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request))),
    ],
    ids=["503", "429", "timeout", "refused"],
)
def test_api_outages_are_platform_unavailable(transport: httpx.MockTransport, clock: FakeClock) -> None:
    reader = YouTubeApiReader(KEY, httpx.Client(transport=transport), clock=clock)

    with pytest.raises(PlatformUnavailable):
        reader.read_content(youtube())
    with pytest.raises(PlatformUnavailable):
        reader.read_comments(youtube(), limit=10)


def test_api_key_never_appears_in_an_error(clock: FakeClock) -> None:
    body = {"error": {"code": 400, "message": f"API key {KEY} not valid.", "errors": [{"reason": "keyInvalid"}]}}
    echoing = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(400, json=body)))

    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"read timed out for key={KEY}", request=request)

    failing = httpx.Client(transport=httpx.MockTransport(fail))

    for client in (echoing, failing):
        with pytest.raises(PlatformUnavailable) as raised:
            YouTubeApiReader(KEY, client, clock=clock).read_content(youtube())
        error = raised.value
        assert KEY not in f"{error} {error.params}"
        assert error.__cause__ is None  # the original exception, which knows the request, stays behind
        assert REDACTED in str(error.params["detail"])


def test_api_reader_reads_youtube_only(replay: ApiReplay, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="YouTube only"):
        api_reader(replay, clock).read_content(TIKTOK)
    assert replay.requests == []


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [
        ("PT7M32S", 452),
        ("PT45S", 45),
        ("PT1H", 3600),
        ("PT1H2M3S", 3723),
        ("P1DT2H", 93600),
        ("PT12.6S", 13),
        ("P0D", None),  # live streams and premieres
        ("PT0S", None),
        ("P1M", None),  # months have no fixed length: unknown, not guessed
        ("PT", None),
        ("7:32", None),
        (None, None),
    ],
)
def test_iso8601_durations_parse_to_whole_seconds(duration: str | None, seconds: int | None) -> None:
    assert iso8601_duration_s(duration) == seconds


# --- YtDlpReader: parameters, errors, read-only guarantees --------------------------------------

# Every YoutubeDL option that carries an account, a browser session, a client identity or a
# detour (yt-dlp's YoutubeDL docstring: username, videopassword, ap_*, usenetrc, netrc_*,
# cookiefile, cookiesfrombrowser, impersonate, geo_verification_proxy, client_certificate*, ...).
FORBIDDEN_PARAM_WORDS = (
    "cookie",
    "login",
    "username",
    "password",
    "twofactor",
    "netrc",
    "ap_mso",
    "impersonat",
    "proxy",
    "client_certificate",
)


@pytest.mark.parametrize("comments_limit", [None, 1, 50, 500])
def test_ytdlp_params_always_skip_downloads_and_never_carry_credentials(comments_limit: int | None) -> None:
    params = build_ytdlp_params(comments_limit=comments_limit)

    assert params["skip_download"] is True
    assert params["noplaylist"] is True
    assert params["quiet"] is True
    assert params["no_warnings"] is True
    assert params["socket_timeout"] > 0
    assert params["geo_bypass"] is False  # no faked X-Forwarded-For
    assert params["check_formats"] is False
    # The one proxy-named key is the empty string, yt-dlp's "connect directly, ignore HTTP(S)_PROXY".
    assert params.pop("proxy") == ""
    offending = [key for key in params if any(word in key.lower() for word in FORBIDDEN_PARAM_WORDS)]
    assert offending == []


def test_ytdlp_content_params_request_no_comments() -> None:
    params = build_ytdlp_params()

    assert "getcomments" not in params
    assert "extractor_args" not in params


def test_ytdlp_comment_params_are_bounded_by_the_limit_and_sorted_newest_first() -> None:
    params = build_ytdlp_params(comments_limit=25)

    assert params["getcomments"] is True
    youtube_args = params["extractor_args"]["youtube"]
    assert youtube_args["max_comments"][0] == "25"
    assert youtube_args["comment_sort"] == ["new"]
    assert all(isinstance(value, str) for values in youtube_args.values() for value in values)


def test_ytdlp_never_has_an_impersonation_target() -> None:
    with ReadOnlyYoutubeDL(build_ytdlp_params()) as ydl:
        available, requested = ydl._parse_impersonate_targets(True)

    assert available is None
    assert requested  # the extractor's wish is seen, and refused


def test_ytdlp_requests_lose_any_impersonation_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[Request] = []
    monkeypatch.setattr(yt_dlp.YoutubeDL, "urlopen", lambda self, req: sent.append(req))
    request = Request("https://www.tiktok.com/@x/video/1", extensions={"impersonate": ImpersonateTarget("chrome")})

    with ReadOnlyYoutubeDL(build_ytdlp_params()) as ydl:
        ydl.urlopen(request)

    assert "impersonate" not in sent[0].extensions


def test_ytdlps_tiktok_extractor_sends_no_junk_headers_and_solves_no_challenge() -> None:
    with ReadOnlyYoutubeDL(build_ytdlp_params()) as ydl:
        tiktok = ydl.get_info_extractor("TikTok")

        assert tiktok._generate_blockbuster_headers() == {}
        with pytest.raises(ExtractorError) as raised:
            tiktok._solve_challenge_and_set_cookies("<html><div id='cs' class='e30='></div></html>")

    assert CHALLENGE_REFUSED in str(raised.value)
    assert isinstance(ytdlp_error(raised.value, TIKTOK), PlatformUnavailable)


def test_ytdlp_never_expands_a_channel_link(monkeypatch: pytest.MonkeyPatch) -> None:
    def extract_info(self: Any, url: str, **kwargs: Any) -> None:
        raise AssertionError(f"yt-dlp was asked for {url}")

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    channel = ContentRef(Platform.YOUTUBE, ContentKind.CHANNEL, CHANNEL, f"https://www.youtube.com/channel/{CHANNEL}")

    with pytest.raises(ContentUnavailable):
        YtDlpReader().read_content(channel)


@pytest.fixture
def extract_info_replays(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """YoutubeDL.extract_info answers with the processed recording; records url, kwargs and params."""
    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def extract_info(self: Any, url: str, **kwargs: Any) -> dict[str, Any]:
        calls.append((url, kwargs, dict(self.params)))
        platform = {"Youtube": "youtube", "TikTok": "tiktok", "Instagram": "instagram"}[kwargs["ie_key"]]
        content_id = url.rstrip("/").rsplit("/", 1)[-1].rsplit("=", 1)[-1]
        return recorded_info(platform, content_id)

    monkeypatch.setattr(yt_dlp.YoutubeDL, "extract_info", extract_info)
    return calls


def test_ytdlp_reader_reads_comments_with_bounded_params(
    extract_info_replays: list[tuple[str, dict[str, Any], dict[str, Any]]],
) -> None:
    comments = YtDlpReader().read_comments(youtube(), limit=12)

    assert len(comments) == 12
    assert all(comment.posted_at_is_estimate for comment in comments)
    ((url, kwargs, params),) = extract_info_replays
    assert (url, kwargs) == (f"https://www.youtube.com/watch?v={VIDEO}", {"download": False, "ie_key": "Youtube"})
    assert params["getcomments"] is True
    assert params["extractor_args"]["youtube"]["max_comments"][0] == "12"


def test_ytdlp_reader_reads_tiktok_photo_posts_through_the_video_address(
    extract_info_replays: list[tuple[str, dict[str, Any], dict[str, Any]]],
) -> None:
    photo = ContentRef(
        Platform.TIKTOK, ContentKind.POST, TIKTOK_ID, f"https://www.tiktok.com/@maralindqvist/photo/{TIKTOK_ID}"
    )

    info = YtDlpReader().read_content(photo)

    assert info.channel_id.startswith("MS4wLjABAAAA")
    assert extract_info_replays[0][0] == f"https://www.tiktok.com/@maralindqvist/video/{TIKTOK_ID}"
    assert "getcomments" not in extract_info_replays[0][2]


def test_ytdlp_reader_asks_nothing_for_comments_a_platform_does_not_list(
    extract_info_replays: list[tuple[str, dict[str, Any], dict[str, Any]]],
) -> None:
    assert YtDlpReader().read_comments(TIKTOK, limit=50) == []
    assert YtDlpReader().read_comments(INSTAGRAM, limit=50) == []
    assert extract_info_replays == []


# --- the factory ------------------------------------------------------------------------------


def test_factory_builds_polite_recorded_readers(clock: FakeClock) -> None:
    content, comments = build_platform_readers(f"recorded:{FIXTURES}", youtube_api_key=None, clock=clock)

    assert isinstance(content, PoliteReader)
    assert content is comments
    assert content.read_content(youtube()).channel_id == CHANNEL
    assert len(comments.read_comments(youtube(), limit=100)) == 30


def test_a_comment_list_is_kept_no_longer_than_asked(clock: FakeClock, tmp_path: Path) -> None:
    # A pass must see what the previous pass over the same video could not: the composition root
    # asks for no longer than the pacing between passes (VERIFY_MIN_INTERVAL_S).
    shutil.copytree(FIXTURES / "youtube", tmp_path / "youtube")
    _, comments = build_platform_readers(f"recorded:{tmp_path}", youtube_api_key=None, clock=clock, comments_ttl_s=5)
    assert len(comments.read_comments(youtube(), limit=100)) == 30
    (tmp_path / "youtube" / f"{VIDEO}.info.json").unlink()

    clock.advance(seconds=4)
    assert len(comments.read_comments(youtube(), limit=100)) == 30  # still the kept list
    clock.advance(seconds=2)
    with pytest.raises(ContentUnavailable):  # read again: the recording is gone
        comments.read_comments(youtube(), limit=100)


@pytest.mark.parametrize("source", ["", "LIVE", "recorded", "file:/tmp", "api"])
def test_factory_refuses_unknown_sources_naming_the_accepted_ones(source: str) -> None:
    with pytest.raises(ValueError, match=r"'live' or 'recorded:<directory>'"):
        build_platform_readers(source, youtube_api_key=None)


@pytest.mark.parametrize("source", ["recorded:", "recorded:/nonexistent/recordings"])
def test_factory_refuses_a_recording_directory_that_does_not_exist(source: str) -> None:
    with pytest.raises(ValueError, match="not a directory"):
        build_platform_readers(source, youtube_api_key=None)


def test_factory_live_prefers_the_youtube_api_when_a_key_is_set(
    replay: ApiReplay, clock: FakeClock, extract_info_replays: list[tuple[str, dict[str, Any], dict[str, Any]]]
) -> None:
    client = httpx.Client(transport=httpx.MockTransport(replay.handler))
    content, comments = build_platform_readers("live", youtube_api_key=KEY, client=client, clock=clock)

    assert content.read_content(youtube()).comment_count == 160  # the API's count
    assert comments.read_comments(youtube(), limit=5)[0].posted_at_is_estimate is False
    assert content.read_content(TIKTOK).channel_id.startswith("MS4wLjABAAAA")  # TikTok still via yt-dlp
    assert [call[1]["ie_key"] for call in extract_info_replays] == ["TikTok"]


def test_factory_live_without_a_key_reads_youtube_through_ytdlp(
    clock: FakeClock, extract_info_replays: list[tuple[str, dict[str, Any], dict[str, Any]]]
) -> None:
    content, _ = build_platform_readers("live", youtube_api_key=None, clock=clock)

    assert content.read_content(youtube()).comment_count == 30
    assert [call[1]["ie_key"] for call in extract_info_replays] == ["Youtube"]


def test_dispatcher_refuses_a_platform_it_has_no_reader_for(recorded: RecordedReader) -> None:
    dispatcher = PlatformDispatcher({Platform.YOUTUBE: recorded})

    assert dispatcher.read_content(youtube()).channel_id == CHANNEL
    with pytest.raises(ValueError, match="TikTok"):
        dispatcher.read_comments(TIKTOK, limit=5)
