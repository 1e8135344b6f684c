"""A community is one Telegram group running an exchange, with its settings and kill switch."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from tgexchange.domain.content import Platform
from tgexchange.domain.errors import CommunityNotPaused, CommunityPaused, ExchangePaused, InvalidSettings
from tgexchange.domain.languages import LANGUAGES
from tgexchange.domain.operations import ExchangePause
from tgexchange.domain.penalty import DEFAULT_LADDER, PenaltyKind, parse_ladder
from tgexchange.domain.stored import Stored

_WHOLE_NUMBER_FIELDS = (
    "credits_per_feedback",
    "min_words",
    "max_open_tasks_per_member",
    "welcome_credits",
    "max_feedback_per_submission",
    "default_feedback_per_submission",
    "penalty_cooldown_hours",
    "warning_expiry_days",
    "health_threshold_pct",
    "admission_cap_per_day",
)


@dataclass(frozen=True, slots=True)
class CommunitySettings:
    credits_per_feedback: int = 10
    min_words: int = 8
    allowed_platforms: frozenset[Platform] = frozenset(Platform)
    max_open_tasks_per_member: int = 3
    task_deadline: timedelta = timedelta(hours=48)
    welcome_credits: int = 30
    max_feedback_per_submission: int = 10
    default_feedback_per_submission: int = 3
    group_language: str | None = None
    """The language of what the bot posts in the group for everyone (a completion, a pause); None:
    the language of the person whose action it is."""
    match_by_reciprocity: bool = False
    """Matching prefers owners the reciprocity model expects to give back, and holds a new
    submission for givers who give back (domain.matching.is_held); off: the original factors only."""
    daily_report_hour: int | None = 9
    """The UTC hour at which admins get yesterday's report in private; None: no report."""
    credit_by_substance: bool = False
    """Verified feedback earns by its length and timeliness (``domain.credit``: 1×, 1.5×, 2×, half
    when late) and the escrow holds the 2× cap per feedback, the rest going back to the owner.
    Off by default: turning it on doubles what asking for feedback holds, so admins choose it."""
    # Fair play (issue 19 §3-4; defaults and why: docs/DESIGN-NOTES.md, "Fair play").
    penalty_ladder: tuple[PenaltyKind, ...] = DEFAULT_LADDER
    penalty_cooldown_hours: int = 24
    warning_expiry_days: int = 30
    health_threshold_pct: int = 30
    """Below this health (in hundredths) a member waits before requesting feedback; 0: never."""
    admission_cap_per_day: int = 0
    """New members per UTC day at most (anti-raid); 0: no cap."""
    check_relevance: bool = False
    """Feedback must be about the content it was written for (the ``off_topic`` quality rule, from
    the content's public metadata). Off by default: see docs/DESIGN-NOTES.md, "Relevance"."""

    def __post_init__(self) -> None:
        # Counts and credits are whole numbers (credits are never floats, and True is not 1).
        for name in _WHOLE_NUMBER_FIELDS:
            if type(getattr(self, name)) is not int:
                raise InvalidSettings(f"{name.replace('_', ' ')} must be a whole number")
        if type(self.match_by_reciprocity) is not bool:
            raise InvalidSettings("match by reciprocity must be on or off")
        if type(self.credit_by_substance) is not bool:
            raise InvalidSettings("credit by substance must be on or off")
        if type(self.check_relevance) is not bool:
            raise InvalidSettings("the relevance check must be on or off")
        if not isinstance(self.allowed_platforms, frozenset) or not all(
            isinstance(p, Platform) for p in self.allowed_platforms
        ):  # None here raised TypeError from len() below (found by bench/fuzz.py)
            raise InvalidSettings("allowed platforms must be a set of platforms")
        if not isinstance(self.task_deadline, timedelta):
            raise InvalidSettings("task deadline must be a duration")
        if self.daily_report_hour is not None and (
            type(self.daily_report_hour) is not int or not 0 <= self.daily_report_hour <= 23
        ):
            raise InvalidSettings("daily report hour must be a whole hour 0..23 (UTC), or none")
        if self.group_language is not None and self.group_language not in LANGUAGES:
            raise InvalidSettings(f"group language must be one of {', '.join(LANGUAGES)}")
        checks: list[tuple[bool, str]] = [
            (1 <= self.credits_per_feedback <= 10_000, "credits per feedback must be 1..10000"),
            (0 <= self.min_words <= 200, "minimum words must be 0..200"),
            (len(self.allowed_platforms) > 0, "at least one platform must be allowed"),
            (1 <= self.max_open_tasks_per_member <= 50, "max open tasks must be 1..50"),
            (
                timedelta(hours=1) <= self.task_deadline <= timedelta(days=30),
                "task deadline must be between 1 hour and 30 days",
            ),
            (0 <= self.welcome_credits <= 100_000, "welcome credits must be 0..100000"),
            (1 <= self.max_feedback_per_submission <= 100, "max feedback per submission must be 1..100"),
            (
                1 <= self.default_feedback_per_submission <= self.max_feedback_per_submission,
                "default feedback per submission must be between 1 and the maximum",
            ),
            (1 <= self.penalty_cooldown_hours <= 24 * 14, "a cooldown penalty must last 1 hour to 14 days"),
            (1 <= self.warning_expiry_days <= 365, "warnings must expire after 1..365 days"),
            (0 <= self.health_threshold_pct <= 90, "the health threshold must be 0..90 (hundredths)"),
            (0 <= self.admission_cap_per_day <= 100_000, "the admission cap must be 0..100000 a day"),
            (_is_ladder(self.penalty_ladder), "the penalty ladder must be 1..6 steps of warn, cooldown or ban"),
        ]
        for ok, detail in checks:
            if not ok:
                raise InvalidSettings(detail)

    def with_changes(self, **changes: Any) -> CommunitySettings:
        """A copy with ``changes`` applied; raises InvalidSettings for unknown keys or bad values."""
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise InvalidSettings(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "credits_per_feedback": self.credits_per_feedback,
            "min_words": self.min_words,
            "allowed_platforms": sorted(p.value for p in self.allowed_platforms),
            "max_open_tasks_per_member": self.max_open_tasks_per_member,
            "task_deadline_s": int(self.task_deadline.total_seconds()),
            "welcome_credits": self.welcome_credits,
            "max_feedback_per_submission": self.max_feedback_per_submission,
            "default_feedback_per_submission": self.default_feedback_per_submission,
            "group_language": self.group_language,
            "match_by_reciprocity": self.match_by_reciprocity,
            "daily_report_hour": self.daily_report_hour,
            "credit_by_substance": self.credit_by_substance,
            "penalty_ladder": [step.value for step in self.penalty_ladder],
            "penalty_cooldown_hours": self.penalty_cooldown_hours,
            "warning_expiry_days": self.warning_expiry_days,
            "health_threshold_pct": self.health_threshold_pct,
            "admission_cap_per_day": self.admission_cap_per_day,
            "check_relevance": self.check_relevance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CommunitySettings:
        defaults = cls()
        raw = dict(data)
        kwargs: dict[str, Any] = {}
        if "allowed_platforms" in raw:
            kwargs["allowed_platforms"] = frozenset(Platform(p) for p in raw.pop("allowed_platforms"))
        if "task_deadline_s" in raw:
            kwargs["task_deadline"] = timedelta(seconds=int(raw.pop("task_deadline_s")))
        if "group_language" in raw:  # absent in settings stored before it existed
            stored = raw.pop("group_language")
            # A language no longer spoken falls back to each person's rather than making the
            # community unreadable.
            kwargs["group_language"] = stored if stored in LANGUAGES else None
        if "match_by_reciprocity" in raw:  # absent in settings stored before it existed
            kwargs["match_by_reciprocity"] = raw.pop("match_by_reciprocity") is True
        if "credit_by_substance" in raw:  # absent in settings stored before it existed
            kwargs["credit_by_substance"] = raw.pop("credit_by_substance") is True
        if "check_relevance" in raw:  # absent in settings stored before it existed
            kwargs["check_relevance"] = raw.pop("check_relevance") is True
        if "daily_report_hour" in raw:  # absent in settings stored before it existed: the default
            stored_hour = raw.pop("daily_report_hour")
            kwargs["daily_report_hour"] = None if stored_hour is None else int(stored_hour)
        if "penalty_ladder" in raw:  # absent in settings stored before it existed
            stored_ladder = raw.pop("penalty_ladder")
            try:
                kwargs["penalty_ladder"] = parse_ladder(stored_ladder)
            except ValueError:  # a step this version no longer knows: the default, not a crash
                kwargs["penalty_ladder"] = DEFAULT_LADDER
        for key, value in raw.items():
            if key in defaults.__dataclass_fields__:
                kwargs[key] = int(value)
        return replace(defaults, **kwargs)


def _is_ladder(ladder: object) -> bool:
    try:
        # Steps are PenaltyKinds, not their names: "warn" == PenaltyKind.WARN, but only the
        # member has .value (a ladder of names failed later, in to_json; found by bench/fuzz.py).
        return (
            isinstance(ladder, tuple)
            and all(isinstance(step, PenaltyKind) for step in ladder)
            and parse_ladder(ladder) == ladder
        )
    except ValueError:
        return False


@dataclass(eq=False, kw_only=True)
class Community(Stored):
    telegram_chat_id: int
    title: str
    created_at: datetime
    settings: CommunitySettings = field(default_factory=CommunitySettings)
    is_paused: bool = False
    pause_reason: str | None = None
    paused_at: datetime | None = None
    bot_present: bool = True
    exchange_pause: ExchangePause | None = field(default=None, compare=False, repr=False)
    """The global kill switch, when it is on: storage sets it on every community it loads, so that
    ``is_open`` and ``ensure_open`` below are the one place where "paused" is decided."""

    def move_to_chat(self, telegram_chat_id: int) -> None:
        """Telegram gave the group a new chat id (upgraded to a supergroup); the bot came along."""
        self.telegram_chat_id = telegram_chat_id
        self.bot_present = True

    @property
    def is_open(self) -> bool:
        """Whether the exchange runs here: neither this community's kill switch nor the global one is on."""
        return not self.is_paused and self.exchange_pause is None

    def ensure_open(self) -> None:
        """Raises CommunityPaused while this community's kill switch is on, or ExchangePaused (a
        CommunityPaused too) while the global one is."""
        if self.is_paused:
            raise CommunityPaused(self.id, self.pause_reason)
        if self.exchange_pause is not None:
            raise ExchangePaused(self.id)

    def pause(self, reason: str, now: datetime) -> None:
        """Turns the kill switch on (idempotent: a second pause only updates the reason)."""
        if not self.is_paused:
            self.paused_at = now
        self.is_paused = True
        self.pause_reason = reason

    def resume(self, now: datetime) -> timedelta:
        """Turns the kill switch off; returns the time to give back to its tasks (how long it was
        paused, less what the global switch still holds). Raises CommunityNotPaused."""
        if not self.is_paused:
            raise CommunityNotPaused(self.id)
        started = self.paused_at or now
        # While the global switch is still on, the time since it went on is given back when it
        # goes off (held_up_by_exchange_pause), not here: nobody gets the same hours twice.
        until = now if self.exchange_pause is None else max(started, min(now, self.exchange_pause.since))
        paused_for = until - started
        self.is_paused = False
        self.pause_reason = None
        self.paused_at = None
        return paused_for
