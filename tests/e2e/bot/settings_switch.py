"""The journey of an on/off community setting: an admin opens its section from the group, reads
it is off, turns it on, and finds it on, stored and audited. ``said`` holds what the bot says, in
one language: ``open``, the section's button (``section``), ``off``, ``on``, ``turn_on``,
``turn_off``, ``audit`` and the audit line (``audited``); ``also`` lines the section must show."""

from __future__ import annotations

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.test_admin import community_now, make_admin
from tests.e2e.bot.test_admin_menu import open_from_group
from tests.e2e.bot.transcripts import buttons, plain
from tgexchange.domain.community import Community, CommunitySettings


async def turn_on_and_find_it_audited(
    bot: BotHarness, community: Community, admin: TgUser, said: dict[str, str], *, also: tuple[str, ...] = ()
) -> CommunitySettings:
    """Drives the journey and returns the community's settings after it."""
    make_admin(bot, community, admin)
    main = await open_from_group(bot, community, admin, "/exchange_settings", said["open"])

    section = await bot.press(admin, main, said["section"])
    assert said["off"] in plain(section)
    for line in also:
        assert line in plain(section)
    section = await bot.press(admin, section, said["turn_on"])

    assert said["on"] in plain(section)
    assert said["turn_off"] in buttons(section)
    menu = await bot.say(admin, "/exchange")
    audit = await bot.press(admin, menu, said["audit"])
    assert said["audited"] in plain(audit)
    return community_now(bot, community).settings
