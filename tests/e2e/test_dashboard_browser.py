"""The dashboard page in Debian's chromium (Playwright), against a live server on loopback."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    FloatRect,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.e2e.conftest import Dashboard
from tests.outcomes import record_verification_outcome
from tests.reciprocity_history import history
from tests.refusals import refused
from tests.world import World
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.member import Member
from tgexchange.ml import reciprocity_artifact as artifact
from tgexchange.ml.features import build_dataset
from tgexchange.ml.reciprocity_training import train
from tgexchange.services import community as community_service

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
    """Community A on YouTube and TikTok (with a member whose name is HTML), B on YouTube; two
    verified yesterday, the rest today (08:00 UTC: the day is not over)."""
    first = world.community(welcome_credits=500)
    second = world.community(welcome_credits=500)
    world.submission(world.member(first, "Ana"), wanted=5)
    world.submission(world.member(first, "Bo", link=Platform.TIKTOK), wanted=2, platform=Platform.TIKTOK)
    for n in range(2):
        world.verified(world.task(world.member(first, f"Giver {n}")))
    world.clock.advance(hours=20)
    world.verified(world.task(world.member(first, "Giver 2")))
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


def member_named(world: World, community: Community, name: str, username: str | None = None) -> Member:
    member = world.member(community, name)
    if username is not None:
        community_service.join_community(
            world.uow(),
            community_id=community.id,
            telegram_user_id=member.telegram_user_id,
            display_name=name,
            now=world.now,
            username=username,
        )
    return member


def boxes(page: Page, selector: str) -> list[FloatRect]:
    return [box for box in (node.bounding_box() for node in page.locator(selector).all()) if box is not None]


def overlaps(a: FloatRect, b: FloatRect) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def settle(page: Page) -> None:
    """Waits for the page to fit its viewport (charts redraw on resize). (wait_for_function would
    evaluate a string, which the page's CSP rightly forbids.)"""
    for _ in range(50):
        if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)


def test_an_admin_logs_in_through_a_link_and_sees_the_cards_and_five_charts_with_data(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    world = live_dashboard.world
    first, second = two_busy_communities(world)
    on_instagram = world.member(second, "Ivy", link=Platform.INSTAGRAM)  # nobody posts there
    for _ in range(2):  # twice in one hour: one member-hour
        with refused("no_task_available"):
            world.task(on_instagram)

    page = log_in(watched, live_dashboard, first, second)

    expect(page.locator("#card-tasks")).to_have_text("6")
    expect(page.locator("#card-success")).to_have_text("83.3%")
    expect(page.locator("#card-roi")).to_have_text("0.83")
    expect(page.locator("#card-credits")).to_have_text("50")
    expect(page.locator("#card-in-vain")).to_have_text("1")
    expect(page.locator("#card-in-vain-hint")).to_have_text("member, in 1 hour with no task open for them")
    for chart, point in CHARTS.items():
        expect(page.locator(f"#{chart} .main-svg").first).to_be_visible()
        assert page.locator(f"#{chart} {point}").count() >= 2, chart
    expect(page.locator("#errors tbody tr")).to_have_count(1)
    assert watched.errors == []


@pytest.mark.parametrize(("size", "viewport"), [("desktop-1280x800", DESKTOP), ("phone-390x844", PHONE)])
def test_the_page_fits_a_desktop_and_a_phone_and_leaves_screenshots(
    live_dashboard: Dashboard, watched: Watched, size: str, viewport: ViewportSize
) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    watched.page.set_viewport_size(viewport)
    page = log_in(watched, live_dashboard, first, second)
    expect(page.locator("#chart-groups .legend")).to_be_visible()
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"dashboard-{size}.png"
    page.screenshot(path=str(shot), full_page=True)
    for part in ("chart-groups", "chart-members", "chart-daily"):  # at full size, to look at
        page.locator(f"figure:has(#{part})").screenshot(path=str(ARTIFACTS / f"dashboard-{size}-{part}.png"))
    page.locator("section[aria-labelledby=errors-title]").screenshot(
        path=str(ARTIFACTS / f"dashboard-{size}-errors.png")
    )

    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling
    card = page.locator(".card").first.bounding_box()
    chart = page.locator("#chart-daily .main-svg").first.bounding_box()
    detail = page.locator("#errors tbody td[data-label=Detail]").first.bounding_box()
    assert card is not None
    assert chart is not None
    assert detail is not None
    assert chart["width"] <= viewport["width"]
    assert detail["width"] >= 150  # the detail reads as text, not a column of single characters
    if viewport is PHONE:
        assert card["width"] < PHONE["width"] / 2  # two cards per row
    for bars in ("chart-groups", "chart-members"):
        legend = page.locator(f"#{bars} .legend").bounding_box()
        assert legend is not None
        names = boxes(page, f"#{bars} .ytick text") + boxes(page, f"#{bars} .xtick text")
        assert names, bars
        assert not any(overlaps(legend, name) for name in names), bars  # no name runs into the legend
        assert legend["x"] + legend["width"] <= viewport["width"], bars
    assert shot.stat().st_size > 10_000
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
    # The page asks again 8-12 s later; the app's clock stands still in tests, and the answers it
    # shares expire on that clock (DASHBOARD_SHARED_S), so that much of it has to pass too.
    world.clock.advance(seconds=live_dashboard.settings.dashboard_shared_s)

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
    world = live_dashboard.world
    world.verified(world.task(world.member(first, XSS_NAME)))  # in the members chart too
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
    alexes = sorted(label for label in labels if label.startswith("Alex"))
    assert len(set(alexes)) == 2  # told apart, by their member ids
    assert all(re.fullmatch(r"Alex #\d+", label) for label in alexes), alexes
    assert watched.errors == []


def test_members_with_one_name_are_told_apart_by_their_username(live_dashboard: Dashboard, watched: Watched) -> None:
    world = live_dashboard.world
    community = world.community(welcome_credits=500)
    world.submission(world.member(community, "Owner"), wanted=3)
    for username in ("maria_films", "maria_vlogs"):
        world.verified(world.task(member_named(world, community, "María", username)))
    world.verified(world.task(member_named(world, community, "Unique", "unique_one")))

    page = log_in(watched, live_dashboard, community)

    labels = page.locator("#chart-members .ytick text").all_text_contents()
    assert {"María @maria_films", "María @maria_vlogs", "Unique"} <= set(labels)  # a unique name stays short
    assert watched.errors == []


def test_the_bar_colours_have_a_legend(live_dashboard: Dashboard, watched: Watched) -> None:
    world = live_dashboard.world
    community = world.community(welcome_credits=500, max_feedback_per_submission=50)
    steady = world.member(community, "Steady")
    for n in range(5):
        world.submission(world.member(community, f"Owner {n}"), wanted=1)
        world.verified(world.task(steady))
    world.submission(world.member(community, "Last owner"), wanted=1)
    world.verified(world.task(world.member(community, "New")))

    page = log_in(watched, live_dashboard, community)

    entries = page.locator("#chart-members .legend .legendtext").all_text_contents()
    assert entries == ["trusted (5+ judged tasks, 80%+ verified)", "not trusted yet"]
    assert page.locator("#chart-groups .legend .legendtext").all_text_contents() == [
        "tasks handed out",
        "verified feedback",
    ]
    assert watched.errors == []


def test_the_roi_card_says_what_roi_is(live_dashboard: Dashboard, watched: Watched) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)

    card = page.locator("#card-roi-card")
    expect(card.locator("h2")).to_have_text("ROI feedback received ÷ given")
    expect(page.locator("#card-roi-hint")).to_have_text("5 received ÷ 6 given")
    assert "ROI (return on feedback) = feedback received ÷ feedback given" in (card.get_attribute("title") or "")
    expect(page.locator("#card-success-hint")).to_have_text("5 verified of 6 judged or expired")


def test_without_a_session_the_page_says_how_to_log_in(live_dashboard: Dashboard, watched: Watched) -> None:
    watched.page.goto(f"{live_dashboard.base_url}/exchange/dashboard")

    expect(watched.page.locator("#message-title")).to_have_text("Log in to the dashboard")
    expect(watched.page.locator("#next-step")).to_contain_text("run tgexchange demo again")


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


def test_the_daily_chart_counts_whole_days_and_marks_today_as_not_over(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)

    # All time starts at the first day with data (yesterday), not 90 days back.
    expect(page.locator("#daily-range")).to_have_text("(Mar 2 – Mar 3)")
    expect(page.locator("#chart-daily .legend .legendtext")).to_have_text(
        ["verified per day", "today, so far (the day is not over)"]
    )
    assert page.locator("#chart-daily .scatterlayer .trace").count() == 2  # today drawn apart (dotted, hollow)
    assert page.locator("#chart-daily .xtick text").all_text_contents() == ["Mar 2", "Mar 3"]

    page.select_option("#period", "daily")

    expect(page.locator("#daily-range")).to_have_text("(Mar 3)")
    expect(page.locator("#chart-daily .xtick text")).to_have_text(["Mar 3"])  # a day, not milliseconds
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#chart-daily").screenshot(path=str(ARTIFACTS / "dashboard-daily-today.png"))
    assert watched.errors == []


def test_today_with_nothing_verified_says_so_on_a_day_axis(live_dashboard: Dashboard, watched: Watched) -> None:
    world = live_dashboard.world
    community = world.community(welcome_credits=500)
    world.submission(world.member(community, "Owner"), wanted=1)
    world.task(world.member(community, "Busy"))

    page = log_in(watched, live_dashboard, community)
    page.select_option("#period", "daily")

    expect(page.locator("#chart-daily .annotation-text")).to_have_text("No verified feedback in this period yet")
    ticks = page.locator("#chart-daily .xtick text").all_text_contents()
    assert ticks == ["Mar 2"], ticks
    assert watched.errors == []


def test_top_members_follow_the_period_and_top_communities_the_community(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    world = live_dashboard.world
    first = world.community(welcome_credits=500)
    second = world.community(welcome_credits=500)
    world.submission(world.member(first, "Owner"), wanted=5)
    veteran = world.member(first, "Veteran")
    world.verified(world.task(veteran))
    world.clock.advance(days=10)
    world.verified(world.task(world.member(first, "Newcomer")))
    world.submission(world.member(second, "Other owner"), wanted=1)
    world.verified(world.task(world.member(second, "Elsewhere")))
    page = log_in(watched, live_dashboard, first, second)
    expect(page.locator("#chart-members .ytick text", has_text="Veteran")).to_have_count(1)

    page.select_option("#period", "weekly")

    expect(page.locator("#chart-members .ytick text", has_text="Veteran")).to_have_count(0)
    expect(page.locator("#chart-members .ytick text", has_text="Newcomer")).to_have_count(1)

    page.select_option("#community", str(second.id))

    expect(page.locator("#chart-groups .ytick text")).to_have_text([second.title])
    expect(page.locator("#chart-members .ytick text")).to_have_text(["Elsewhere"])
    assert watched.errors == []


def test_the_filters_survive_a_reload_through_the_address(live_dashboard: Dashboard, watched: Watched) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)

    page.select_option("#community", str(second.id))
    page.select_option("#period", "weekly")
    expect(page).to_have_url(f"{live_dashboard.base_url}/exchange/dashboard?community_id={second.id}&period=weekly")
    page.reload()

    expect(page.locator("#community")).to_have_value(str(second.id))
    expect(page.locator("#period")).to_have_value("weekly")
    expect(page.locator("#card-tasks")).to_have_text("1")
    expect(page.locator("a[data-entity=users][data-export=csv]")).to_have_attribute(
        "href", f"/exchange/dashboard/export/csv?community_id={second.id}&period=weekly&entity_type=users"
    )
    page.select_option("#community", "")
    page.select_option("#period", "all")
    expect(page).to_have_url(f"{live_dashboard.base_url}/exchange/dashboard")
    assert watched.errors == []


def test_an_address_with_filters_one_may_not_see_falls_back_to_the_defaults(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first)

    page.goto(f"{live_dashboard.base_url}/exchange/dashboard?community_id={second.id}&period=yearly")

    expect(page.locator("#community")).to_have_value("")
    expect(page.locator("#period")).to_have_value("all")
    expect(page.locator("#card-tasks")).to_have_text("5")
    assert watched.errors == []


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_used_link_gets_a_styled_page_that_says_how_to_get_a_new_one_in_the_demo(
    live_dashboard: Dashboard, watched: Watched, size: str, viewport: ViewportSize
) -> None:
    page = watched.page
    page.set_viewport_size(viewport)
    link = live_dashboard.login_url(live_dashboard.admin(live_dashboard.world.community()))
    page.goto(link)
    page.context.clear_cookies()

    page.goto(link)

    expect(page.locator("#message-title")).to_have_text("This login link cannot be used")
    expect(page.locator("#next-step")).to_contain_text("runs without a Telegram bot")
    expect(page.locator("#next-step")).to_contain_text("run tgexchange demo again")
    expect(page.locator("#next-step code")).to_have_text("tgexchange demo")
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(245, 246, 248)"
    assert page.locator(".bar h1").is_visible()  # the dashboard's own bar and colours
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"link-used-{size}.png"), full_page=True)
    assert [e for e in watched.errors if "status of 401" not in e] == []  # the page itself is a 401


def test_the_model_panel_says_there_is_none_then_shows_the_card_and_its_calibration(
    live_dashboard: Dashboard, watched: Watched
) -> None:
    first, second = two_busy_communities(live_dashboard.world)
    page = log_in(watched, live_dashboard, first, second)
    expect(page.locator("#model-card")).to_contain_text("No model yet: matching uses members' own records")
    expect(page.locator("#model-figure")).to_be_hidden()

    tasks, members, _ = history(members=40, tasks=2000)
    trained = train(build_dataset(tasks, members), version="reciprocity-browser")
    artifact.save(trained.model, trained.card, live_dashboard.settings.model_dir, holdout=trained.holdout)
    artifact.promote("reciprocity-browser", live_dashboard.settings.model_dir)
    page.reload()

    card = trained.card
    expect(page.locator("#model-card")).to_contain_text(f"tested on the newest {card['samples']['test']:,}.")
    everything = card["served"]["train"] + card["served"]["calibration"]
    expect(page.locator("#model-card")).to_contain_text(f"refitted on all {everything:,} tasks, the newest included.")
    expect(page.locator("#model-card")).to_contain_text(
        f"AUC {card['roc_auc']:.2f} against {card['baseline_auc']:.2f} for members' own records"
    )
    expect(page.locator("#chart-calibration .main-svg").first).to_be_visible()
    # The diagonal and the model's line, one marker per calibration bin.
    assert page.locator("#chart-calibration .scatterlayer .trace").count() == 2
    assert page.locator("#chart-calibration .scatterlayer .trace:last-child .point").count() == len(card["calibration"])
    assert watched.errors == []
