"""The daily report: its figures from the rollups, once per community and day, and its chart
opened and looked at (size, pixels, title and numbers in the caption beside it)."""

from __future__ import annotations

import html
import io
from datetime import timedelta
from pathlib import Path

import pytest
from matplotlib import image as mpimg

from tests.refusals import refused
from tests.world import World
from tgexchange.adapters.report_chart import HEIGHT_PX, WIDTH_PX
from tgexchange.bot.notifications import render_notice
from tgexchange.bot.texts import Texts
from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.errors import InvalidSettings
from tgexchange.services import community as community_service
from tgexchange.services import report
from tgexchange.services.ports import Notice

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def busy_day(world: World) -> tuple[int, int]:
    """A community where three tasks were verified and one was taken, two members asked in vain,
    and three days later the taken one expired; returns (community id, admin id)."""
    community = world.community()
    admin = world.member(community, "Ada Admin", admin=True, link=None)
    owner = world.member(community, "Olga Owner")
    world.submission(owner, wanted=3)
    givers = [world.member(community, name) for name in ("Gina", "Hugo", "Ivan")]
    for giver in givers:
        world.verified(world.task(giver))
    other = world.member(community, "Omar Owner")
    world.submission(other, wanted=1)
    late = world.member(community, "Lena Late")
    world.task(late)
    for asker in (givers[0], owner, givers[0]):  # nothing left for them: two members in vain
        with refused("no_task_available"):
            world.task(asker)
    world.clock.advance(days=3)  # its deadline passes
    from tgexchange.services.sweep import sweep

    sweep(world.uow(), now=world.now)
    world.clock.advance(days=1)
    return community.id, admin.id


def test_the_report_hour_is_a_whole_utc_hour_or_none() -> None:
    assert CommunitySettings().daily_report_hour == 9
    assert CommunitySettings(daily_report_hour=None).daily_report_hour is None
    for bad in (-1, 24, 9.5, True):
        with pytest.raises(InvalidSettings, match="daily report hour"):
            CommunitySettings(daily_report_hour=bad)  # type: ignore[arg-type]
    stored = CommunitySettings(daily_report_hour=None).to_json()
    assert CommunitySettings.from_json(stored).daily_report_hour is None
    del stored["daily_report_hour"]  # settings stored before it existed get the default
    assert CommunitySettings.from_json(stored).daily_report_hour == 9


def test_each_communitys_report_goes_to_its_admins_once_a_day_from_its_hour_on(world: World) -> None:
    community_id, admin_id = busy_day(world)
    at = world.now.replace(hour=8, minute=0)
    assert report.send_daily_reports(world.uow, world.storage.dashboard_reader, now=at) == []  # before 09:00

    first = report.send_daily_reports(world.uow, world.storage.dashboard_reader, now=at.replace(hour=9, minute=3))
    again = report.send_daily_reports(world.uow, world.storage.dashboard_reader, now=at.replace(hour=15))

    assert len(first) == 1
    assert again == []
    with world.uow() as uow:
        assert uow.operations.is_report_sent(community_id, (at - timedelta(days=1)).date())
    assert admin_id


def test_the_report_counts_the_day_and_its_chart_shows_what_its_caption_says(world: World) -> None:
    community_id, admin_id = busy_day(world)
    day = world.now.date() - timedelta(days=1)
    # The tasks were handed out and verified four days ago, the expiry three days ago: report that day.
    verified_day = day - timedelta(days=3)
    built = report.build_daily_report(world.storage.dashboard_reader, community_id=community_id, day=verified_day)
    assert (built.assigned, built.verified, built.rejected, built.expired) == (4, 3, 0, 0)
    assert [g.name for g in built.top_givers] == ["Gina", "Hugo", "Ivan"]
    assert len(built.days) == report.CHART_DAYS
    assert built.days[-1].day == verified_day

    community_service.set_language(world.uow(), member_id=admin_id, language="en")
    (message,) = render_notice(
        Texts(strict=True), world.uow, Notice(admin_id, "daily_report", built.to_params()), now=world.now
    )

    assert message.photo is not None
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "daily-report.png").write_bytes(message.photo)
    pixels = mpimg.imread(io.BytesIO(message.photo), format="png")
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)
    assert pixels.std() > 0.05  # bars, labels and a title, not a blank canvas
    caption = html.unescape(message.text)
    assert f"{built.title}: tasks and verified feedback" in caption  # the chart's own title
    assert "Tasks: 4 · verified: 3" in caption
    assert "Success rate: 100%" in caption
    assert "Gina (1), Hugo (1), Ivan (1)" in caption
    assert built.asked_in_vain == 2
    assert "Found no task to give feedback on: 2 members (more submissions would keep them giving)" in caption
    assert len(message.text) <= 1024


def test_the_spanish_report_names_its_chart_in_spanish(world: World) -> None:
    community_id, admin_id = busy_day(world)
    community_service.set_language(world.uow(), member_id=admin_id, language="es")
    built = report.build_daily_report(
        world.storage.dashboard_reader, community_id=community_id, day=world.now.date() - timedelta(days=1)
    )

    (message,) = render_notice(
        Texts(strict=True), world.uow, Notice(admin_id, "daily_report", built.to_params()), now=world.now
    )

    assert "tareas y comentarios verificados" in html.unescape(message.text)
    assert "Problemas abiertos: ninguno" in html.unescape(message.text)
    assert "No encontraron nada que comentar: nadie" in html.unescape(message.text)  # nobody asked that day


def test_a_report_queued_before_it_counted_members_in_vain_reads_as_nobody(world: World) -> None:
    community_id, _ = busy_day(world)
    built = report.build_daily_report(
        world.storage.dashboard_reader, community_id=community_id, day=world.now.date() - timedelta(days=4)
    )
    params = {k: v for k, v in built.to_params().items() if k != "asked_in_vain"}

    assert built.asked_in_vain == 2
    assert report.DailyReport.from_params(built.to_params()) == built
    assert report.DailyReport.from_params(params).asked_in_vain == 0
