"""Answers shared between dashboards: kept for a bounded time on the app's clock, computed once
however many threads ask at once, never kept when the computation failed or predates a change."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import timedelta
from typing import Any

import pytest

from tests.fakes import FakeClock
from tgexchange.web.shared_answers import SHARED_FOR, SharedAnswers


class Counted:
    """A computation that answers how many times it ran."""

    def __init__(self, before: Callable[[], object] = lambda: None) -> None:
        self.calls = 0
        self._before = before
        self._lock = threading.Lock()

    def __call__(self) -> bytes:
        self._before()
        with self._lock:
            self.calls += 1
            return str(self.calls).encode()


def test_an_answer_is_shared_until_its_bound_then_computed_again() -> None:
    clock = FakeClock()
    shared = SharedAnswers(clock)
    compute = Counted()

    first = shared.answer("q", compute)
    clock.advance(seconds=SHARED_FOR.total_seconds() - 0.001)
    within = shared.answer("q", compute)
    clock.advance(seconds=0.001)
    after = shared.answer("q", compute)

    assert (first, within, after) == (b"1", b"1", b"2")


def test_different_questions_get_different_answers() -> None:
    shared = SharedAnswers(FakeClock())
    compute = Counted()

    assert [shared.answer(q, compute) for q in ("a", "b", "a", ("a", frozenset({1})))] == [b"1", b"2", b"1", b"3"]


def test_sharing_for_no_time_computes_every_answer() -> None:
    shared = SharedAnswers(FakeClock(), shared_for=timedelta(0))
    compute = Counted()

    assert [shared.answer("q", compute) for _ in range(3)] == [b"1", b"2", b"3"]


def test_a_clock_set_back_does_not_keep_an_answer_alive() -> None:
    clock = FakeClock()
    shared = SharedAnswers(clock)
    compute = Counted()
    shared.answer("q", compute)

    clock.advance(minutes=-5)

    assert shared.answer("q", compute) == b"2"


def test_concurrent_askers_of_the_same_question_compute_it_once() -> None:
    shared = SharedAnswers(FakeClock())
    release = threading.Event()
    compute = Counted(before=lambda: release.wait(10))
    asking = threading.Semaphore(0)
    answers: list[bytes] = []

    def ask() -> None:
        asking.release()
        answers.append(shared.answer("q", compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for _ in threads:
        asking.acquire(timeout=10)
    time.sleep(0.2)  # every thread is inside answer(): one computing, held; the others waiting for it
    release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert compute.calls == 1
    assert answers == [b"1"] * 8


def test_a_failed_computation_is_raised_to_every_asker_and_not_kept() -> None:
    shared = SharedAnswers(FakeClock())

    def broken() -> bytes:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        shared.answer("q", broken)

    assert shared.answer("q", Counted()) == b"1"
    assert len(shared) == 1


def test_an_answer_computed_across_a_forget_is_not_kept() -> None:
    shared = SharedAnswers(FakeClock())
    compute = Counted()

    def computed_while_the_switch_changes() -> bytes:
        shared.forget()
        return b"from before the change"

    assert shared.answer("q", computed_while_the_switch_changes) == b"from before the change"
    assert shared.answer("q", compute) == b"1"


def test_forget_drops_every_kept_answer() -> None:
    shared = SharedAnswers(FakeClock())
    compute = Counted()
    shared.answer("a", compute)
    shared.answer("b", compute)

    shared.forget()

    assert len(shared) == 0
    assert shared.answer("a", compute) == b"3"


def test_memory_is_bounded_expired_answers_first_then_the_oldest() -> None:
    clock = FakeClock()
    shared = SharedAnswers(clock, shared_for=timedelta(seconds=2), max_answers=3)
    compute = Counted()
    shared.answer("expired", compute)
    clock.advance(seconds=3)
    shared.answer("old", compute)
    shared.answer("newer", compute)

    shared.answer("new", compute)  # full: the expired one goes
    assert len(shared) == 3
    assert shared.answer("old", compute) == b"2"  # still kept

    shared.answer("newest", compute)  # full of fresh ones: the oldest goes
    assert len(shared) == 3
    assert shared.answer("newer", compute) == b"3"
    assert shared.answer("old", compute) == b"6"  # dropped, computed again


class Held(Executor):
    """A background thread that runs what it was given only when told to."""

    def __init__(self) -> None:
        self.queued: list[Callable[[], object]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.queued.append(lambda: fn(*args, **kwargs))
        return Future()

    def run_all(self) -> None:
        queued, self.queued = self.queued, []
        for job in queued:
            job()


HALF = SHARED_FOR.total_seconds() / 2


def test_an_answer_half_its_bound_old_is_served_while_one_background_refresh_renews_it() -> None:
    clock = FakeClock()
    held = Held()
    shared = SharedAnswers(clock, refresher=held)
    compute = Counted()
    shared.answer("q", compute)

    clock.advance(seconds=HALF - 0.001)
    young = shared.served("q", compute)
    queued_while_young = len(held.queued)
    clock.advance(seconds=0.001)
    stale = [shared.served("q", compute) for _ in range(3)]
    queued_while_stale = len(held.queued)
    held.run_all()

    assert (young, queued_while_young) == (b"1", 0)
    assert (stale, queued_while_stale) == ([b"1"] * 3, 1)  # one refresh however many ask
    assert shared.served("q", compute) == b"2"


def test_an_answer_is_never_served_at_its_bound_even_while_its_refresh_is_pending() -> None:
    clock = FakeClock()
    held = Held()
    shared = SharedAnswers(clock, refresher=held)
    compute = Counted()
    shared.answer("q", compute)
    clock.advance(seconds=HALF)
    shared.served("q", compute)  # the refresh is queued behind other work

    clock.advance(seconds=HALF)

    assert shared.served("q", compute) is None
    held.run_all()
    assert shared.answer("q", compute) == b"2"  # the refresh's, started at the bound


def test_nothing_from_before_a_forget_is_served_not_even_a_refresh_under_way() -> None:
    clock = FakeClock()
    held = Held()
    shared = SharedAnswers(clock, refresher=held)
    compute = Counted()
    shared.answer("q", compute)
    clock.advance(seconds=HALF)
    assert shared.served("q", compute) == b"1"  # the refresh is queued, or running

    shared.forget()
    forgotten = shared.served("q", compute)
    held.run_all()  # it read the database before the change, for all it knows

    assert forgotten is None
    assert shared.served("q", compute) is None
    assert shared.answer("q", compute) == b"3"


def test_a_failed_refresh_leaves_the_kept_answer_to_its_bound() -> None:
    clock = FakeClock()
    held = Held()
    shared = SharedAnswers(clock, refresher=held)
    shared.answer("q", Counted())
    clock.advance(seconds=HALF)

    def broken() -> bytes:
        raise RuntimeError("database gone")

    shared.served("q", broken)
    held.run_all()

    assert shared.served("q", broken) == b"1"
    clock.advance(seconds=HALF)
    assert shared.served("q", broken) is None


def test_sharing_for_no_time_serves_nothing_kept() -> None:
    shared = SharedAnswers(FakeClock(), shared_for=timedelta(0), refresher=Held())
    shared.answer("q", Counted())

    assert shared.served("q", Counted()) is None
