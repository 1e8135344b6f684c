"""Checked dashboard sessions: kept for a bounded time on the app's clock, dropped at once for a
user who logs out or in again here, never kept from a check that began before such a drop."""

from __future__ import annotations

from datetime import timedelta

from tests.fakes import FakeClock
from tgexchange.domain.dashboard import Viewer
from tgexchange.web.viewers import CHECKED_FOR, KnownViewers

ADMIN = Viewer(is_operator=False, community_ids=frozenset({1}), telegram_user_id=7)


def test_a_checked_session_is_known_until_its_bound() -> None:
    clock = FakeClock()
    viewers = KnownViewers(clock)
    viewers.keep(7, 1, ADMIN, viewers.ticket())

    clock.advance(seconds=CHECKED_FOR.total_seconds() - 0.001)
    within = viewers.find(7, 1)
    clock.advance(seconds=0.001)

    assert (within, viewers.find(7, 1)) == (ADMIN, None)


def test_another_epoch_of_the_same_user_is_not_known() -> None:
    viewers = KnownViewers(FakeClock())
    viewers.keep(7, 1, ADMIN, viewers.ticket())

    assert viewers.find(7, 2) is None


def test_a_clock_set_back_does_not_keep_a_session_known() -> None:
    clock = FakeClock()
    viewers = KnownViewers(clock)
    viewers.keep(7, 1, ADMIN, viewers.ticket())

    clock.advance(minutes=-5)

    assert viewers.find(7, 1) is None


def test_forgetting_a_user_drops_their_sessions_only() -> None:
    viewers = KnownViewers(FakeClock())
    other = Viewer(is_operator=False, community_ids=frozenset({2}), telegram_user_id=8)
    viewers.keep(7, 1, ADMIN, viewers.ticket())
    viewers.keep(8, 1, other, viewers.ticket())

    viewers.forget_user(7)

    assert (viewers.find(7, 1), viewers.find(8, 1)) == (None, other)


def test_a_check_that_began_before_a_logout_here_is_not_kept() -> None:
    viewers = KnownViewers(FakeClock())
    ticket = viewers.ticket()  # the check reads the database: still logged in
    viewers.forget_user(7)  # meanwhile, the logout

    viewers.keep(7, 1, ADMIN, ticket)

    assert viewers.find(7, 1) is None


def test_checking_for_no_time_keeps_nothing() -> None:
    viewers = KnownViewers(FakeClock(), checked_for=timedelta(0))
    viewers.keep(7, 1, ADMIN, viewers.ticket())

    assert viewers.find(7, 1) is None


def test_memory_is_bounded_the_oldest_check_goes_first() -> None:
    viewers = KnownViewers(FakeClock(), max_sessions=2)
    for user in (1, 2, 3):
        viewers.keep(user, 1, ADMIN, viewers.ticket())

    assert [viewers.find(user, 1) is not None for user in (1, 2, 3)] == [False, True, True]
