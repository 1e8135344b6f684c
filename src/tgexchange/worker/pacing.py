"""When the next verification pass over a submission should run.

Every "done", every retry and every sweep asks for a pass; the pacer turns those requests into at
most one scheduled pass per submission, no sooner than ``debounce`` after the request and
``min_interval`` after the previous pass. Its marks live in the queue storage, shared by all
workers. The marks are advisory: two processes racing may schedule one pass too many, which
costs one extra fetch, never a wrong outcome (passes are idempotent transactions).
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

    def request(self, submission_id: int, *, not_before: datetime | None = None) -> datetime | None:
        """The moment to schedule a new pass for, or None when one already scheduled will do."""
        now = self._clock.now()
        wanted = max(now + self._policy.debounce, not_before or now)
        last = self._read("last", submission_id)
        if last is not None:
            wanted = max(wanted, last + self._policy.min_interval)
        scheduled = self._read("next", submission_id)
        lost = scheduled is not None and scheduled < now - self._policy.sweep_slack
        if scheduled is not None and not lost and scheduled <= wanted + timedelta(seconds=1):
            return None
        self._huey.put(self._key("next", submission_id), wanted.timestamp())
        return wanted

    def started(self, submission_id: int) -> None:
        """Marks a pass as begun: it serves every request made before now."""
        now = self._clock.now()
        self._huey.put(self._key("last", submission_id), now.timestamp())
        scheduled = self._read("next", submission_id)
        if scheduled is not None and scheduled <= now + timedelta(seconds=1):
            self._huey.delete(self._key("next", submission_id))
