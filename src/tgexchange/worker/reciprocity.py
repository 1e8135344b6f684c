"""The reciprocity model's jobs: retrain on a schedule (daily by default) and refresh the scores
matching reads (hourly by default), one run at a time across every worker.

One periodic job looks every minute whether either is due; when each last ran is kept in the
queue's storage, so every worker agrees and a restart does not retrain at once. When the scores
had to come from the cold start because the promoted model no longer loads (an upgrade changed
the features or scikit-learn, or its file was tampered with), the job retrains at once, at most
once per ``REFUSED_RETRY``, instead of leaving matching on members' own records until the next
daily run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.exceptions import TaskLockedException

from tgexchange.adapters.reciprocity import COLD_START
from tgexchange.bootstrap import Container
from tgexchange.services import reciprocity as reciprocity_service
from tgexchange.worker.locks import ExpiringLock

log = structlog.get_logger("tgexchange.worker.reciprocity")

TRAINED_AT = "reciprocity:trained_at"
SCORED_AT = "reciprocity:scored_at"
LOCK_TTL_S = 3600  # longer than a retrain on a large history
REFUSED_RETRY = timedelta(hours=1)


def register_reciprocity_jobs(huey: Huey, container: Container) -> TaskWrapper:
    settings = container.settings
    retrain_every = timedelta(hours=settings.reciprocity_retrain_every_h)
    score_every = timedelta(minutes=settings.reciprocity_scores_every_min)

    def last(key: str) -> datetime | None:
        stamp = huey.get(key, peek=True)
        return None if stamp is None else datetime.fromtimestamp(float(stamp), tz=container.clock.now().tzinfo)

    def is_due(key: str, every: timedelta, now: datetime) -> bool:
        then = last(key)
        return then is None or now - then >= every

    @huey.periodic_task(crontab(minute="*"), name="reciprocity")
    def reciprocity_job() -> dict[str, object]:
        """Retrains when due (promoting only a model not worse than the one in use), then
        refreshes the scores when due or after a promotion."""
        now = container.clock.now()
        if not (is_due(TRAINED_AT, retrain_every, now) or is_due(SCORED_AT, score_every, now)):
            return {"due": False}
        done: dict[str, object] = {"due": True}
        learner = container.reciprocity_learner

        def train() -> bool:
            huey.put(TRAINED_AT, now.timestamp())  # an attempt counts: a failing one waits a period
            try:
                retrained = reciprocity_service.retrain(learner)
            except ValueError as error:  # too little history yet
                log.info("reciprocity_not_trained", reason=str(error))
                return False
            done.update(version=retrained.card["version"], promoted=retrained.promoted, auc=retrained.card["roc_auc"])
            log.info("reciprocity_trained", **done)
            return retrained.promoted

        def score() -> str:
            version, stored = reciprocity_service.refresh_scores(learner, container.reciprocity_scores, now=now)
            huey.put(SCORED_AT, now.timestamp())
            done.update(scored=stored, scored_with=version)
            log.info("reciprocity_scored", version=version, scores=stored)
            return version

        try:
            with ExpiringLock(huey, "reciprocity", ttl_s=LOCK_TTL_S):
                promoted = is_due(TRAINED_AT, retrain_every, now) and train()
                if promoted or is_due(SCORED_AT, score_every, now):
                    scored_with = score()
                    if scored_with == COLD_START and is_due(TRAINED_AT, REFUSED_RETRY, now) and learner.refused():
                        done["retrained_because"] = "the model in use was refused"
                        if train():
                            score()
        except TaskLockedException:
            return {"skipped": "another worker is on it"}
        return done

    return reciprocity_job
