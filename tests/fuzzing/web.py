"""The web face under fuzz: the Telegram webhook route with arbitrary bodies and secret headers,
and the settings input, through the use case (``services.community.update_settings``) and the
Mini App's settings API. The whole HTTP API under schemathesis is tests/fuzzing/schema.py.

Properties: the webhook answers only 200, 400 or 403 (403 exactly when the secret header is not
the secret); the settings API answers 200 or 422, never a server error, and the use case returns
settings or refuses with InvalidSettings; whatever was tried, the stored settings load and are
valid; no reply holds a traceback."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from hypothesis import strategies as st

from tests.botapi import TOKEN, BotApi
from tests.fakes import RecordingQueue
from tests.fuzzing import unexpected
from tests.fuzzing.updates import ODD_VALUES
from tests.miniapp import init_data, tma
from tests.settings import settings_of
from tests.world import World
from tgexchange.bootstrap import Container
from tgexchange.bot.app import build_application
from tgexchange.bot.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_router
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import InvalidSettings
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import PenaltyKind
from tgexchange.services import community as community_service
from tgexchange.web.app import create_app

WEBHOOK_SECRET = "fuzz-Webhook_secret-0123456789"
OPERATOR_TOKEN = "operator-token-for-fuzzing-0123456789abcdef"
SETTING_NAMES = tuple(CommunitySettings.__dataclass_fields__)


class SyncClient:
    """httpx over ASGI on an event loop of its own: Hypothesis calls checks synchronously (and
    starlette's TestClient is deprecated in favour of a package this project does not use). An
    exception the app raises is answered 500, as a server would."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        return self.loop.run_until_complete(self._client.request(method, url, **options))

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def close(self) -> None:
        self.loop.run_until_complete(self._client.aclose())
        self.loop.close()


class WebUnderFuzz:
    """The whole ASGI app as ``tgexchange serve`` builds it (dashboard, Mini App, the webhook
    route of a bot built for webhooks) over ``world``'s storage; a community with an admin."""

    def __init__(self, world: World, directory: Path) -> None:
        settings = settings_of(
            TGEXCHANGE_DATA_DIR=str(directory / "data"),
            TELEGRAM_BOT_TOKEN=TOKEN,
            OPERATOR_TOKEN=OPERATOR_TOKEN,
            PUBLIC_BASE_URL="http://testserver",
            SECRET_KEY=None,
        )
        self.world = world
        self.container = Container(settings=settings, storage=world.storage, clock=world.clock)
        self.bot = build_application(
            self.container, token=TOKEN, queue=RecordingQueue(), request=BotApi(), polling=False, rate_limit=False
        )
        self.app = create_app(self.container, extra_routers=[webhook_router(self.bot, WEBHOOK_SECRET)])
        self.client = SyncClient(self.app)
        self.community: Community = world.community()
        self.admin: Member = world.member(self.community, "Ada", admin=True)

    def admin_auth(self) -> dict[str, str]:
        return tma(init_data(self.admin.telegram_user_id, now=self.world.now))

    def _drain(self) -> None:
        queue: asyncio.Queue[object] = self.bot.update_queue
        while not queue.empty():
            queue.get_nowait()

    # --- the webhook ------------------------------------------------------------------------

    def check_webhook(self, case: tuple[str, bytes, str]) -> str:
        secret, body, content_type = case
        headers = {"content-type": content_type}
        if secret != "":
            headers[SECRET_HEADER] = secret
        reply = self.client.post(WEBHOOK_PATH, content=body, headers=headers)
        self._drain()
        assert reply.status_code in {200, 400, 403}, (reply.status_code, reply.text[:300], case)
        assert (reply.status_code == 403) == (secret != WEBHOOK_SECRET), (reply.status_code, case)
        assert b"Traceback" not in reply.content
        return str(reply.status_code)

    # --- settings ---------------------------------------------------------------------------

    def check_settings_api(self, case: tuple[object, bool]) -> str:
        body, as_json = case
        # As JSON (json.dumps escapes what UTF-8 cannot carry), or as bytes that are not JSON.
        content = json.dumps(body) if as_json else str(body).encode("utf-8", "surrogatepass")
        reply = self.client.post(
            f"/app/api/admin/{self.community.id}/settings",
            content=content,
            headers={**self.admin_auth(), "content-type": "application/json"},
        )
        allowed = {200, 422} if as_json else {200, 400, 422}  # 400: not JSON at all
        assert reply.status_code in allowed, (reply.status_code, reply.text[:300], body)
        assert b"Traceback" not in reply.content
        self.stored_settings_are_valid()
        return str(reply.status_code)

    def check_update_settings(self, changes: dict[str, Any]) -> str:
        try:
            community_service.update_settings(
                self.world.uow(), actor_member_id=self.admin.id, now=self.world.now, **changes
            )
        except InvalidSettings:
            outcome = "refused"
        except Exception as error:
            raise unexpected(error, changes) from error
        else:
            outcome = "changed"
        self.stored_settings_are_valid()
        return outcome

    def stored_settings_are_valid(self) -> None:
        with self.world.uow() as uow:
            community = uow.communities.find(self.community.id)
        assert community is not None
        settings = community.settings
        assert CommunitySettings.from_json(json.loads(json.dumps(settings.to_json()))) == settings


def webhook_cases() -> st.SearchStrategy[tuple[str, bytes, str]]:
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=12,
    )
    update_like = st.fixed_dictionaries(
        {"update_id": st.integers() | st.sampled_from(ODD_VALUES)},
        optional={
            "message": json_values,
            "callback_query": json_values,
            "chat_member": json_values,
            "my_chat_member": json_values,
        },
    )
    bodies = st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        update_like.map(lambda v: json.dumps(v).encode()),
        st.just(b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}'),
    )
    secrets = st.one_of(
        st.just(WEBHOOK_SECRET),
        st.just(WEBHOOK_SECRET),
        st.just(""),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(str.strip).filter(bool),
        st.just(WEBHOOK_SECRET + "x"),
        st.just(WEBHOOK_SECRET[:-1]),
    )
    types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""])
    return st.tuples(secrets, bodies, types)


def setting_values() -> st.SearchStrategy[object]:
    return st.one_of(
        st.sampled_from(ODD_VALUES),
        st.integers(),
        st.integers(-5, 400),
        st.text(max_size=10),
        st.sampled_from(["en", "es", "auto", "youtube", "tiktok", "instagram", "warn", "ban"]),
        st.lists(st.sampled_from(["youtube", "tiktok", "instagram", "myspace", ""]) | st.integers(), max_size=4),
    )


def settings_api_bodies() -> st.SearchStrategy[tuple[object, bool]]:
    names = st.sampled_from([*SETTING_NAMES, "task_deadline", "allowed_platforms", "group_language", "nope"])
    objects = st.dictionaries(names | st.text(max_size=8), setting_values(), max_size=4)
    return st.tuples(objects | setting_values(), st.booleans())


def use_case_changes() -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for update_settings: the right names with values of every type the
    faces could pass, and some wrong names."""
    value = st.one_of(
        setting_values(),
        st.integers(-100, 100).map(lambda h: timedelta(hours=h)),
        st.frozensets(st.sampled_from(list(Platform))),
        st.lists(st.sampled_from(list(PenaltyKind)), max_size=8).map(tuple),
        st.sampled_from(["youtube", frozenset(), frozenset({"youtube"}), ("warn",), (PenaltyKind.BAN,) * 7]),
    )
    names = st.sampled_from(SETTING_NAMES) | st.sampled_from(["nope", "id", "__class__"])
    return st.dictionaries(names, value, max_size=3)
