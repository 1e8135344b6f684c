"""The wait for a pasted comment. Done on a task whose platform shows no public comments asks the
giver to paste their comment's text in the chat; the wait is kept on the task, not in one
process's memory, so whichever webhook process the text reaches takes it for that task."""

from __future__ import annotations

from datetime import datetime

from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ports import UnitOfWork

_ASSIGNED = frozenset({TaskStatus.ASSIGNED})


def _assigned(uow: UnitOfWork, member_id: int) -> list[Task]:
    return list(uow.tasks.list_for_giver(member_id, statuses=_ASSIGNED, limit=None))


@retry_on_conflict()
def wait_for_text(uow: UnitOfWork, *, member_id: int, task_id: int, now: datetime) -> None:
    """The member's next pasted text is for this task, and no longer for another of theirs (the
    last Done pressed wins, as one conversation would have it)."""
    with uow:
        for task in _assigned(uow, member_id):
            wanted = now if task.id == task_id else None
            if task.text_asked_at != wanted:
                task.text_asked_at = wanted
        uow.commit()


@retry_on_conflict()
def stop_waiting_for_text(uow: UnitOfWork, *, member_id: int) -> bool:
    """Ends the wait (/cancel): the task stays open and its card keeps Done. Whether one waited."""
    with uow:
        waiting = [task for task in _assigned(uow, member_id) if task.text_asked_at is not None]
        for task in waiting:
            task.text_asked_at = None
        uow.commit()
        return bool(waiting)


def awaited_text(uow: UnitOfWork, *, member_id: int) -> int | None:
    """The task a pasted text is for: the one the member last pressed Done on, while it is
    assigned (past its deadline too, so that the member is told why it takes no text); None when
    no text is awaited."""
    with uow:
        waiting = [
            task
            for task in _assigned(uow, member_id)
            if task.text_asked_at is not None and not task.platform.has_public_comments
        ]
    latest = max(waiting, key=lambda task: (task.text_asked_at, task.id), default=None)
    return None if latest is None else latest.id
