"""Split a bulletin file into its YAML front-matter and Markdown body.

Values come back with the line each key sits on, so validation can point at
``path:line``. YAML anchors and aliases are refused outright: bulletins never
need them, and refusing them makes "billion laughs" documents harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import frontmatter
import yaml

from ..errors import BriefsiteError
from ..i18n import _

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
    # The scalar exactly as written (quotes removed); None for lists and
    # mappings. Text keys use it, so a phone number 07371234567 stays as
    # printed instead of becoming YAML 1.1's octal 1004878199.
    raw: str | None = None
    # File lines inside a list or mapping value: "report" for a nested key,
    # "report.0" for its first item; so a slip points at its own line.
    inner_lines: dict[str, int] | None = None


@dataclass(frozen=True)
class Parsed:
    fields: dict[str, Field]
    body: str  # starts with the rest of the closing '---' line (usually "\n")
    body_line: int  # file line of the closing '---': body line n is file line body_line + n
    front_matter_line: int  # line of the opening '---'


def split(text: str, path: str) -> Parsed:
    """Parse ``text`` (already decoded, newlines normalised) into fields and body."""
    boundary = _HANDLER.FM_BOUNDARY  # python-frontmatter's '---' line pattern
    opening = boundary.match(text)
    if opening is None:
        raise BriefsiteError(path, 1, _("no front-matter found"),
                             hint=_("start the file with a line '---', the masthead keys, then '---'"))
    closing = boundary.search(text, opening.end())
    if closing is None:
        raise BriefsiteError(path, 1, _("front-matter is not closed"),
                             hint=_("end the masthead keys with a line '---'"))
    fm_text = text[opening.end():closing.start()]
    body = text[closing.end():]
    # YAML counts lines from 0 at the start of fm_text, which lies on this
    # file line (the end of the opening '---', after any blank lines the
    # pattern swallowed): adding it gives the file's own line numbers.
    first = text.count("\n", 0, opening.end()) + 1
    closing_line = text.count("\n", 0, closing.start()) + 1
    if len(fm_text) > MAX_FRONT_MATTER:
        raise BriefsiteError(path, 1, _("front-matter is {size} bytes; the limit is {limit}").format(
                                 size=len(fm_text), limit=MAX_FRONT_MATTER),
                             hint=_("the masthead needs only a few lines"))
    try:
        node = yaml.compose(fm_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        explained = explain_yaml_error(fm_text, exc)
        if explained is not None:
            line, message, hint = explained
            raise BriefsiteError(path, first + line, message, hint=hint)
        raise BriefsiteError(path, first + _error_line(exc, fm_text),
                             _("malformed YAML in front-matter: {reason}").format(reason=_describe(exc)),
                             hint=_("check quotes, colons and indentation; quote values containing ': ' or ' #'"))
    if node is None:
        return Parsed({}, body, closing_line, 1)
    if not isinstance(node, yaml.MappingNode):
        raise BriefsiteError(path, first + node.start_mark.line,
                             _("front-matter must be a list of 'key: value' lines"),
                             hint=_("e.g. title: 益阳市配合中央生态环境保护督察工作简报"))
    refuse_aliases(node, path, first)
    constructor = _Loader("")
    fields: dict[str, Field] = {}
    try:
        for key_node, value_node in node.value:
            line = first + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                raise BriefsiteError(path, line, _("front-matter keys must be plain words such as title or date"))
            key = key_node.value
            if key in fields:
                raise BriefsiteError(path, line, _("key {key!r} appears twice (first on line {line})").format(
                                         key=key, line=fields[key].line),
                                     hint=_("keep one of them"))
            raw = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
            try:
                value = constructor.construct_object(value_node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                if raw is None:
                    raise BriefsiteError(path, line, _("cannot read the value of {key!r}: {reason}").format(
                                             key=key, reason=_describe(exc)),
                                         hint=_("quote the value to keep it as text"))
                # e.g. 2024-02-30 looks like a date to YAML but is none: keep the
                # text, and let validation say what is wrong with it.
                value = raw
            fields[key] = Field(value, line, raw, None if raw is not None else _inner_lines(value_node, first))
    finally:
        constructor.dispose()
    return Parsed(fields, body, closing_line, 1)


def _inner_lines(node: yaml.Node, first: int) -> dict[str, int]:
    lines: dict[str, int] = {}
    stack: list[tuple[str, yaml.Node]] = [("", node)]
    while stack:
        prefix, current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                name = f"{prefix}{key.value}" if isinstance(key, yaml.ScalarNode) else prefix
                lines[name] = first + key.start_mark.line
                stack.append((name + ".", value))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                lines[f"{prefix}{i}"] = first + item.start_mark.line
                stack.append((f"{prefix}{i}.", item))
    return lines


def explain_yaml_error(fm_text: str, exc: yaml.YAMLError) -> tuple[int, str, str] | None:
    """The slips editors make, in their own terms, at the line that holds
    them (0-based in ``fm_text``): a tab, a full-width-space indent, an
    unquoted ': ' inside a value. None when it is none of these."""
    lines = fm_text.split("\n")
    for number, text in enumerate(lines):
        indent = text[: len(text) - len(text.lstrip(" \t\u3000"))]
        if "\t" in indent:
            return (number, _("this line is indented with a tab; YAML takes only spaces"),
                    _("replace the tab at the start of the line with spaces: report: and the like under "
                      "recipients are indented two spaces, the names four"))
        if "\u3000" in indent:
            return (number, _("this line is indented with a full-width space (　); YAML takes only "
                              "half-width spaces"),
                    _("delete the full-width spaces at the start of the line and indent with half-width ones "
                      "(Shift+Space switches to half-width in a Chinese input method)"))
    problem = getattr(exc, "problem", "") or ""
    mark = getattr(exc, "problem_mark", None)
    if "\t" in fm_text and "'\\t'" in problem and mark is not None:
        return (mark.line, _("this line's value holds a tab"),
                _("replace the tab with spaces, or put the whole value in quotes"))
    if "mapping values are not allowed" in problem and mark is not None and mark.line < len(lines):
        here = lines[mark.line]
        before = next((lines[i] for i in range(mark.line - 1, -1, -1) if lines[i].strip()), "")
        if here[:1] == " " and re.match(r"^[^\s:#-][^:]*:\s*\S", before):
            return (mark.line, _("this line is indented, so YAML reads it as the rest of the line above"),
                    _("delete the spaces at the start of the line: only the lines under recipients are indented"))
    if "mapping values are not allowed" in problem and mark is not None:
        shown = lines[mark.line].strip() if mark.line < len(lines) else ""
        lead, sep, value = shown.partition(": ") if not shown.startswith("- ") else ("-", " ", shown[2:])
        example = f'{lead}{sep}"{value}"' if value else '"…: …"'
        return (mark.line, _("this line's value holds a colon and a space (: ), which YAML reads as a new key: "
                             "{line}").format(line=shown[:40]),
                _("put the whole value in quotes, e.g. {example}, or use the full-width colon “：”").format(
                    example=example[:60]))
    return None


def _error_line(exc: yaml.YAMLError, fm_text: str) -> int:
    """0-based line in ``fm_text`` where the user should look.

    Usually the problem mark. But for an unclosed quote or bracket the parser
    notices only lines later (or at the end); the context mark then shows
    where the unfinished value began, which is the line to fix.
    """
    problem = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    what = getattr(exc, "context", None) or ""
    unfinished = what.startswith(("while scanning a quoted", "while parsing a flow"))
    at_end = problem is not None and not fm_text[problem.index:].strip()
    if context is not None and (unfinished or at_end):
        return context.line
    mark = problem or context
    return mark.line if mark is not None else 0


def _describe(exc: Exception) -> str:
    """PyYAML's message without its 'in "<unicode string>", line N' locations."""
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [exc.context, exc.problem]
        return "; ".join(p for p in parts if p) or _("invalid YAML")
    return str(exc)


MAX_DEPTH = 32  # recipients -> report -> names is 3 deep; more is never a masthead


def refuse_aliases(root: yaml.Node, path: str, first: int, what: str = "front-matter") -> None:
    """Reject anchors/aliases (a node reachable twice) and absurd nesting.

    Both checks walk the composed nodes iteratively, before PyYAML's recursive
    constructor could expand an alias bomb or overflow the stack on [[[[…]]]].
    """
    masthead = what == "front-matter"
    shown = _("front-matter") if masthead else what
    seen: set[int] = set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise BriefsiteError(path, first + node.start_mark.line,
                                 _("YAML anchors and aliases (&name, *name) are not allowed in {what}").format(
                                     what=shown),
                                 hint=_("write each value out in full"))
        if depth > MAX_DEPTH:
            raise BriefsiteError(path, first + node.start_mark.line,
                                 _("{what} is nested more than {limit} levels deep").format(
                                     what=shown, limit=MAX_DEPTH),
                                 hint=_("a masthead needs at most a list under a key under recipients")
                                 if masthead else _("write each setting as a plain value, a list or a mapping "
                                                    "under its key"))
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
