"""Alerts to the operators' own channels through Apprise (email, Slack, Discord, ntfy, a JSON
webhook, ...): one URL per call, so that a failing one is retried alone."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from tgexchange.domain.operations import Anomaly


class AlertNotDelivered(RuntimeError):
    """Apprise could not deliver to the URL (unreachable, refused, a bad URL)."""


def alert_message(anomaly: Anomaly, event: str, *, now: datetime) -> tuple[str, str]:
    """Title and body of an alert ("opened") or a recovery notice ("cleared"), for operators."""
    if event == "cleared":
        lasted = int(((anomaly.cleared_at or now) - anomaly.first_seen).total_seconds() // 60)
        title = f"[tgexchange] resolved: {anomaly.kind.value} ({anomaly.affects})"
        body = f"Anomaly #{anomaly.id} is over after {lasted} min: {anomaly.summary}."
        if anomaly.paused:
            body += " What it paused stays paused until someone resumes it."
        return title, body
    title = f"[tgexchange] {anomaly.kind.value} ({anomaly.affects}), severity {anomaly.severity:.2f}"
    body = f"Anomaly #{anomaly.id} since {anomaly.first_seen:%Y-%m-%d %H:%M} UTC: {anomaly.summary}."
    if anomaly.paused:
        body += f" Paused automatically ({anomaly.affects}); a human resumes (tgexchange resume)."
    return title, body


class AppriseAlerter:
    def send(self, url: str, *, title: str, body: str) -> None:
        """Raises AlertNotDelivered."""
        import apprise

        sender = apprise.Apprise()
        if not sender.add(url):
            raise AlertNotDelivered(f"not an Apprise URL Apprise can use: {self.redacted(url)}")
        if not sender.notify(title=title, body=body):
            raise AlertNotDelivered(f"delivery to {self.redacted(url)} failed")

    @staticmethod
    def redacted(url: str) -> str:
        """Scheme and host only: Apprise URLs carry tokens and passwords."""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname or '…'}"
