"""Telling a member something: the notice and who delivers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell one member, by ``kind`` (faces pick the words in the member's language)."""

    member_id: int
    kind: str
    params: dict[str, object]


class Notifier(Protocol):
    def notify(self, notice: Notice) -> None:
        """Delivers or queues the notice; never raises for a member who cannot be reached."""
        ...
