"""Help that reads as a user expects: ``--port PORT``, ``--members N``, ``--json`` alone.

Typer (0.29) labels every value with its Python type (``<int range>``, ``<str>``, ``<list[str]>``)
and gives even a flag a ``<bool>``. ``ReadableHelpGroup``, the root group's class, names each value
instead, once, when the command tree is built: a metavar a command declares wins; flags get none;
else the parameter's name or type chooses one (``_BY_NAME``, ``_BY_SUFFIX``, ``_BY_TYPE``).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

_BY_NAME = {"host": "HOST", "port": "PORT", "log_level": "LEVEL"}
_BY_SUFFIX = {"_url": "URL", "_dir": "DIR", "_path": "PATH", "_file": "FILE"}
# The Python type a value is read as; choices keep the list of their values.
_BY_TYPE = {"int": "N", "float": "NUMBER", "str": "TEXT", "Path": "PATH", "datetime": "DATETIME"}


class _NamedArgument(TyperArgument):
    """An argument whose help shows its name alone (``URL``), not also its Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:  # typer's own click Context class is private
        return None if self.metavar else super().display_type_rich(ctx)


class ReadableHelpGroup(TyperGroup):
    """The root command group; gives every parameter of every command below it a metavar a user
    reads at a glance (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_values(self)


def name_values(command: TyperCommand | TyperGroup) -> None:
    """Sets the metavar of each parameter of ``command``, its help option and its subcommands."""
    for param in command.params:
        _name_value(param)
    _name_value(command.get_help_option(command.context_class(command)))
    if isinstance(command, TyperGroup):
        for subcommand in command.commands.values():
            if isinstance(subcommand, TyperCommand | TyperGroup):
                name_values(subcommand)


def _name_value(param: object) -> None:
    if isinstance(param, TyperOption) and param.is_flag:
        param.metavar = ""  # a flag takes no value
        return
    if not isinstance(param, TyperOption | TyperArgument):
        return
    if param.metavar is None:
        param.metavar = _metavar_for(param)
    if isinstance(param, TyperArgument) and param.metavar:
        param.__class__ = _NamedArgument  # the same argument, helped by name only


def _metavar_for(param: TyperOption | TyperArgument) -> str | None:
    name = param.name or ""
    if name in _BY_NAME:
        return _BY_NAME[name]
    for suffix, metavar in _BY_SUFFIX.items():
        if name.endswith(suffix):
            return metavar
    if param.type_descriptor.is_choice:
        return None
    element = param.bare_type().removeprefix("list[").removesuffix("]")
    return _BY_TYPE.get(element)
