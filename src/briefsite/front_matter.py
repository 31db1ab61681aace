"""Split a bulletin file into its YAML front-matter and Markdown body.

Values come back with the line each key sits on, so validation can point at
``path:line``. YAML anchors and aliases are refused outright: bulletins never
need them, and refusing them makes "billion laughs" documents harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import frontmatter
import yaml

from .errors import BriefsiteError

try:  # libyaml is several times faster when present
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_HANDLER = frontmatter.YAMLHandler()
MAX_FRONT_MATTER = 64 * 1024  # a masthead is a few hundred bytes


@dataclass(frozen=True)
class Field:
    value: Any
    line: int  # line of the key in the file, 1-based


@dataclass(frozen=True)
class Parsed:
    fields: dict[str, Field]
    body: str
    body_line: int  # file line on which the body starts
    front_matter_line: int  # line of the opening '---'


def split(text: str, path: str) -> Parsed:
    """Parse ``text`` (already decoded, newlines normalised) into fields and body."""
    if not _HANDLER.detect(text):
        raise BriefsiteError(path, 1, "no front-matter found",
                             hint="start the file with a line '---', the masthead keys, then '---'")
    try:
        fm_text, body = _HANDLER.split(text)
    except ValueError:
        raise BriefsiteError(path, 1, "front-matter is not closed",
                             hint="end the masthead keys with a line '---'")
    # The YAML text keeps the newline that ends the opening '---' (line 1), so
    # YAML's 0-based line numbers are already one behind the file's: +1 fixes it.
    offset = 0
    lines_before_body = text[: len(text) - len(body)].count("\n") if body else text.count("\n") + 1
    if len(fm_text) > MAX_FRONT_MATTER:
        raise BriefsiteError(path, 2, f"front-matter is {len(fm_text)} bytes; the limit is {MAX_FRONT_MATTER}")
    try:
        node = yaml.compose(fm_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + offset if mark else 2
        problem = getattr(exc, "problem", None) or str(exc)
        raise BriefsiteError(path, line, f"malformed YAML in front-matter: {problem}",
                             hint="check quotes, colons and indentation; quote values containing ':' or '#'")
    if node is None:
        return Parsed({}, body, lines_before_body + 1, 1)
    if not isinstance(node, yaml.MappingNode):
        raise BriefsiteError(path, node.start_mark.line + 1 + offset,
                             "front-matter must be a list of 'key: value' lines")
    _refuse_aliases(node, path, offset)
    constructor = _Loader("")
    fields: dict[str, Field] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1 + offset
        if not isinstance(key_node, yaml.ScalarNode):
            raise BriefsiteError(path, line, "front-matter keys must be plain words such as title or date")
        key = key_node.value
        if key in fields:
            raise BriefsiteError(path, line, f"key {key!r} appears twice (first on line {fields[key].line})")
        try:
            value = constructor.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise BriefsiteError(path, line, f"cannot read the value of {key!r}: {exc}")
        fields[key] = Field(value, line)
    constructor.dispose()
    return Parsed(fields, body, lines_before_body + 1, 1)


def _refuse_aliases(root: yaml.Node, path: str, offset: int) -> None:
    """Reject anchors/aliases: a node reachable twice means an alias was used."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise BriefsiteError(path, node.start_mark.line + 1 + offset,
                                 "YAML anchors and aliases (&name, *name) are not allowed in front-matter",
                                 hint="write each value out in full")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
