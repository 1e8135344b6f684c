"""Circuit-breaker state in the queue's storage, so every worker sees the same breaker."""

from __future__ import annotations

from collections.abc import Mapping

from huey import Huey


class HueyBreakerStore:
    """A BreakerStore over Huey's key/value storage (SQLite, Redis or PostgreSQL)."""

    def __init__(self, huey: Huey, *, prefix: str = "breaker") -> None:
        self._huey = huey
        self._prefix = prefix

    def get(self, platform: str) -> Mapping[str, object] | None:
        value = self._huey.get(f"{self._prefix}:{platform}", peek=True)
        return value if isinstance(value, dict) else None

    def put(self, platform: str, state: Mapping[str, object]) -> None:
        self._huey.put(f"{self._prefix}:{platform}", dict(state))
