"""Stopping all requests to a platform that keeps failing, and letting one probe through after a
cool-down. The state lives in a ``BreakerStore`` so that every process can share one breaker."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal, Protocol

from tgexchange.domain.content import Platform
from tgexchange.domain.errors import PlatformUnavailable
from tgexchange.services.ports import Clock

BreakerStateName = Literal["closed", "open", "half_open"]

# While one probe checks a platform, other callers are told to come back this soon (or after
# the whole cool-down, if that is shorter): the probe normally settles it within seconds.
_PROBE_RETRY_S: Final = 30.0


class BreakerStore(Protocol):
    """Where circuit breakers keep their state: one small JSON-friendly dict per platform.

    In memory for one process; a store shared by the job workers (their queue storage) makes
    every process see the same breaker. ``get`` returns None for a platform never stored.
    """

    def get(self, platform: str) -> Mapping[str, object] | None: ...

    def put(self, platform: str, state: Mapping[str, object]) -> None: ...


class InMemoryBreakerStore:
    def __init__(self) -> None:
        self._states: dict[str, dict[str, object]] = {}
        self._lock = threading.Lock()

    def get(self, platform: str) -> Mapping[str, object] | None:
        with self._lock:
            state = self._states.get(platform)
            return dict(state) if state is not None else None

    def put(self, platform: str, state: Mapping[str, object]) -> None:
        with self._lock:
            self._states[platform] = dict(state)


@dataclass(slots=True)
class _Breaker:
    """The stored state: ``opened_at`` and ``probe_at`` are epoch seconds."""

    state: BreakerStateName = "closed"
    failures: int = 0
    opened_at: float | None = None
    cooldown_s: float = 0.0
    probe_at: float | None = None

    @classmethod
    def load(cls, stored: Mapping[str, object] | None) -> _Breaker:
        if stored is None:
            return cls()
        failures = stored.get("failures")
        return cls(
            state=_state_name(stored.get("state")),
            failures=failures if isinstance(failures, int) else 0,
            opened_at=_float_or_none(stored.get("opened_at")),
            cooldown_s=_float_or_none(stored.get("cooldown_s")) or 0.0,
            probe_at=_float_or_none(stored.get("probe_at")),
        )

    def dump(self) -> dict[str, object]:
        return {
            "state": self.state,
            "failures": self.failures,
            "opened_at": self.opened_at,
            "cooldown_s": self.cooldown_s,
            "probe_at": self.probe_at,
        }


class CircuitBreaker:
    """Per-platform circuit breakers over a BreakerStore.

    closed: calls pass; consecutive PlatformUnavailable answers are counted.
    open: calls fail fast with PlatformUnavailable(retry_after_s=the rest of the cool-down).
    half_open: after the cool-down one call goes through as a probe; its success closes the
    breaker, its failure opens it for another cool-down. Other calls fail fast meanwhile. A probe
    that never reports (its process died) is replaced after one cool-down.

    Within a process the transitions are atomic. A shared store offers only get/put, so two
    processes may each send a probe at the same moment: at most one per process.
    """

    def __init__(
        self,
        store: BreakerStore,
        *,
        clock: Clock,
        failure_threshold: int = 5,
        cooldown_s: float = 300.0,
    ) -> None:
        if failure_threshold < 1 or cooldown_s <= 0:
            raise ValueError("a breaker needs a threshold of at least one failure and a positive cool-down")
        self._store = store
        self._clock = clock
        self._failure_threshold = failure_threshold
        self._cooldown_s = cooldown_s
        self._lock = threading.Lock()

    def before_call(self, platform: Platform) -> bool:
        """Lets a call through or raises PlatformUnavailable without it; True when the call is
        the half-open probe (report its outcome, or ``cancel_probe`` if it never runs)."""
        with self._lock:
            breaker = self._load(platform)
            now = _seconds(self._clock)
            if breaker.state == "closed":
                return False
            if breaker.state == "open":
                remaining_s = (breaker.opened_at or now) + breaker.cooldown_s - now
                if remaining_s > 0:
                    raise PlatformUnavailable(
                        platform.label,
                        f"paused after {breaker.failures} failed reads in a row",
                        retry_after_s=remaining_s,
                    )
            elif breaker.probe_at is not None and now - breaker.probe_at < breaker.cooldown_s:
                raise PlatformUnavailable(
                    platform.label,
                    "one read is checking whether the platform answers again",
                    retry_after_s=min(_PROBE_RETRY_S, breaker.cooldown_s),
                )
            breaker.state = "half_open"
            breaker.probe_at = now
            self._save(platform, breaker)
            return True

    def cancel_probe(self, platform: Platform) -> None:
        """The probe let through never ran: the next call may probe at once."""
        with self._lock:
            breaker = self._load(platform)
            if breaker.state == "half_open":
                breaker.state = "open"
                breaker.probe_at = None
                self._save(platform, breaker)

    def record_success(self, platform: Platform) -> None:
        """The platform answered (content, or "that content is gone"): closes the breaker."""
        with self._lock:
            breaker = self._load(platform)
            if breaker.state != "closed" or breaker.failures:
                self._save(platform, _Breaker())

    def record_failure(self, platform: Platform, *, retry_after_s: float | None = None) -> None:
        """The platform did not answer usefully; ``retry_after_s`` is its own request to wait."""
        with self._lock:
            breaker = self._load(platform)
            breaker.failures += 1
            asked_s = retry_after_s or 0.0
            if (
                breaker.state == "half_open"
                or breaker.failures >= self._failure_threshold
                or asked_s >= self._cooldown_s
            ):
                breaker.state = "open"
                breaker.opened_at = _seconds(self._clock)
                breaker.cooldown_s = max(self._cooldown_s, asked_s)
                breaker.probe_at = None
            self._save(platform, breaker)

    def state(self, platform: Platform) -> dict[str, object]:
        """For the watchdog: ``{"state": "closed" | "open" | "half_open", "failures": n,
        "opened_at": aware UTC datetime or None}``. An open breaker whose cool-down is over
        reports half_open: its next call is the probe."""
        with self._lock:
            breaker = self._load(platform)
        state = breaker.state
        cooled_down = breaker.opened_at is not None and _seconds(self._clock) >= breaker.opened_at + breaker.cooldown_s
        if state == "open" and cooled_down:
            state = "half_open"
        opened_at = datetime.fromtimestamp(breaker.opened_at, UTC) if breaker.opened_at is not None else None
        return {"state": state, "failures": breaker.failures, "opened_at": opened_at}

    def _load(self, platform: Platform) -> _Breaker:
        return _Breaker.load(self._store.get(platform.value))

    def _save(self, platform: Platform, breaker: _Breaker) -> None:
        self._store.put(platform.value, breaker.dump())


def _seconds(clock: Clock) -> float:
    return clock.now().timestamp()


def _state_name(value: object) -> BreakerStateName:
    if value == "open":
        return "open"
    if value == "half_open":
        return "half_open"
    return "closed"


def _float_or_none(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
