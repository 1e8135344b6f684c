"""Column types that keep the domain's values exact on every database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.quality import ContentTopic


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out. SQLite keeps no offset, so values are stored as naive UTC
    there and made aware again on the way out."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002 - SQLAlchemy's signature
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Distinct settings texts remembered per dialect: a handful of communities, read on every use case.
_SETTINGS_REMEMBERED = 256


class SettingsJSON(TypeDecorator[CommunitySettings]):
    impl = sa.JSON
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        """The settings parsed once per distinct JSON text: every use case a member starts reads
        their community, and parsing was 2% of the simulator's time. ``CommunitySettings`` is
        frozen, so one instance can serve every read. Where the driver hands over parsed JSON
        (PostgreSQL) it is parsed as before."""
        parse = super().result_processor(dialect, coltype)
        if parse is None:
            return None
        known: dict[str, Any] = {}

        def remembered(value: Any) -> Any:
            if not isinstance(value, str):
                return parse(value)
            found = known.get(value)
            if found is None:
                if len(known) >= _SETTINGS_REMEMBERED:
                    known.clear()
                found = known[value] = parse(value)
            return found

        return remembered

    def process_bind_param(self, value: CommunitySettings | None, dialect: Dialect) -> dict[str, Any] | None:  # noqa: ARG002 - SQLAlchemy's signature
        return None if value is None else value.to_json()

    def process_result_value(self, value: dict[str, Any] | None, dialect: Dialect) -> CommunitySettings | None:  # noqa: ARG002 - SQLAlchemy's signature
        return None if value is None else CommunitySettings.from_json(value)


class TopicJSON(TypeDecorator[ContentTopic]):
    """A submission's ``ContentTopic`` (what its feedback should be about) as a JSON object."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: ContentTopic | None, dialect: Dialect) -> dict[str, Any] | None:  # noqa: ARG002 - SQLAlchemy's signature
        return None if value is None else value.to_json()

    def process_result_value(self, value: dict[str, Any] | None, dialect: Dialect) -> ContentTopic | None:  # noqa: ARG002 - SQLAlchemy's signature
        return None if value is None else ContentTopic.from_json(value)


def enum_column_type(enum: type[StrEnum]) -> sa.Enum:
    """Stores an enum by its value as a short string on every database."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
