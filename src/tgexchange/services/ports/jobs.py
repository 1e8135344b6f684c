"""Work handed to background workers."""

from __future__ import annotations

from typing import Protocol


class VerificationQueue(Protocol):
    def enqueue_verification(self, submission_id: int, *, delay_s: float = 0.0) -> None:
        """Asks a worker to verify the pending tasks of a submission (one fetch serves them all)."""
        ...
