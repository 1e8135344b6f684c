"""The notifier for when no Telegram bot is configured: notices go to the structured log."""

from __future__ import annotations

import structlog

from tgexchange.services.ports import DeliveryOutcome, Notice

log = structlog.get_logger("tgexchange.notice")


class LogNotifier:
    def deliver(self, notice: Notice) -> DeliveryOutcome:
        log.info(
            "notice", member_id=notice.member_id, kind=notice.kind, **{k: str(v) for k, v in notice.params.items()}
        )
        return DeliveryOutcome.SENT
