"""Matching by who gives back is a community setting (issue 17 §5): off by default, switched in the
settings' Matching section, which says what it does (the hold on a new video included, with its
hours), audited like every other setting, in English and Spanish."""

from __future__ import annotations

import pytest

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.bot.settings_switch import turn_on_and_find_it_audited
from tgexchange.domain.community import Community

SAID = {
    "en": {
        "open": "⚙️ Open settings", "section": "🤝 Matching", "off": "Prefer members who give back: off",
        "on": "Prefer members who give back: on", "turn_on": "Turn on", "turn_off": "Turn off",
        "hold": "a new video's first feedback goes to members who finish their tasks (anyone may take it after 6 h)",
        "audit": "🧾 Audit", "audited": "Ada turned on matching by who gives back",
    },
    "es": {
        "open": "⚙️ Abrir ajustes", "section": "🤝 Emparejamiento", "off": "Priorizar a quien devuelve opiniones: no",
        "on": "Priorizar a quien devuelve opiniones: sí", "turn_on": "Activar", "turn_off": "Desactivar",
        "hold": "la primera opinión de un video nuevo va a quien termina sus tareas (pasadas 6 h, cualquiera puede tomarlo)",
        "audit": "🧾 Registro", "audited": "Ada activó el emparejamiento por reciprocidad",
    },
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_admin_reads_what_matching_by_give_back_does_turns_it_on_and_it_is_audited(
    bot: BotHarness, community: Community, language: str
) -> None:
    said = SAID[language]
    ada = TgUser(4500, "Ada", language_code=language)
    settings = await turn_on_and_find_it_audited(bot, community, ada, said, also=(said["hold"],))
    assert settings.match_by_reciprocity is True
