"""A member's own account on a platform and the one-time code that proves they own it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tgexchange.domain.content import ContentInfo, Platform, PublicComment
from tgexchange.domain.errors import ProofExpired, ProofNotFound
from tgexchange.domain.stored import Stored

PROOF_TTL = timedelta(hours=1)
# Unambiguous characters only: people retype these codes by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_PATTERN = re.compile(r"(?<![A-Z0-9])TGX-[A-Z0-9]{6}(?![A-Z0-9])")


def new_proof_code() -> str:
    return "TGX-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def contains_code(text: str, code: str) -> bool:
    return code in _CODE_PATTERN.findall(text.upper())


@dataclass(eq=False, kw_only=True)
class Channel(Stored):
    member_id: int
    community_id: int
    platform: Platform
    channel_id: str
    linked_at: datetime
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ProofEvidence:
    """Where the code was found: a comment (platforms with public comments) or the description
    of the member's own post (platforms without)."""

    channel_id: str
    channel_name: str | None
    comment_id: str | None


@dataclass(eq=False, kw_only=True)
class OwnershipProof(Stored):
    member_id: int
    platform: Platform
    code: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by_update: int | None = None  # the Telegram update whose link used the code

    @classmethod
    def start(cls, *, member_id: int, platform: Platform, now: datetime) -> OwnershipProof:
        return cls(
            member_id=member_id,
            platform=platform,
            code=new_proof_code(),
            created_at=now,
            expires_at=now + PROOF_TTL,
        )

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at or self.used_at is not None

    def ensure_usable(self, now: datetime) -> None:
        if self.is_expired(now):
            raise ProofExpired()

    def find_evidence(self, *, content: ContentInfo, comments: Iterable[PublicComment], now: datetime) -> ProofEvidence:
        """Proof of ownership of ``content``'s channel. On platforms with public comments, a
        comment carrying the code whose author is the content's own channel; elsewhere, the code
        in the content's own description. Raises ProofExpired or ProofNotFound."""
        self.ensure_usable(now)
        if self.platform.has_public_comments:
            for comment in comments:
                if comment.author_channel_id == content.channel_id and contains_code(comment.text, self.code):
                    return ProofEvidence(content.channel_id, content.channel_name, comment.comment_id)
        elif content.description and contains_code(content.description, self.code):
            return ProofEvidence(content.channel_id, content.channel_name, None)
        raise ProofNotFound(self.code)

    def use(self, now: datetime, *, update_id: int | None = None) -> None:
        self.used_at = now
        self.used_by_update = update_id

    def used_by(self, update_id: int | None) -> bool:
        """Whether this code was used by the link in ``update_id`` (so that update, handled again
        after a crash, is the proof again)."""
        return update_id is not None and self.used_at is not None and self.used_by_update == update_id
