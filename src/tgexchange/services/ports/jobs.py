"""Work handed to background workers."""

from __future__ import annotations

from typing import Protocol


class VerificationQueue(Protocol):
    def enqueue_verification(self, submission_id: int, *, delay_s: float = 0.0, after_crash: bool = False) -> None:
        """Asks a worker to verify the pending tasks of a submission (one fetch serves them all).
        ``after_crash``: asked again because a process died, and a pass already scheduled may
        have died with it, so one is queued even then (passes are idempotent)."""
        ...
