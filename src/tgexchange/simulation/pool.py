"""Which requests for a task the simulator may leave unasked: most of them find nothing to give
(issue 15 §4: about 5,800 of 8,100 in the 200-member, 30-day run), and each such call still ran
its own write transaction and five statements before saying so.

A request hands out one of the community's open submissions with a free slot that the member
neither owns nor has served (matching's candidates), or raises. ``OpenSubmissions`` keeps, for
each submission, at least as many free slots as it has: read from storage (the same candidate
query, for nobody in particular) before the members' sessions of each simulated hour, then
counted through what the sessions themselves do: a new submission opens its slots, a task handed
out takes one, a skip gives one back. Within the sessions nothing else frees a slot or opens a
submission (verification, owners' answers and expiry run after them; bans and rings only ever
remove candidates), so the count never falls below the truth. It also knows every submission each
member was handed (every task is made by a request the simulator made; tasks are never deleted).
When no submission with a slot is left for a member, the request would raise whatever else it
checks first, and the simulator reacts to every refusal alike: skipping it decides the same.
"""

from __future__ import annotations

from tgexchange.domain.content import Platform
from tgexchange.services.ports import UnitOfWork

# No member has this id: the candidates "for nobody" are every open submission with a free slot
# whose owner is not banned.
_NOBODY = 0
_NO_LIMIT = 2**31 - 1


class OpenSubmissions:
    def __init__(self) -> None:
        self._owners: dict[int, int] = {}  # submission id -> its owner's member id
        self._free: dict[int, int] = {}  # submission id -> at least its free slots
        self._served: dict[int, set[int]] = {}  # member id -> the submissions they were handed

    def refresh(self, uow: UnitOfWork, *, community_id: int) -> None:
        """Reads the open submissions with a free slot again (call it when anything but the
        members' sessions may have changed them)."""
        with uow:
            found = uow.submissions.candidates(
                community_id=community_id, giver_id=_NOBODY, platforms=frozenset(Platform), limit=_NO_LIMIT
            )
        self._owners = {c.submission_id: c.owner_id for c in found}
        self._free = {c.submission_id: c.free_slots for c in found}

    def opened(self, submission_id: int, owner_id: int, *, slots: int = 1) -> None:
        """``slots`` more free: a new submission's, or one given back by a skip."""
        self._owners[submission_id] = owner_id
        self._free[submission_id] = self._free.get(submission_id, 0) + slots

    def handed(self, member_id: int, submission_id: int) -> None:
        """A task on the submission was handed to the member: one slot fewer."""
        self._served.setdefault(member_id, set()).add(submission_id)
        left = self._free.get(submission_id, 0) - 1
        if left > 0:
            self._free[submission_id] = left
        else:
            self._free.pop(submission_id, None)
            self._owners.pop(submission_id, None)

    def may_have_task_for(self, member_id: int) -> bool:
        """False only when a request for a task by ``member_id`` would certainly be refused."""
        served = self._served.get(member_id, set())
        return any(owner != member_id and s not in served for s, owner in self._owners.items())
