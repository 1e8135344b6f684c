"""Entities the store numbers: the id exists once the entity is saved, and reading it earlier is a bug."""

from __future__ import annotations

from dataclasses import dataclass, field


class NotStoredYet(RuntimeError):
    """A programming error: an entity's id was read before its first flush gave it one."""

    def __init__(self, entity: str) -> None:
        super().__init__(f"{entity} has no id until it is stored (flush the unit of work first)")


@dataclass(eq=False, kw_only=True)
class Stored:
    """Base of every stored entity. ``id`` is an ``int``, never ``None`` and never a silent 0: the
    mapper fills ``_id`` on flush, and a read before that raises instead of passing 0 along."""

    _id: int | None = field(default=None, repr=False)

    @property
    def id(self) -> int:
        if self._id is None:
            raise NotStoredYet(type(self).__name__)
        return self._id

    @property
    def is_stored(self) -> bool:
        return self._id is not None
