"""Hardened YAML text parsing (no file access; :func:`jokkgeo.io.yamlfile.read_yaml` reads files).

What differs from ``yaml.safe_load``:

- anchors and aliases (``&a``/``*a``) are refused at the first anchor, so an alias
  bomb ("billion laughs") fails at once instead of expanding to gigabytes;
- a key given twice in one mapping is an error naming the key and both lines;
- YAML 1.1 surprises are gone: only ``true``/``false`` are booleans (``yes``, ``NO``,
  ``on``, ``off`` stay text), numbers with leading zeros (``0114``), sexagesimal
  (``1:20``), dates and integers of more than 18 digits stay text, so ids and codes keep
  their spelling.

Examples
--------
>>> loads("code: 0114\\nanswer: NO\\nok: true\\nn: 12\\nx: 1.5e3\\n")
{'code': '0114', 'answer': 'NO', 'ok': True, 'n': 12, 'x': 1500.0}
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from jokkgeo.config._validate import MAX_REPR, origin_text, short
from jokkgeo.errors import CatalogueError

MAX_DEPTH = 100
"""Deepest nesting of lists/mappings accepted."""


class _Resolver(BaseResolver):
    """Plain scalars: null, true/false, decimal numbers without leading zeros; the rest is text."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]{0,17})$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _Constructor(SafeConstructor):
    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise CatalogueError(
                        f"{self._origin}: line {key_node.start_mark.line + 1}: a mapping key must be plain text, "
                        f"got {short(key)}"
                    ) from None
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise CatalogueError(
                        f"{self._origin}: key '{short(key, 80).strip(chr(39))}' is given twice (lines {seen[key]} "
                        f"and {line}); keep one"
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


_Constructor.add_constructor(
    "tag:yaml.org,2002:float", SafeConstructor.construct_yaml_float
)


class _Composer(Composer):
    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if isinstance(event, AliasEvent) or (
            anchor is not None and isinstance(event, (ScalarEvent, SequenceStartEvent, MappingStartEvent))
        ):
            raise CatalogueError(
                f"{self._origin}: line {event.start_mark.line + 1}: YAML anchors and aliases (&name, *name) "
                "are not allowed; write the values out"
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise CatalogueError(
                f"{self._origin}: line {event.start_mark.line + 1}: nested deeper than {MAX_DEPTH} levels"
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class HardenedLoader(Reader, Scanner, Parser, _Composer, _Constructor, _Resolver):
    """A safe YAML loader without aliases, duplicate keys or YAML 1.1 typing surprises."""

    def __init__(self, stream: str, origin: str = "<yaml>") -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        BaseResolver.__init__(self)
        self._origin = origin
        self._depth = 0


def loads(text: str, origin: Any = None) -> Any:
    """Parse YAML text with :class:`HardenedLoader`; errors name ``origin`` and the line.

    Parameters
    ----------
    text
        The YAML document.
    origin
        The file name (or a label) shown in error messages.

    Raises
    ------
    jokkgeo.errors.CatalogueError
        Invalid YAML, an anchor/alias, a duplicate key or too deep nesting.
    """
    where = origin_text(origin) if origin is not None else "<yaml>"
    loader = HardenedLoader(text, where)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CatalogueError(f"{where}: invalid YAML{line}: {str(problem)[:MAX_REPR]}") from None
    except RecursionError:
        raise CatalogueError(f"{where}: nested too deeply; simplify the file") from None
    except CatalogueError:
        raise
    except ValueError as exc:  # a value the constructors cannot convert
        raise CatalogueError(f"{where}: invalid YAML value: {str(exc)[:MAX_REPR]}") from None
    finally:
        loader.dispose()
