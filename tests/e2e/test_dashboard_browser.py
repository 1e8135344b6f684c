"""The dashboard page in Debian's chromium (Playwright), against a live server on loopback."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, ViewportSize, expect, sync_playwright

from tests.e2e.conftest import Dashboard
from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform

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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
XSS_NAME = "<img src=x onerror=alert(1)>"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
CHARTS = {  # chart → what Plotly draws for each of its data points
    "chart-platforms": ".slice",
    "chart-outcomes": ".slice",
    "chart-groups": ".point",
    "chart-members": ".point",
    "chart-daily": ".scatterlayer .point",
}


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


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    seen = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", on_dialog)
    yield seen
    context.close()


def reject(world: World, task_id: int, reason: str = "too_short") -> None:
    record_verification_outcome(world.uow(), task_id=task_id, verified=False, reason=reason, now=world.now)


def two_busy_communities(world: World) -> tuple[Community, Community]:
    """Community A on YouTube and TikTok (with a member whose name is HTML), B on YouTube."""
    first = world.community(welcome_credits=500)
    second = world.community(welcome_credits=500)
    world.submission(world.member(first, "Ana"), wanted=5)
    world.submission(world.member(first, "Bo", link=Platform.TIKTOK), wanted=2, platform=Platform.TIKTOK)
    for n in range(3):
        world.verified(world.task(world.member(first, f"Giver {n}")))
    world.verified(world.task(world.member(first, "Tik", link=Platform.TIKTOK)))
    sneaky = world.task(world.member(first, XSS_NAME))
    world.done(sneaky)
    reject(world, sneaky.id)
    world.submission(world.member(second, "Cy"), wanted=2)
    world.verified(world.task(world.member(second, "Dee")))
    return first, second


def log_in(watched: Watched, dashboard: Dashboard, *communities: Community) -> Page:
    page = watched.page
    page.goto(dashboard.login_url(dashboard.admin(*communities)))
    expect(page).to_have_url(f"{dashboard.base_url}/exchange/dashboard")
    expect(page.locator("#card-tasks")).not_to_have_text("–")
    return page


def test_an_admin_logs_in_through_a_link_and_sees_the_cards_and_five_charts_with_data(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    first, second = two_busy_communities(live_dashboard.world)

    page = log_in(watched, live_dashboard, first, second)

    expect(page.locator("#card-tasks")).to_have_text("6")
    expect(page.locator("#card-success")).to_have_text("83.3%")
    expect(page.locator("#card-roi")).to_have_text("0.83")
    expect(page.locator("#card-credits")).to_have_text("50")
    for chart, point in CHARTS.items():
        expect(page.locator(f"#{chart} .main-svg").first).to_be_visible()
        assert page.locator(f"#{chart} {point}").count() >= 2, chart
    expect(page.locator("#errors tbody tr")).to_have_count(1)
    assert watched.errors == []


def test_the_page_fits_a_desktop_and_a_phone_and_leaves_screenshots(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)
    ARTIFACTS.mkdir(exist_ok=True)

    page.screenshot(path=str(ARTIFACTS / "dashboard-desktop-1280x800.png"), full_page=True)
    page.set_viewport_size(PHONE)
    # (wait_for_function would evaluate a string, which the page's CSP rightly forbids)
    for _ in range(50):
        if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone-390x844.png"), full_page=True)

    card = page.locator(".card").first.bounding_box()
    chart = page.locator("#chart-daily .main-svg").first.bounding_box()
    assert card is not None
    assert chart is not None
    assert card["width"] < PHONE["width"] / 2  # two cards per row
    assert chart["width"] <= PHONE["width"]
    assert (ARTIFACTS / "dashboard-phone-390x844.png").stat().st_size > 10_000
    assert watched.errors == []


def test_a_number_changes_on_the_next_refresh_after_tasks_verify_without_redrawing_the_page(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    world = live_dashboard.world
    first, second = two_busy_communities(world)
    page = log_in(watched, live_dashboard, first, second)
    expect(page.locator("#card-credits")).to_have_text("50")
    page.evaluate(
        "window.before = [document.getElementById('card-credits'), document.querySelector('#chart-daily .main-svg')]"
    )

    world.submission(world.member(second, "Eve"), wanted=2)
    for name in ("Fay", "Gus"):
        world.verified(world.task(world.member(second, name)))

    expect(page.locator("#card-credits")).to_have_text("70", timeout=15_000)  # refreshes every 10 s
    expect(page.locator("#card-tasks")).to_have_text("8")
    assert page.evaluate("window.before.every((node) => node.isConnected)")  # updated in place, not replaced
    assert watched.errors == []


def test_the_community_selector_narrows_the_cards_and_the_exports(live_dashboard: Dashboard, watched: Watched) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)

    page.select_option("#community", str(second.id))

    expect(page.locator("#card-tasks")).to_have_text("1")
    expect(page.locator("a[data-entity=tasks][data-export=csv]")).to_have_attribute(
        "href", f"/exchange/dashboard/export/csv?community_id={second.id}&period=all&entity_type=tasks"
    )
    assert watched.errors == []


def test_the_csv_export_downloads_and_parses(live_dashboard: Dashboard, watched: Watched, tmp_path: Path) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)

    with page.expect_download() as download:
        page.click("a[data-entity=tasks][data-export=csv]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))

    assert saved.name.startswith("tgexchange-tasks-")
    assert len(rows) == 6
    assert {row["status"] for row in rows} == {"verified", "rejected"}
    assert watched.errors == []


def test_a_member_named_like_html_shows_as_text_and_runs_nothing(live_dashboard: Dashboard, watched: Watched) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)

    expect(page.locator("#errors tbody td", has_text=XSS_NAME)).to_be_visible()
    expect(page.locator("#chart-members text", has_text=XSS_NAME)).to_have_count(1)

    assert page.locator("img").count() == 0  # no element was made from the name
    assert watched.dialogs == []
    assert watched.errors == []


def test_members_with_one_name_or_a_number_for_a_name_keep_a_bar_each(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    world = live_dashboard.world
    community = world.community(welcome_credits=500)
    world.submission(world.member(community, "Owner"), wanted=4)
    for name in ("Alex", "Alex", "2024", "Bo"):
        world.verified(world.task(world.member(community, name)))

    page = log_in(watched, live_dashboard, community)

    expect(page.locator("#chart-members .ytick text", has_text="Alex")).to_have_count(2)
    labels = page.locator("#chart-members .ytick text").all_text_contents()
    assert {"2024", "Bo"} <= set(labels)  # "2024" is a name on a category axis, not a number
    assert page.locator("#chart-members .point").count() == len(labels)  # a bar for every member
    assert watched.errors == []


def test_without_a_session_the_page_says_how_to_log_in(live_dashboard: Dashboard, watched: Watched) -> None:
    watched.page.goto(f"{live_dashboard.base_url}/exchange/dashboard")

    expect(watched.page.locator("#message")).to_contain_text("Send /dashboard to the bot")


def test_the_api_docs_render_from_local_files_under_the_strict_policy(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    page = watched.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_dashboard.base_url}/docs")

    expect(page.locator(".opblock-summary-path", has_text="/exchange/dashboard/overview")).to_be_visible()
    assert all(url.startswith(live_dashboard.base_url) for url in requested), requested
    assert watched.errors == []  # a script or style the policy refused would be a console error
