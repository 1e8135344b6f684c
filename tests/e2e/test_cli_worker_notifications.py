"""``tgexchange worker`` messages members through the Bot API when it has the bot's token."""

from __future__ import annotations

from tests.fakes import FakeClock
from tgexchange.adapters.notifications import LogNotifier
from tgexchange.bootstrap import Container, Storage
from tgexchange.bot.notifications import TelegramNotifier
from tgexchange.cli.worker import use_telegram_notifier
from tgexchange.config import Settings


def test_a_worker_with_the_bot_token_notifies_through_telegram(sqlite_storage: Storage) -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN="123:abc")  # type: ignore[call-arg]
    container = Container(settings=settings, storage=sqlite_storage, clock=FakeClock())
    assert isinstance(container.notifier, LogNotifier)
    assert use_telegram_notifier(container)
    assert isinstance(container.notifier, TelegramNotifier)


def test_a_worker_without_a_token_keeps_notices_in_the_log(sqlite_storage: Storage) -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN="")  # type: ignore[call-arg]
    container = Container(settings=settings, storage=sqlite_storage, clock=FakeClock())
    assert not use_telegram_notifier(container)
    assert isinstance(container.notifier, LogNotifier)
