"""Dashboard session checks shared by the requests that arrive while one runs: run once for them
all, never shared with a request that arrives after a session ended here, never remembered."""

from __future__ import annotations

import asyncio

import pytest

from tgexchange.domain.dashboard import Viewer
from tgexchange.web.viewers import SessionChecks

ADMIN = Viewer(is_operator=False, community_ids=frozenset({1}), telegram_user_id=7)


class Check:
    """A database check that answers ``found`` when let go, counting its runs."""

    def __init__(self, found: Viewer | None) -> None:
        self.found = found
        self.runs = 0
        self.go = asyncio.Event()

    async def __call__(self) -> Viewer | None:
        self.runs += 1
        await self.go.wait()
        return self.found


async def test_requests_of_one_session_arriving_during_its_check_share_it() -> None:
    checks = SessionChecks()
    check = Check(ADMIN)
    waiting = [asyncio.ensure_future(checks.check("cookie", check)) for _ in range(5)]
    await asyncio.sleep(0)

    check.go.set()

    assert await asyncio.gather(*waiting) == [ADMIN] * 5
    assert check.runs == 1


async def test_other_sessions_are_checked_on_their_own() -> None:
    checks = SessionChecks()
    mine, theirs = Check(ADMIN), Check(None)
    waiting = [asyncio.ensure_future(checks.check(c, k)) for c, k in (("mine", mine), ("theirs", theirs))]
    await asyncio.sleep(0)
    mine.go.set()
    theirs.go.set()

    assert await asyncio.gather(*waiting) == [ADMIN, None]
    assert (mine.runs, theirs.runs) == (1, 1)


async def test_a_request_after_a_check_is_over_checks_again() -> None:
    checks = SessionChecks()
    before, after = Check(ADMIN), Check(None)
    before.go.set()
    after.go.set()

    assert await checks.check("cookie", before) == ADMIN
    assert await checks.check("cookie", after) is None  # e.g. logged out meanwhile, elsewhere
    assert len(checks) == 0


async def test_a_request_arriving_after_a_session_ended_here_does_not_share_a_check_from_before() -> None:
    checks = SessionChecks()
    from_before, from_after = Check(ADMIN), Check(None)
    first = asyncio.ensure_future(checks.check("cookie", from_before))
    await asyncio.sleep(0)

    checks.ended()  # the logout's commit: from_before may have read the database before it
    second = asyncio.ensure_future(checks.check("cookie", from_after))
    await asyncio.sleep(0)
    from_before.go.set()
    from_after.go.set()

    assert (await first, await second) == (ADMIN, None)
    assert (from_before.runs, from_after.runs) == (1, 1)


async def test_a_failed_check_is_raised_to_every_request_sharing_it() -> None:
    checks = SessionChecks()
    go = asyncio.Event()

    async def broken() -> Viewer | None:
        await go.wait()
        raise RuntimeError("database gone")

    waiting = [asyncio.ensure_future(checks.check("cookie", broken)) for _ in range(3)]
    await asyncio.sleep(0)
    go.set()

    for request in waiting:
        with pytest.raises(RuntimeError, match="database gone"):
            await request


async def test_a_request_whose_client_left_does_not_cancel_the_others_check() -> None:
    checks = SessionChecks()
    check = Check(ADMIN)
    left = asyncio.ensure_future(checks.check("cookie", check))
    stayed = asyncio.ensure_future(checks.check("cookie", check))
    await asyncio.sleep(0)

    left.cancel()
    check.go.set()

    assert await stayed == ADMIN
    assert check.runs == 1
