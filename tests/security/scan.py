"""Reading the source for patterns a reviewer would look for: secrets compared with ``==``, SQL
text built from pieces. Each scan returns (file, line, source) for every place it finds; the tests
compare that with reviewed allow-lists."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tgexchange"
SECRET_WORDS = frozenset({"token", "secret", "hmac", "signature", "sig", "digest", "password", "hash", "sha256", "mac"})
SECRET_NAMES = frozenset({"api_key", "apikey", "expected", "given"})

Found = tuple[str, int, str]


Module = tuple[str, ast.Module, list[str]]


def sources() -> Iterator[Module]:
    """Every module of the package (the migrations' frozen history aside), by its path in it."""
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield parsed(str(path.relative_to(SRC)), path.read_text(encoding="utf-8"))


def parsed(name: str, text: str) -> Module:
    return name, ast.parse(text, filename=name), text.splitlines()


def _name_of(node: ast.expr) -> str:
    """The identifier an expression reads: a name, an attribute, a subscript's key, a call's
    function ("token.strip()" reads "token"; "fields['hash']" reads "hash")."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name_of(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return f"{_name_of(node.value)}[{key.value}]"
        return _name_of(node.value)
    if isinstance(node, ast.Call):
        return _name_of(node.func)
    return ""


def looks_secret(node: ast.expr) -> bool:
    words = {w for part in re.split(r"[.\[\]()]", _name_of(node).lower()) for w in part.split("_") if w}
    names = {part for part in re.split(r"[.\[\]()]", _name_of(node).lower()) if part}
    return bool(words & SECRET_WORDS or names & SECRET_NAMES)


def secret_comparisons(modules: Iterable[Module] | None = None) -> list[Found]:
    """``==`` / ``!=`` with a secret-looking operand on one side and anything but a literal on the
    other: such a comparison stops at the first differing byte, and the time it takes tells an
    attacker how much of a guess was right. (A literal is no secret: ``scheme == "bearer"``.)"""
    found: list[Found] = []
    for path, tree, lines in sources() if modules is None else modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
                if not isinstance(op, ast.Eq | ast.NotEq):
                    continue
                if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
                    continue
                if looks_secret(left) or looks_secret(right):
                    found.append((path, node.lineno, lines[node.lineno - 1].strip()))
    return found


SQL_CALLS = frozenset({"text", "exec_driver_sql", "execute", "executescript", "executemany"})
SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WHERE|VACUUM|ANALYZE|TRUNCATE)\b", re.I
)


def _is_built(node: ast.expr) -> bool:
    """Text made at run time from pieces: an f-string with a value in it, ``%`` or ``.format``
    on a string, ``+`` joining strings, or ``"".join``."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return bool(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"format", "join"}
    )


def built_sql(modules: Iterable[Module] | None = None) -> list[Found]:
    """SQL handed to ``text()``, ``exec_driver_sql`` or ``execute`` as text built at run time,
    directly or through a variable assigned in the same function. Values belong in bound
    parameters; what may be built is only what no input reaches (reviewed one by one)."""
    found: list[Found] = []
    for path, tree, lines in sources() if modules is None else modules:
        for function in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]:
            assigned: dict[str, ast.expr] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    assigned[node.targets[0].id] = node.value
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called not in SQL_CALLS:
                    continue
                argument = node.args[0]
                if isinstance(argument, ast.Name) and argument.id in assigned:
                    argument = assigned[argument.id]
                if _is_built(argument):
                    entry = (path, node.lineno, lines[node.lineno - 1].strip())
                    if entry not in found:
                        found.append(entry)
    return found
