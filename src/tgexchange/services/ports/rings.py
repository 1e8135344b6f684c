"""Rings as the use cases see them: the exchange graph and the flagged groups."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from tgexchange.domain.audit import AuditEntry
from tgexchange.domain.ring import Exchange, Ring, RingFinding, RingStatus


class RingStore(Protocol):
    def exchanges(self, *, since: datetime) -> dict[int, list[Exchange]]:
        """Verified tasks decided since ``since``, per community id."""
        ...

    def rings_in(
        self, community_ids: Collection[int] | None, *, statuses: Collection[RingStatus] | None = None
    ) -> list[Ring]: ...

    def find(self, ring_id: int) -> Ring | None: ...

    def save(
        self,
        community_id: int,
        *,
        new: Sequence[RingFinding],
        refreshed: Sequence[tuple[int, RingFinding]],
        now: datetime,
    ) -> list[int]: ...

    def decide(self, ring_id: int, *, status: RingStatus, audit: AuditEntry) -> bool:
        """The decision and its audit entry, together; False when it was decided meanwhile."""
        ...
