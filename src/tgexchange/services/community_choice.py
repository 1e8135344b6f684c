"""Which community a user's private commands act in. A user may belong to several groups; the
community they chose last (the menu, the switch button, an admin's deep link) or joined last is
kept on the membership (``Member.chosen_at``), not in one process's memory, so whichever webhook
process takes their next message acts in it."""

from __future__ import annotations

from datetime import datetime

from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ports import UnitOfWork


@retry_on_conflict()
def choose_community(uow: UnitOfWork, *, member_id: int, now: datetime) -> None:
    """The member's community is the one their private commands act in from now on."""
    with uow:
        member = uow.members.find(member_id)
        if member is not None:
            member.chosen_at = now
            uow.commit()
