"""When the next verification pass over a submission should run.

Every "done", every retry and every sweep asks for a pass; the pacer turns those requests into at
most one scheduled pass per submission, no sooner than ``debounce`` after the request and
``min_interval`` after the previous pass, nor before a platform's rate-limit window reopens
(``defer``). Each scheduled pass carries its time as a token; a pass whose token is no longer the
"next" mark was replaced by another and does nothing (``is_current``), so deferrals and
reschedules never pile up jobs. Its marks live in the queue storage, shared by all workers. The
marks are advisory: two processes racing may schedule one pass too many, which costs one extra
fetch, never a wrong outcome (passes are idempotent transactions); a lost mark is made good by the
sweeper, which asks again for every task left waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from huey import Huey

from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services.ports import Clock


class VerificationPacer:
    def __init__(self, huey: Huey, clock: Clock, policy: VerificationPolicy) -> None:
        self._huey = huey
        self._clock = clock
        self._policy = policy

    def _key(self, kind: str, submission_id: int) -> str:
        return f"{self._huey.name}.verify-{kind}.{submission_id}"

    def _read(self, kind: str, submission_id: int) -> datetime | None:
        value = self._huey.get(self._key(kind, submission_id), peek=True)
        return datetime.fromtimestamp(value, UTC) if isinstance(value, float) else None

    def request(
        self, submission_id: int, *, not_before: datetime | None = None, after_crash: bool = False
    ) -> datetime | None:
        """The moment to schedule a new pass for, or None when one already scheduled will do.
        ``after_crash``: the scheduled pass's job may have died with a crashed process (its mark
        was written, its job never queued, or taken and lost): a pass is always scheduled; one
        still ahead keeps its time and token, so whichever of its jobs runs first serves it and
        the other finds it served (``is_current``)."""
        now = self._clock.now()
        wanted = max(now + self._policy.debounce, not_before or now)
        blocked = self._read("blocked", submission_id)
        if blocked is not None:
            wanted = max(wanted, blocked)  # an earlier pass would only meet the rate limit again
        last = self._read("last", submission_id)
        if last is not None:
            wanted = max(wanted, last + self._policy.min_interval)
        scheduled = self._read("next", submission_id)
        lost = scheduled is not None and scheduled < now - self._policy.sweep_slack
        if scheduled is not None and not lost and scheduled <= wanted + timedelta(seconds=1):
            if not after_crash:
                return None
            if scheduled >= now:
                return scheduled
        self._huey.put(self._key("next", submission_id), wanted.timestamp())
        return wanted

    def defer(self, submission_id: int, *, until: datetime) -> datetime:
        """The pass met its platform's rate limit: it moves to ``until`` (the window's end), and no
        request schedules another before then. Returns the new pass's time (its token)."""
        self._huey.put(self._key("blocked", submission_id), until.timestamp())
        self._huey.put(self._key("next", submission_id), until.timestamp())
        return until

    def is_current(self, submission_id: int, token: float) -> bool:
        """Whether the pass scheduled for ``token`` is still the one to run: not replaced by
        another scheduled pass, and not served by a pass that started since it was scheduled."""
        scheduled = self._read("next", submission_id)
        if scheduled is not None:
            lost = scheduled < self._clock.now() - self._policy.sweep_slack
            return abs(scheduled.timestamp() - token) < 1e-3 or lost
        last = self._read("last", submission_id)
        return last is None or last.timestamp() < token

    def release(self, submission_id: int, token: float | None) -> None:
        """The pass scheduled for ``token`` ran and found nothing to look at: its mark goes, so that
        a member's Done arriving now queues a pass of its own instead of trusting this one."""
        scheduled = self._read("next", submission_id)
        if token is not None and scheduled is not None and abs(scheduled.timestamp() - token) < 1e-3:
            self._huey.delete(self._key("next", submission_id))

    def started(self, submission_id: int) -> None:
        """Marks a pass as begun: it serves every request made before now."""
        now = self._clock.now()
        self._huey.delete(self._key("blocked", submission_id))
        self._huey.put(self._key("last", submission_id), now.timestamp())
        scheduled = self._read("next", submission_id)
        if scheduled is not None and scheduled <= now + timedelta(seconds=1):
            self._huey.delete(self._key("next", submission_id))
