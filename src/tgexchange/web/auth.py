"""Who is asking: the operator (``Authorization: Bearer <OPERATOR_TOKEN>``) or an admin with a
signed session cookie from a login link. Anything else is 401; an admin asking for a community
they do not run is 403 (NotYourCommunity, mapped in app.py)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, TypeGuard
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, status
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from tgexchange.bootstrap import Container
from tgexchange.domain.dashboard import SessionEnded, Viewer
from tgexchange.domain.errors import NotAnAdmin
from tgexchange.services import dashboard as dashboard_service
from tgexchange.web.viewers import SessionChecks

SESSION_COOKIE = "tgx_dashboard"
SESSION_MAX_AGE_S = 8 * 3600
COOKIE_PATH = "/exchange/dashboard"
_SALT = "tgexchange.dashboard.session"


@dataclass(frozen=True)
class Sessions:
    """Session cookies: the Telegram user id, signed and timestamped with the app's secret."""

    secret: str
    max_age_s: int = SESSION_MAX_AGE_S

    @property
    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=_SALT)

    def issue(self, telegram_user_id: int, epoch: int) -> str:
        return self._serializer.dumps({"u": telegram_user_id, "e": epoch})

    def read(self, cookie: str) -> SessionCookie | None:
        """The user and session epoch in a valid, unexpired cookie; None otherwise (tampered,
        expired, malformed, or from before epochs, which no epoch matches)."""
        try:
            payload = self._serializer.loads(cookie, max_age=self.max_age_s)
        except BadSignature:  # SignatureExpired is a BadSignature
            return None
        if not isinstance(payload, dict):
            return None
        user, epoch = payload.get("u"), payload.get("e")
        if not (_is_int(user) and _is_int(epoch)):
            return None
        return SessionCookie(user, epoch)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class SessionCookie:
    telegram_user_id: int
    epoch: int


def is_secure(request: Request, public_base_url: str) -> bool:
    """Cookies get the Secure flag when the dashboard is public over https or this request came
    over https."""
    return urlsplit(public_base_url).scheme == "https" or request.url.scheme == "https"


class Unauthorized(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def session_checks_of(request: Request) -> SessionChecks:
    checks: SessionChecks = request.app.state.session_checks
    return checks


def _operator_or_refused(request: Request, authorization: str) -> Viewer | None:
    scheme, _, token = authorization.partition(" ")
    expected = container_of(request).settings.operator_token
    if (
        scheme.lower() == "bearer"
        and expected is not None
        and expected.get_secret_value()
        and hmac.compare_digest(token.strip().encode(), expected.get_secret_value().encode())
    ):
        return Viewer.operator()
    return None


def find_viewer(request: Request) -> Viewer | None:
    """The viewer the request proves, or None. A bearer token that is not the operator's is
    refused outright rather than falling back to the cookie. Reads the database for a session."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        return _operator_or_refused(request, authorization)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    session = sessions_of(request).read(cookie)
    if session is None:
        return None
    try:
        return dashboard_service.admin_viewer(
            container_of(request).storage.dashboard_reader,
            telegram_user_id=session.telegram_user_id,
            session_epoch=session.epoch,
        )
    except (NotAnAdmin, SessionEnded):
        return None  # logged out, logged in again elsewhere, or runs no community any more


async def checked_viewer(request: Request) -> Viewer | None:
    """``find_viewer``'s answer from the event loop: the operator's token and the cookie's
    signature and age are checked here; a session's database check runs on a worker thread, one
    for every request of the same session that arrives while it runs (web/viewers.py)."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        return _operator_or_refused(request, authorization)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or sessions_of(request).read(cookie) is None:
        return None
    return await session_checks_of(request).check(cookie, lambda: run_in_threadpool(find_viewer, request))


NO_VIEWER = "Log in with the link the bot sends for /dashboard, or send the operator token."


def current_viewer(request: Request) -> Viewer:
    viewer = find_viewer(request)
    if viewer is None:
        raise Unauthorized(NO_VIEWER)
    return viewer


def refuse_cross_site(request: Request) -> None:
    """403 for a request whose Sec-Fetch-Site or Origin says another site sent it (a browser sets
    both on a POST; a client that is no browser sends neither and is judged by what it proves)."""
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if (site is not None and site not in {"same-origin", "none"}) or (
        origin is not None and urlsplit(origin).netloc != request.url.netloc
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Cross-site requests are refused here.")


def operator_only(request: Request) -> Viewer:
    viewer = current_viewer(request)
    if not viewer.is_operator:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Only the operator may read this.")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
Operator = Annotated[Viewer, Depends(operator_only)]
