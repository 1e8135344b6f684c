"""Telegram without the network: a Bot API stand-in behind PTB's own HTTP layer (a BaseRequest
that records every call and answers like the Bot API), and real Bot API update JSON to feed the
Application."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, ClassVar

from telegram.request import BaseRequest, RequestData

BOT_ID = 7_000_000_001
BOT_USERNAME = "tgx_test_bot"
TOKEN = f"{BOT_ID}:AAtest-token-for-offline-tests"
ANONYMOUS_ADMIN_ID = 1087968824  # GroupAnonymousBot


class BadHtml(ValueError):
    """Telegram's "Bad Request: can't parse entities"."""


class _Entities(HTMLParser):
    """Telegram's HTML parse mode: the tags it knows become entities (offsets in UTF-16 units, as
    the Bot API counts); anything else, or a tag left open, is refused as Telegram refuses it."""

    TAGS: ClassVar[dict[str, str]] = {
        "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
        "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "code": "code", "pre": "pre",
        "a": "text_link", "blockquote": "blockquote", "tg-spoiler": "spoiler",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.open: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.TAGS:
            raise BadHtml(f'Unsupported start tag "{tag}"')
        self.open.append((tag, self.length, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise BadHtml(f'Unmatched end tag "{tag}"')
        name, start, attrs = self.open.pop()
        entity: dict[str, Any] = {"type": self.TAGS[name], "offset": start, "length": self.length - start}
        if name == "a":
            entity["url"] = attrs.get("href") or ""
        if entity["length"]:
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += len(data.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities) as Telegram makes them from an HTML message. Raises BadHtml."""
    parser = _Entities()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise BadHtml(f'Can\'t find end tag corresponding to start tag "{parser.open[-1][0]}"')
    return "".join(parser.parts), sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def button(self, starts_with: str) -> dict[str, Any]:
        """The button whose callback data (or label) starts with ``starts_with``."""
        for button in self.buttons:
            if str(button.get("callback_data", "")).startswith(starts_with) or button["text"].startswith(starts_with):
                return button
        raise AssertionError(f"no button {starts_with!r} in {self.buttons}")


def _administrator(user: dict[str, Any]) -> dict[str, Any]:
    rights = [
        "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
        "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
        "can_edit_stories", "can_delete_stories",
    ]  # fmt: skip
    return {"status": "administrator", "user": user, **dict.fromkeys(rights, False), "can_manage_chat": True}


class BotApi(BaseRequest):
    """Answers Bot API methods as Telegram would and records every call. ``statuses`` says who is
    what in which chat (getChatMember); anyone else has left. ``fail`` makes a method answer
    with an error: {method: (status, description)}."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.statuses: dict[tuple[int, int], str] = {}
        self.fail: dict[str, tuple[int, str]] = {}
        self.migrated: dict[int, int] = {}  # a group's old chat id → its supergroup's
        # People who never started the bot (or blocked it): a message to them is refused.
        self.never_started: set[int] = set()
        self.updates: list[dict[str, Any]] = []
        self._message_ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(  # noqa: PLR0917 - PTB's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append(Call(name, params))
        if name in self.fail:
            status, description = self.fail[name]
            return status, json.dumps({"ok": False, "error_code": status, "description": description}).encode()
        moved_to = self.migrated.get(int(str(params.get("chat_id", 0))))
        if name == "sendMessage" and moved_to is not None:
            # As Telegram answers a send to a group that became a supergroup (a capture is quoted
            # in TwiN/gatus#179).
            body = {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": moved_to},
            }
            return 400, json.dumps(body).encode()
        if name == "sendMessage" and int(str(params.get("chat_id", 0))) in self.never_started:
            body = {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot can't initiate conversation with a user",
            }
            return 403, json.dumps(body).encode()
        try:
            result = self.answer(name, params)
        except BadHtml as error:
            description = f"Bad Request: can't parse entities: {error}"
            return 400, json.dumps({"ok": False, "error_code": 400, "description": description}).encode()
        self.calls[-1].result = result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def answer(self, method: str, params: dict[str, Any]) -> Any:  # noqa: PLR0911 - one return per method
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Exchange",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in {"sendMessage", "editMessageText"}:
            chat_id = int(params.get("chat_id", 0))
            text = str(params.get("text", ""))
            entities: list[dict[str, Any]] = []
            if params.get("parse_mode") == "HTML":
                text, entities = parse_html(text)
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": 1_772_452_800,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Exchange", "username": BOT_USERNAME},
                "text": text,
            }
            if entities:
                message["entities"] = entities
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
            status = self.statuses.get((chat_id, user_id), "left")
            if status == "administrator":
                return _administrator(user)
            if status == "creator":
                return {"status": "creator", "user": user, "is_anonymous": False}
            if status == "kicked":  # banned from the group; 0: for ever, as Telegram says it
                return {"status": "kicked", "user": user, "until_date": 0}
            return {"status": status, "user": user}
        if method == "getUpdates":
            found, self.updates = self.updates, []
            return found
        return True

    # --- reading what the bot did -----------------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    def last(self, chat_id: int) -> Call:
        """The last message sent to, or edited in, the chat."""
        found = [c for c in self.calls if c.method in {"sendMessage", "editMessageText"} and c.chat_id == chat_id]
        assert found, f"nothing was sent to {chat_id}; calls: {[c.method for c in self.calls]}"
        return found[-1]

    def texts(self, chat_id: int) -> list[str]:
        return [c.text for c in self.calls if c.method in {"sendMessage", "editMessageText"} and c.chat_id == chat_id]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def clear(self) -> None:
        self.calls.clear()


@dataclass
class TgUser:
    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("language_code", "username", "last_name"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class Updates:
    """Real Bot API update JSON, numbered in order."""

    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500_000))
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    date: int = 1_772_452_800

    def _message(self, chat: dict[str, Any], sender: TgUser | None, text: str, **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {"message_id": next(self.message_ids), "date": self.date, "chat": chat, "text": text}
        if sender is not None:
            message["from"] = sender.json()
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message.update(extra)
        return message

    def private(self, user: TgUser, text: str) -> dict[str, Any]:
        chat = {"id": user.id, "type": "private", "first_name": user.first_name}
        return {"update_id": next(self.ids), "message": self._message(chat, user, text)}

    def group(
        self, chat_id: int, user: TgUser, text: str, *, title: str = "Creators", reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        extra = {"reply_to_message": reply_to} if reply_to else {}
        return {"update_id": next(self.ids), "message": self._message(chat, user, text, **extra)}

    def group_message(self, chat_id: int, user: TgUser, text: str, *, title: str = "Creators") -> dict[str, Any]:
        """A message as it appears inside another (``reply_to_message``)."""
        return self._message({"id": chat_id, "type": "supergroup", "title": title}, user, text)

    def anonymous_admin(self, chat_id: int, text: str, *, title: str = "Creators") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        bot = TgUser(ANONYMOUS_ADMIN_ID, "Group", language_code=None, username="GroupAnonymousBot")
        message = self._message(chat, bot, text, sender_chat=chat)
        message["from"]["is_bot"] = True
        return {"update_id": next(self.ids), "message": message}

    def channel_post(self, channel_id: int, text: str) -> dict[str, Any]:
        chat = {"id": channel_id, "type": "channel", "title": "A channel"}
        return {"update_id": next(self.ids), "channel_post": self._message(chat, None, text, sender_chat=chat)}

    def migrated_to(self, old_chat_id: int, by: TgUser, new_chat_id: int, *, title: str = "Creators") -> dict[str, Any]:
        """The service message in a group upgraded to a supergroup, as Telegram posts it in the old
        chat (shape: Bot API ``Message.migrate_to_chat_id``; a capture is quoted in
        defstudio/telegraph#692): a basic group, no text."""
        chat = {"id": old_chat_id, "type": "group", "title": title, "all_members_are_administrators": False}
        message = {"message_id": next(self.message_ids), "from": by.json(), "chat": chat, "date": self.date}
        message["migrate_to_chat_id"] = new_chat_id
        return {"update_id": next(self.ids), "message": message}

    def migrated_from(self, new_chat_id: int, old_chat_id: int, *, title: str = "Creators") -> dict[str, Any]:
        """The same upgrade as posted in the new supergroup: the first message there, sent as the
        group itself (shape: Bot API ``Message.migrate_from_chat_id``; a capture is quoted in
        InsanusMokrassar/ktgbotapi#514)."""
        chat = {"id": new_chat_id, "type": "supergroup", "title": title}
        anonymous = {"id": ANONYMOUS_ADMIN_ID, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
        message = {"message_id": 1, "from": anonymous, "sender_chat": chat, "chat": chat, "date": self.date}
        message["migrate_from_chat_id"] = old_chat_id
        return {"update_id": next(self.ids), "message": message}

    def edited(self, user: TgUser, text: str) -> dict[str, Any]:
        chat = {"id": user.id, "type": "private", "first_name": user.first_name}
        message = self._message(chat, user, text, edit_date=self.date + 5)
        return {"update_id": next(self.ids), "edited_message": message}

    def press(self, user: TgUser, call: Call, data: str) -> dict[str, Any]:
        """A tap on one of the buttons of a message the bot sent (``call``)."""
        chat_id = call.chat_id or user.id
        chat: dict[str, Any] = (
            {"id": chat_id, "type": "private", "first_name": user.first_name}
            if chat_id > 0
            else {"id": chat_id, "type": "supergroup", "title": "Creators"}
        )
        # The message as Telegram holds it (plain text and entities), with the chat it is in.
        message = (
            dict(call.result)
            if isinstance(call.result, dict)
            else {"message_id": 1, "date": self.date, "text": call.text}
        )
        message["chat"] = chat
        query = {
            "id": str(next(self.ids)),
            "from": user.json(),
            "chat_instance": str(chat_id),
            "message": message,
            "data": data,
        }
        return {"update_id": next(self.ids), "callback_query": query}

    def bot_status(self, chat_id: int, by: TgUser, old: str, new: str, *, title: str = "Creators") -> dict[str, Any]:
        me = {"id": BOT_ID, "is_bot": True, "first_name": "Exchange", "username": BOT_USERNAME}
        return {"update_id": next(self.ids), "my_chat_member": _change(chat_id, by, me, old, new, title=title)}

    def member_status(
        self, chat_id: int, by: TgUser, user: TgUser, old: str, new: str, *, title: str = "Creators"
    ) -> dict[str, Any]:
        """A ``chat_member`` update: Telegram sends these to a bot that is a group admin and asks
        for them in allowed_updates."""
        return {"update_id": next(self.ids), "chat_member": _change(chat_id, by, user.json(), old, new, title=title)}


def _change(chat_id: int, by: TgUser, who: dict[str, Any], old: str, new: str, *, title: str) -> dict[str, Any]:
    def member(status: str) -> dict[str, Any]:
        if status == "administrator":
            return _administrator(who)
        if status == "creator":
            return {"status": status, "user": who, "is_anonymous": False}
        return {"status": status, "user": who, **({"until_date": 0} if status == "kicked" else {})}

    return {
        "chat": {"id": chat_id, "type": "supergroup", "title": title},
        "from": by.json(),
        "date": 1_772_452_800,
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }
