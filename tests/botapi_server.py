"""The Bot API stand-in (``tests.botapi.BotApi``) over real HTTP on loopback, for bot processes
started by a test (``TELEGRAM_API_BASE_URL=http://127.0.0.1:<port>/bot``):

    python -m tests.botapi_server --port P --log FILE [--everyone member] [--status CHAT:USER=administrator]

Answers ``POST /bot<token>/<method>`` with the bodies python-telegram-bot's HTTPXRequest and the
workers' httpx notifier send (form-urlencoded, multipart or JSON; PTB json-encodes every value that
is not a string, such as ``reply_markup``, and those are decoded back). Every call is appended to
the JSON-lines log (method, params, result, time), which the tests and the fault checker read with
``read_calls``. ``POST /control/status`` with ``{"chat_id", "user_id", "status"}`` changes who is
what in a chat while it runs (getChatMember)."""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import json
import sys
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qsl

from tests.botapi import BotApi, Call


class LoggedBotApi(BotApi):
    """BotApi whose anyone-not-listed status is configurable (``everyone``) and whose every call
    is written to ``log`` as one JSON line."""

    def __init__(self, log: BinaryIO, *, everyone: str = "left") -> None:
        super().__init__()
        self.everyone = everyone
        self._log = log
        self.lock = threading.Lock()

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getChatMember":
            key = (int(params["chat_id"]), int(params["user_id"]))
            self.statuses.setdefault(key, self.everyone)
        return super().answer(method, params)

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        """One call, answered and logged under the lock (the stand-in's state is shared)."""
        with self.lock:
            status, body = _finish(self.do_request(f"/bot/{method}", "POST", _Params(params)))  # type: ignore[arg-type]
            call = self.calls.pop()  # the log holds the calls; memory would grow for hours
            line = {"method": method, "params": params, "result": call.result, "status": status, "time": time.time()}
            self._log.write(json.dumps(line, default=str).encode() + b"\n")
            self._log.flush()
        return status, body


def _finish(coroutine: Coroutine[Any, Any, tuple[int, bytes]]) -> tuple[int, bytes]:
    """BotApi.do_request never awaits anything: run it to its end without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("BotApi.do_request awaited something")


@dataclass
class _Params:
    """What BotApi.do_request reads of PTB's RequestData."""

    parameters: dict[str, Any]


def decode_value(value: str) -> Any:
    """PTB sends strings as they are and everything else json-encoded; objects and lists are the
    only values whose decoding cannot be mistaken for a string's."""
    if value[:1] in {"{", "["}:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """The parameters of one Bot API request, whatever encoding the client chose."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        data = json.loads(body or b"{}")
        return dict(data) if isinstance(data, dict) else {}
    if kind == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            if part.get_filename():
                params[name] = f"<file {len(payload or b'')} bytes>"
            else:
                params[name] = decode_value(bytes(payload or b"").decode())
        return params
    return {key: decode_value(value) for key, value in parse_qsl(body.decode(), keep_blank_values=True)}


class StandIn(ThreadingHTTPServer):
    daemon_threads = True
    api: LoggedBotApi


def make_server(port: int, log: Path, *, everyone: str = "left", host: str = "127.0.0.1") -> StandIn:
    """The stand-in on ``host``:``port`` (0: any free port), not yet serving; its BotApi is
    ``server.api``."""
    api = LoggedBotApi(log.open("ab"), everyone=everyone)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if self.path == "/control/status":
                change = json.loads(body)
                with api.lock:
                    api.statuses[int(change["chat_id"]), int(change["user_id"])] = str(change["status"])
                self._send(200, b'{"ok":true}')
                return
            parts = self.path.strip("/").split("/")
            if len(parts) != 2 or not parts[0].startswith("bot"):
                self._send(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
                return
            params = parse_body(self.headers.get("content-type", ""), body)
            status, answer = api.handle(parts[1], params)
            self._send(status, answer)

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            """Every call is in the JSON-lines log already."""

    server = StandIn((host, port), Handler)
    server.api = api
    return server


def read_calls(log: Path) -> list[Call]:
    """Every call logged so far, in order, as ``tests.botapi.Call`` (with the stand-in's answer)."""
    calls: list[Call] = []
    if not log.exists():
        return calls
    for line in log.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # a line being written right now
            continue
        calls.append(Call(record["method"], record["params"], record["result"]))
    return calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--everyone", default="left", help="getChatMember's status for anyone not set")
    parser.add_argument("--status", action="append", default=[], help="CHAT:USER=STATUS, repeatable")
    args = parser.parse_args(argv)
    server = make_server(args.port, args.log, everyone=args.everyone)
    for item in args.status:
        who, status = item.split("=", 1)
        chat, user = who.split(":", 1)
        server.api.statuses[int(chat), int(user)] = status
    sys.stderr.write(f"bot api on http://127.0.0.1:{server.server_address[1]}/bot\n")
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
