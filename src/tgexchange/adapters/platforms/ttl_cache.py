"""A bounded cache whose entries expire, on an injectable clock; safe to share between threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from tgexchange.services.ports import Clock

V = TypeVar("V")


class TtlCache(Generic[V]):
    """A bounded map whose entries expire: least recently used entries go first when full."""

    def __init__(self, *, max_entries: int, clock: Clock) -> None:
        if max_entries < 1:
            raise ValueError("a cache holds at least one entry")
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The live value under ``key``, or None (expired entries are dropped)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if _seconds(self._clock) >= expires_at:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V, *, ttl_s: float) -> None:
        with self._lock:
            self._entries[key] = (_seconds(self._clock) + ttl_s, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _seconds(clock: Clock) -> float:
    return clock.now().timestamp()
