"""The ring detection's job: every RING_DETECTION_EVERY_H (6 by default) it runs the rule over the
last 30 days of verified tasks and stores what it finds, one run at a time across every worker.

A periodic job looks every five minutes whether a run is due; when the last one ran is kept in the
queue's storage, so every worker agrees and a restart does not run it again at once. A run that
flags new groups in a community tells its admins once (``rings_flagged``, with a button to the
list); refreshed groups tell nobody again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.exceptions import TaskLockedException

from tgexchange.bootstrap import Container
from tgexchange.services import ring as ring_service
from tgexchange.services.notifications import deliver_notices
from tgexchange.worker.locks import ExpiringLock

log = structlog.get_logger("tgexchange.worker.rings")

DETECTED_AT = "rings:detected_at"
LOCK_TTL_S = 900  # far longer than a run over a large community's month


def register_ring_jobs(huey: Huey, container: Container) -> TaskWrapper:
    every = timedelta(hours=container.settings.ring_detection_every_h)

    def is_due(now: datetime) -> bool:
        stamp = huey.get(DETECTED_AT, peek=True)
        return stamp is None or now.timestamp() - float(stamp) >= every.total_seconds()

    @huey.periodic_task(crontab(minute="*/5"), name="detect_rings")
    def detect_rings_job() -> dict[str, object]:
        """Flags groups that mostly serve each other (see domain.ring) when a run is due."""
        now = container.clock.now()
        if not is_due(now):
            return {"due": False}
        try:
            with ExpiringLock(huey, "rings", ttl_s=LOCK_TTL_S):
                if not is_due(now):  # another worker ran it while this one waited
                    return {"due": False}
                huey.put(DETECTED_AT, now.timestamp())  # an attempt counts: a failing one waits a period
                run = ring_service.detect_rings(container.storage.rings, now=now)
                told = ring_service.tell_admins(container.storage.uow(), run, now=now)
        except TaskLockedException:
            return {"skipped": "another worker is on it"}
        if told:  # what fails waits in the outbox for the delivery job
            deliver_notices(container.storage.outbox, container.notifier, now=now, ids=told)
        done: dict[str, object] = {
            "due": True,
            "communities": run.communities,
            "found": run.found,
            "flagged": len(run.flagged),
            "refreshed": run.refreshed,
            "left_cleared": run.left_cleared,
            "notices": len(told),
        }
        log.info("rings_detected", **done)
        return done

    return detect_rings_job
