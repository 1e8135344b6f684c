"""Fakes of the ports that reach outside the process: time and platforms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tgexchange.domain.content import ContentInfo, ContentKind, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import ContentUnavailable
from tgexchange.domain.quality import ContentTopic
from tgexchange.services.ports import DeliveryOutcome, Notice, QualityVerdict

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@dataclass
class _Content:
    info: ContentInfo
    comments: list[PublicComment] = field(default_factory=list)


class FakePlatform:
    """ContentReader and CommentReader over in-memory content; records every call and can be told
    to fail the next calls with a given error."""

    def __init__(self) -> None:
        self._content: dict[tuple[Platform, str], _Content] = {}
        self.calls: list[tuple[str, str]] = []
        self._failures: list[Exception] = []
        self._seq = 0

    def publish(
        self,
        *,
        channel_id: str,
        platform: Platform = Platform.YOUTUBE,
        content_id: str | None = None,
        title: str = "A video",
        description: str | None = None,
    ) -> ContentRef:
        self._seq += 1
        content_id = content_id or f"vid{self._seq:08d}"
        kind = ContentKind.VIDEO if platform is Platform.YOUTUBE else ContentKind.POST
        ref = ContentRef(platform, kind, content_id, f"https://{platform.value}.example/{content_id}")
        self._content[(platform, content_id)] = _Content(
            ContentInfo(
                ref=ref,
                title=title,
                channel_id=channel_id,
                channel_name=f"name of {channel_id}",
                description=description,
            )
        )
        return ref

    def comment(
        self, ref: ContentRef, *, author_channel_id: str, text: str, at: datetime, estimate: bool = False
    ) -> PublicComment:
        self._seq += 1
        comment = PublicComment(f"c{self._seq}", author_channel_id, text, at, posted_at_is_estimate=estimate)
        self._content[(ref.platform, ref.content_id)].comments.append(comment)
        return comment

    def fail_next(self, *errors: Exception) -> None:
        """The next reads raise these: platform errors, or any exception for a pass that dies."""
        self._failures.extend(errors)

    def _get(self, ref: ContentRef) -> _Content:
        if self._failures:
            raise self._failures.pop(0)
        content = self._content.get((ref.platform, ref.content_id))
        if content is None:
            raise ContentUnavailable(ref.url)
        return content

    def read_content(self, ref: ContentRef, *, fresh: bool = False) -> ContentInfo:
        self.calls.append(("read_content", ref.content_id))
        return self._get(ref).info

    def read_comments(self, ref: ContentRef, *, limit: int, fresh: bool = False) -> Sequence[PublicComment]:
        self.calls.append(("read_comments", ref.content_id))
        return list(reversed(self._get(ref).comments))[:limit]


class FakeQualityGate:
    """A few obvious rules, so verification tests control outcomes by the text they post."""

    def __init__(self) -> None:
        self.assessed: list[str] = []
        self.topics: list[ContentTopic | None] = []
        self.content_ids: list[str | None] = []

    def assess(
        self,
        text: str,
        *,
        min_words: int,
        earlier: Sequence[str] = (),
        content: ContentTopic | None = None,
        content_id: str | None = None,
    ) -> QualityVerdict:
        """``off_topic`` when a topic is given and the text shares no word with its title. Links
        are not read, so ``content_id`` is only remembered (tests check that services pass it)."""
        self.assessed.append(text)
        self.topics.append(content)
        self.content_ids.append(content_id)
        words = len(text.split())
        rule = None
        if "http" in text or "sub4sub" in text:
            rule = "self_promotion"
        elif words < min_words:
            rule = "too_short"
        elif text in earlier:
            rule = "near_copy"
        elif content is not None and not set(text.lower().split()) & set(content.title.lower().split()):
            rule = "off_topic"
        return QualityVerdict(rule is None, rule, {"words": float(words)})

    def assess_many(
        self,
        texts: Sequence[str],
        *,
        min_words: int,
        earlier: Sequence[Sequence[str]] | None = None,
        content: Sequence[ContentTopic | None] | None = None,
        content_ids: Sequence[str | None] | None = None,
    ) -> list[QualityVerdict]:
        return [
            self.assess(
                text,
                min_words=min_words,
                earlier=earlier[i] if earlier else (),
                content=content[i] if content else None,
                content_id=content_ids[i] if content_ids else None,
            )
            for i, text in enumerate(texts)
        ]


class RecordingNotifier:
    """The Notifier port, remembering what it delivered; ``outcomes`` scripts the answers (then
    every notice is sent)."""

    def __init__(self, outcomes: Sequence[DeliveryOutcome] = ()) -> None:
        self.notices: list[Notice] = []
        self.outcomes = list(outcomes)

    def deliver(self, notice: Notice) -> DeliveryOutcome:
        outcome = self.outcomes.pop(0) if self.outcomes else DeliveryOutcome.SENT
        if outcome is DeliveryOutcome.SENT:
            self.notices.append(notice)
        return outcome

    def kinds_for(self, member_id: int) -> list[str]:
        return [n.kind for n in self.notices if n.member_id == member_id]


class RecordingQueue:
    """The VerificationQueue port, remembering what was asked."""

    def __init__(self) -> None:
        self.enqueued: list[tuple[int, float]] = []
        self.after_crash: list[int] = []

    def enqueue_verification(self, submission_id: int, *, delay_s: float = 0.0, after_crash: bool = False) -> None:
        self.enqueued.append((submission_id, delay_s))
        if after_crash:
            self.after_crash.append(submission_id)

    @property
    def submission_ids(self) -> list[int]:
        return [submission_id for submission_id, _ in self.enqueued]
