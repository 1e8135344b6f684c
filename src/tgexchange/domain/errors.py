"""Typed refusals. Each carries a stable ``code`` (faces translate it) and the facts behind it."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A rule of the exchange refused the request; nothing was changed."""

    code: ClassVar[str] = "domain_error"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"No {what} with id {key!r}.", what=what, key=key)


class CommunityNotFound(NotFound):
    code = "community_not_found"

    def __init__(self, key: object) -> None:
        super().__init__("community", key)


class MemberNotFound(NotFound):
    code = "member_not_found"

    def __init__(self, key: object) -> None:
        super().__init__("member", key)


class SubmissionNotFound(NotFound):
    code = "submission_not_found"

    def __init__(self, key: object) -> None:
        super().__init__("submission", key)


class TaskNotFound(NotFound):
    code = "task_not_found"

    def __init__(self, key: object) -> None:
        super().__init__("task", key)


class MemberBanned(DomainError):
    code = "member_banned"

    def __init__(self, member_id: int) -> None:
        super().__init__("You are banned from this community.", member_id=member_id)


class NotAnAdmin(DomainError):
    code = "not_an_admin"

    def __init__(self, member_id: int) -> None:
        super().__init__("Only the community's admins can do that.", member_id=member_id)


class CommunityPaused(DomainError):
    code = "community_paused"

    def __init__(self, community_id: int, reason: str | None) -> None:
        super().__init__(
            "The exchange in this community is paused"
            + (f": {reason}" if reason else ".")
            + " Try again when an admin resumes it.",
            community_id=community_id,
            reason=reason,
        )


class ExchangePaused(CommunityPaused):
    """The operator's global kill switch is on: every community is paused. Its reason is for the
    operator's audit, not for members."""

    code = "exchange_paused"

    def __init__(self, community_id: int) -> None:
        DomainError.__init__(
            self,
            "The whole exchange is paused by its operator for now. Nothing is lost: try again later.",
            community_id=community_id,
        )


class ExchangeNotPaused(DomainError):
    code = "exchange_not_paused"

    def __init__(self) -> None:
        super().__init__("The exchange is not paused as a whole.")


class CommunityNotPaused(DomainError):
    code = "community_not_paused"

    def __init__(self, community_id: int) -> None:
        super().__init__("The exchange is not paused.", community_id=community_id)


class ChatTaken(DomainError):
    code = "chat_taken"

    def __init__(self, telegram_chat_id: int) -> None:
        super().__init__(
            "This group's new chat already has a community that members joined; the two cannot be merged here.",
            telegram_chat_id=telegram_chat_id,
        )


class InvalidSettings(DomainError):
    code = "invalid_settings"

    def __init__(self, detail: str) -> None:
        super().__init__(f"Invalid community settings: {detail}", detail=detail)


class InsufficientCredits(DomainError):
    code = "insufficient_credits"

    def __init__(self, needed: int, available: int) -> None:
        super().__init__(
            f"You need {needed} credits but have {available}. Give feedback on other members' work to earn more.",
            needed=needed,
            available=available,
        )


class DuplicatePosting(DomainError):
    code = "duplicate_posting"

    def __init__(self, key: str) -> None:
        super().__init__(f"Credits for {key} were already moved.", key=key)


class InvalidAmount(DomainError):
    code = "invalid_amount"

    def __init__(self, amount: int) -> None:
        super().__init__(f"A transfer moves a positive whole number of credits, not {amount}.", amount=amount)


class SelfTransfer(DomainError):
    code = "self_transfer"

    def __init__(self) -> None:
        super().__init__("A transfer needs two different accounts.")


class PlatformNotAllowed(DomainError):
    code = "platform_not_allowed"

    def __init__(self, platform: str, allowed: list[str]) -> None:
        super().__init__(
            f"This community does not accept {platform} content. Accepted: {', '.join(allowed)}.",
            platform=platform,
            allowed=allowed,
        )


class NoChannelLinked(DomainError):
    code = "no_channel_linked"

    def __init__(self, platform: str | None) -> None:
        where = f"a {platform} channel" if platform else "a channel"
        super().__init__(f"Link {where} first with /link.", platform=platform)


class ChannelAlreadyLinked(DomainError):
    code = "channel_already_linked"

    def __init__(self, platform: str, channel_id: str) -> None:
        super().__init__(
            "That channel is already linked to a member of this community.",
            platform=platform,
            channel_id=channel_id,
        )


class NotYourContent(DomainError):
    code = "not_your_content"

    def __init__(self, content_channel_id: str) -> None:
        super().__init__(
            "That content belongs to a channel you have not linked. You can only submit your own work.",
            content_channel_id=content_channel_id,
        )


class DuplicateSubmission(DomainError):
    code = "duplicate_submission"

    def __init__(self, content_id: str) -> None:
        super().__init__("That content is already waiting for feedback in this community.", content_id=content_id)


class ChannelIsNotContent(DomainError):
    """A channel or profile link sent to ask for feedback: feedback is on one video or post."""

    code = "channel_is_not_content"

    def __init__(self, platform: str) -> None:
        super().__init__("That is a channel page; feedback is asked for one video or post.", platform=platform)


class InvalidFeedbackCount(DomainError):
    code = "invalid_feedback_count"

    def __init__(self, wanted: int, maximum: int) -> None:
        super().__init__(
            f"Ask for between 1 and {maximum} pieces of feedback, not {wanted}.",
            wanted=wanted,
            maximum=maximum,
        )


class ProofNotStarted(DomainError):
    code = "proof_not_started"

    def __init__(self) -> None:
        super().__init__("Start with /link to get a code first.")


class ProofExpired(DomainError):
    code = "proof_expired"

    def __init__(self) -> None:
        super().__init__("That code has expired. Send /link again for a new one.")


class ProofNotFound(DomainError):
    code = "proof_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"No comment with the code {code} by the video's own channel was found yet. "
            "Post it as a comment from your channel on one of your own videos, then try again.",
            proof_code=code,
        )


class NotYourTask(DomainError):
    code = "not_your_task"

    def __init__(self, task_id: int) -> None:
        super().__init__("That task is not yours.", task_id=task_id)


class IllegalTransition(DomainError):
    code = "illegal_transition"

    def __init__(self, task_id: int | None, current: str, wanted: str) -> None:
        super().__init__(
            f"This task is {current}; it cannot become {wanted}.",
            task_id=task_id,
            current=current,
            wanted=wanted,
        )


class TaskDeadlinePassed(DomainError):
    code = "task_deadline_passed"

    def __init__(self, task_id: int) -> None:
        super().__init__("This task's deadline has passed. Ask for a new one with /task.", task_id=task_id)


class TooManyOpenTasks(DomainError):
    code = "too_many_open_tasks"

    def __init__(self, open_tasks: int, maximum: int) -> None:
        super().__init__(
            f"You already have {open_tasks} open tasks (the limit is {maximum}). Finish or skip one first.",
            open_tasks=open_tasks,
            maximum=maximum,
        )


class NoTaskAvailable(DomainError):
    code = "no_task_available"

    def __init__(self, opens_within_h: int = 0) -> None:
        """``opens_within_h``: hours until a submission held from this giver opens (0: none held)."""
        held = f" One held for members who give back opens to everyone within {opens_within_h} h."
        message = "Nothing is waiting for your feedback right now." + (held if opens_within_h else " Try again later.")
        super().__init__(message, opens_within_h=opens_within_h)


class SubmissionClosed(DomainError):
    code = "submission_closed"

    def __init__(self, submission_id: int, status: str) -> None:
        super().__init__(f"That submission is already {status}.", submission_id=submission_id, status=status)


class NotYourSubmission(DomainError):
    code = "not_your_submission"

    def __init__(self, submission_id: int) -> None:
        super().__init__("That submission is not yours.", submission_id=submission_id)


class TextTooLong(DomainError):
    code = "text_too_long"

    def __init__(self, length: int, maximum: int) -> None:
        super().__init__(
            f"That text is {length} characters long; the limit is {maximum}.", length=length, maximum=maximum
        )


class ContentUnavailable(DomainError):
    code = "content_unavailable"

    def __init__(self, url: str, detail: str | None = None) -> None:
        super().__init__(
            "That content is not publicly available (deleted, private or region-locked).",
            url=url,
            detail=detail,
        )


class PlatformUnavailable(DomainError):
    """A platform did not answer or limited our rate. Transient: retry later, never reject."""

    code = "platform_unavailable"

    def __init__(self, platform: str, detail: str | None = None, *, retry_after_s: float | None = None) -> None:
        super().__init__(
            f"{platform} is not answering right now. Please try again in a few minutes.",
            platform=platform,
            detail=detail,
            retry_after_s=retry_after_s,
        )
        self.retry_after_s = retry_after_s


class UnsupportedLink(DomainError):
    """A pasted link is not one piece of public content the exchange takes.

    ``reason`` (also in ``params``) is one of ``REASONS``, a stable code: the faces say why, and
    what is accepted instead, from their catalogues (``link-why-<reason>``). ``facts`` are
    what the words need (``maximum`` for ``too_long``). An unknown reason is a programming error
    and raises ValueError."""

    code = "unsupported_link"

    REASONS: ClassVar[frozenset[str]] = frozenset(
        {
            "empty",
            "too_long",
            "not_a_link",
            "scheme",
            "credentials",
            "port",
            "non_ascii_host",
            "lookalike_host",
            "unknown_site",
            "unsupported_page",
            "invalid_id",
            "playlist",
            "search",
            "hashtag",
            "feed",
            "explore",
            "sound",
            "story",
            "live",
            "share_link",
            "clip",
        }
    )

    def __init__(self, reason: str, **facts: object) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"unknown link refusal reason {reason!r}")
        # The message is for logs only: a code and facts, no words for members.
        super().__init__(f"{self.code}: {reason}", reason=reason, **facts)
        self.reason = reason


class ShortLinkNeedsLookup(DomainError):
    """A TikTok short link (vm./vt.tiktok.com, tiktok.com/t/) hides which video it points to; only
    following its redirect tells. ``url`` is the short link in a normal form, safe to request."""

    code = "short_link_needs_lookup"

    def __init__(self, url: str) -> None:
        super().__init__(f"{self.code}: {url}", url=url)
        self.url = url
