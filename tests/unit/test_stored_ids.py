"""Stored entities: the id is an int once saved, and reading it before raises instead of giving 0."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tgexchange.bootstrap import Storage
from tgexchange.domain.community import Community
from tgexchange.domain.stored import NotStoredYet

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_an_unsaved_entity_has_no_id_and_says_so() -> None:
    group = Community(telegram_chat_id=-100, title="Group", created_at=T0)

    assert not group.is_stored
    with pytest.raises(NotStoredYet, match="Community has no id until it is stored"):
        _ = group.id


def test_the_first_flush_gives_the_id(sqlite_storage: Storage) -> None:
    group = Community(telegram_chat_id=-100, title="Group", created_at=T0)
    with sqlite_storage.uow() as uow:
        uow.communities.add(group)
        uow.flush()
        assert group.is_stored
        assert isinstance(group.id, int)
        assert group.id > 0
        uow.commit()
        stored_id = group.id

    with sqlite_storage.uow() as uow:
        again = uow.communities.find(stored_id)
        assert again is not None
        assert again.id == stored_id
