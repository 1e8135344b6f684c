"""Fair play on the dashboard page in Debian's chromium (Playwright), against a live server on
loopback: an admin lifts an appeal and confirms a flagged group from the page (session cookie and
CSRF token, as a person would), a second admin pressing on the same appeal is told it was decided,
the operator sees every community's, and names stay text under the strict CSP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, expect, sync_playwright

from tests.e2e.conftest import BEARER, Dashboard
from tests.e2e.test_dashboard_fair_play import banned_and_appealing
from tests.integration.test_rings import pair_in_a_crowd
from tests.world import World
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.health import AdmissionClosed, CooldownActive
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.ring import RingStatus
from tgexchange.services import ring as ring_service
from tgexchange.services.health import ensure_can_request_feedback

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS_NAME = "<img src=x onerror=alert(1)>"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Watched:
    """A page, and everything it said that a user should never cause."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watch(browser: Browser, headers: dict[str, str] | None = None) -> Watched:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, extra_http_headers=headers)
    seen = Watched(context.new_page())

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    seen.page.on("console", on_console)
    seen.page.on("pageerror", lambda error: seen.errors.append(str(error)))
    seen.page.on("dialog", on_dialog)
    return seen


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    seen = watch(browser)
    yield seen
    seen.page.context.close()


def log_in(watched: Watched, dashboard: Dashboard, telegram_user_id: int) -> Page:
    page = watched.page
    page.goto(dashboard.login_url(telegram_user_id))
    expect(page).to_have_url(f"{dashboard.base_url}/exchange/dashboard")
    expect(page.locator("#appeals-list .fp-empty, #appeals-list .fp-item").first).not_to_have_text("Loading…")
    return page


def flagged_pair(world: World) -> tuple[Community, int]:
    community, *_ = pair_in_a_crowd(world)
    ring_service.detect_rings(world.storage.rings, now=world.now)
    (ring,) = world.storage.rings.rings_in([community.id])
    return community, ring.id


def test_an_admin_lifts_an_appeal_and_confirms_a_flagged_group(live_dashboard: Dashboard, watched: Watched) -> None:
    world = live_dashboard.world
    community, ring_id = flagged_pair(world)
    bob = banned_and_appealing(world, community, XSS_NAME)  # a member named like HTML
    page = log_in(watched, live_dashboard, live_dashboard.admin(community))

    appeal = page.locator("#appeals-list .fp-item")
    expect(appeal).to_have_count(1)
    expect(appeal.locator(".fp-head")).to_have_text(f"{XSS_NAME} · ban: spam")
    expect(appeal.locator(".fp-evidence")).to_have_text(
        f"Evidence: given by an admin · on {world.now:%Y-%m-%d %H:%M} UTC · no end"
    )
    expect(appeal.locator(".fp-quote")).to_have_text("that was my own channel")
    assert page.locator("#appeals-list img").count() == 0
    ring = page.locator("#rings-list .fp-item")
    expect(ring.locator(".fp-head")).to_have_text(f"Group #{ring_id} · first, second")
    expect(ring.locator(".fp-evidence li").first).to_have_text(
        "100% of their exchanges were with each other (6 exchanges inside the group); matching alone would give about "
        + f"{world.storage.rings.rings_in([community.id])[0].evidence['expected_share'] * 100:.1f}%"
    )
    expect(page.locator("#rings-summary")).to_have_text("(1 flagged, 0 confirmed)")
    ARTIFACTS.mkdir(exist_ok=True)  # for a person to look at: the three panels before deciding
    page.locator("section.fair-play").screenshot(path=str(ARTIFACTS / "dashboard-fair-play.png"))

    appeal.get_by_role("button", name="Lift").click()
    expect(page.locator("#appeals-said")).to_have_text(f"Lifted {XSS_NAME}'s ban; they are told.")
    expect(page.locator("#appeals-list")).to_have_text("No appeal waits for you.")
    ring.get_by_role("button", name="Confirm").click()
    expect(page.locator("#rings-said")).to_have_text(f"Group #{ring_id} confirmed: its members stay apart in matching.")
    expect(page.locator("#rings-summary")).to_have_text("(0 flagged, 1 confirmed)")

    with world.uow() as uow:
        member = uow.members.find(bob.id)
        (penalty,) = uow.fair_play.penalties_of(bob.id)
        audited = {e.action for e in uow.audit.recent(community.id, limit=20)}
    assert member is not None
    assert member.status is MemberStatus.ACTIVE
    assert penalty.lifted_at is not None
    assert {AuditAction.APPEAL_UPHELD, AuditAction.RING_CONFIRMED} <= audited
    assert world.storage.rings.rings_in([community.id])[0].status is RingStatus.CONFIRMED
    assert watched.errors == []
    assert watched.dialogs == []


def test_a_second_admin_pressing_on_a_decided_appeal_is_told_so(
    live_dashboard: Dashboard, watched: Watched, browser: Browser
) -> None:
    world = live_dashboard.world
    community = world.community()
    bob = banned_and_appealing(world, community)
    first = log_in(watched, live_dashboard, live_dashboard.admin(community))
    other = watch(browser)
    try:
        second = log_in(other, live_dashboard, live_dashboard.admin(community, telegram_user_id=900_002, name="Zoe"))
        expect(second.locator("#appeals-list .fp-item")).to_have_count(1)

        first.locator("#appeals-list .fp-item").get_by_role("button", name="Lift").click()
        expect(first.locator("#appeals-list")).to_have_text("No appeal waits for you.")
        second.locator("#appeals-list .fp-item").get_by_role("button", name="Keep").click()

        expect(second.locator("#appeals-said")).to_have_text(
            "Someone else decided Bob's appeal already. The list is up to date again."
        )
        expect(second.locator("#appeals-list")).to_have_text("No appeal waits for you.")
        # Chromium logs every 4xx answer; the page's handling of this one is what is checked above.
        assert other.errors == ["Failed to load resource: the server responded with a status of 409 (Conflict)"]
    finally:
        other.page.context.close()
    with world.uow() as uow:
        (penalty,) = uow.fair_play.penalties_of(bob.id)
    assert penalty.lifted_at is not None  # the first decision stands
    assert watched.errors == []


def test_the_operator_sees_every_communitys_fair_play_and_the_selector_narrows_it(
    live_dashboard: Dashboard, browser: Browser
) -> None:
    world = live_dashboard.world
    ours = world.community(admission_cap_per_day=3, health_threshold_pct=90)  # admin, Bob, Cora
    theirs = world.community()
    banned_and_appealing(world, ours, "Bob")
    banned_and_appealing(world, theirs, "Eve")
    cooled = world.member(ours, "Cora", link=None)  # a newcomer's health (69%) is under 90%
    with pytest.raises(CooldownActive):
        ensure_can_request_feedback(world.uow(), member_id=cooled.id, now=world.now)
    with pytest.raises(AdmissionClosed):
        world.member(ours, "raider", link=None)
    operator = watch(browser, BEARER)
    try:
        page = operator.page
        page.goto(f"{live_dashboard.base_url}/exchange/dashboard")
        names = page.locator("#appeals-list .fp-head strong")
        expect(names).to_have_text(["Bob", "Eve"])
        expect(page.locator("#events-counts")).to_have_text(
            "Last 24 h: 1 cooldown started (low health) · 1 newcomer refused by the admission cap"
        )
        rows = page.locator("#events tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(1).locator("td").nth(2)).to_have_text(f"Cora · {ours.title}")
        expect(rows.nth(1).locator("td").nth(4)).to_have_text("69%")
        expect(rows.nth(0).locator("td").nth(2)).to_contain_text("Telegram user ")

        page.select_option("#community", str(theirs.id))

        expect(names).to_have_text(["Eve"])
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_text("No cooldown started and nobody was refused in the last 24 hours.")
        expect(page.locator("#rings-list")).to_contain_text("No group is flagged")
        assert operator.errors == []
    finally:
        operator.page.context.close()
