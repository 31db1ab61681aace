"""No user-facing message outside the catalogue (issue 13).

Every text an editor reads is an English literal inside ``_()`` (or
``ngettext``), translated in the Chinese catalogue (tests/test_i18n.py fails
on an untranslated one). This test reads the package's source and fails on
what would slip past that: a message made of a Chinese literal (so
``--lang en`` would still print Chinese) or an English sentence handed to an
error, a warning or the terminal without ``_()`` (so the default, Chinese,
would print English).

Chinese that is data (words matched against documents, tables of places,
labels copied from the masthead, a setting's default) is allowed where data
lives: module- or class-level UPPER_CASE constants, dataclass field defaults,
``re`` calls and str-method arguments, comparisons and membership tests,
subscripts and dict keys.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src/briefsite"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")
TRANSLATORS = {"_", "ngettext", "N_", "Nn_"}
# Methods whose arguments (and receiver) are text being processed, not text shown.
TEXT_METHODS = {
    "startswith", "endswith", "strip", "lstrip", "rstrip", "split", "rsplit", "replace", "join",
    "find", "rfind", "index", "rindex", "count", "partition", "rpartition", "removeprefix",
    "removesuffix", "translate", "maketrans", "sub", "subn", "match", "fullmatch", "search",
    "findall", "finditer", "compile", "escape", "isdisjoint", "issubset", "union", "get",
}
# Calls whose arguments reach the editor as a message.
SINKS = {"BriefsiteError", "BuildFailed", "error", "warning", "warn", "print", "fail", "note", "exit"}
SINK_KEYWORDS = {"hint", "help", "description", "epilog", "message"}
SENTENCE = re.compile(r"[A-Za-z]{2,}[ ,;:'-]+[A-Za-z]{2,}[ ,;:'-]+[A-Za-z]{2,}")


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_constant_name(target: ast.AST) -> bool:
    name = _name(target)
    return name is not None and name.lstrip("_").isupper()


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def _data_place(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Whether a Chinese literal stands where data lives (see the docstring)."""
    child = node
    parent = parents.get(id(child))
    while parent is not None:
        if isinstance(parent, ast.Call):
            name = _name(parent.func)
            if name in TRANSLATORS:
                return True
            if isinstance(parent.func, ast.Attribute):
                owner = parent.func.value
                if name in TEXT_METHODS or (isinstance(owner, ast.Name) and owner.id in {"re", "regex"}):
                    return True
            if name in {"frozenset", "set", "tuple", "dict", "list", "sorted", "compile"}:
                child, parent = parent, parents.get(id(parent))
                continue
            return False
        if isinstance(parent, ast.Attribute) and _name(parent) in TEXT_METHODS:
            return True  # "、".join(...)
        if isinstance(parent, (ast.Compare, ast.Subscript)):
            return True
        if isinstance(parent, ast.Dict) and any(key is child for key in parent.keys):
            return True
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            scope = parents.get(id(parent))
            if isinstance(scope, ast.ClassDef) and isinstance(parent, ast.AnnAssign):
                return True  # a dataclass field's default: a setting's value (Config.title)
            return isinstance(scope, (ast.Module, ast.ClassDef)) and all(map(_is_constant_name, targets))
        if isinstance(parent, (ast.stmt, ast.Lambda)):
            return False
        child, parent = parent, parents.get(id(parent))
    return False


def _inside_translator(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    parent = parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Call) and _name(parent.func) in TRANSLATORS:
            return True
        parent = parents.get(id(parent))
    return False


def _strings(node: ast.AST):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub


def problems_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings, parents = _docstrings(tree), _parents(tree)
    where = path.relative_to(ROOT)
    found = []
    for node in _strings(tree):
        if id(node) in docstrings or not HAN.search(node.value):
            continue
        if not _data_place(node, parents):
            found.append(f"{where}:{node.lineno}: Chinese literal outside _(): {node.value[:40]!r}")
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        arguments = [k.value for k in call.keywords if k.arg in SINK_KEYWORDS]
        if _name(call.func) in SINKS:
            arguments += list(call.args) + [k.value for k in call.keywords if k.arg not in {"file", "end", "sep"}]
        for argument in arguments:
            for node in _strings(argument):
                if SENTENCE.search(node.value) and not HAN.search(node.value) \
                        and not _inside_translator(node, parents):
                    found.append(f"{where}:{node.lineno}: English message outside _(): {node.value[:40]!r}")
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_scan_finds_the_package():
    assert len(SOURCES) > 40


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_message_goes_through_the_catalogue(path):
    problems = problems_in(path)
    assert not problems, "\n".join(problems)


def test_the_scan_catches_a_message_outside_the_catalogue(tmp_path):
    bad = ROOT / "src/briefsite/_scan_probe.py"
    source = ("from .errors import BriefsiteError\nfrom .i18n import _\n"
              "WORDS = ('报', '送')\n"
              "def f(path, word, text):\n"
              "    if word in ('抄送', '印发') or text.startswith('附件'):\n"
              "        return text.replace('　', ' ')\n"
              "    ok = BriefsiteError(path, 1, _('file is empty'))\n"
              "    raise BriefsiteError(path, 1, '文件是空的 (the file is empty)')\n"
              "def g(path):\n"
              "    raise BriefsiteError(path, 1, 'the file is empty', hint=_('paste the text'))\n"
              "def h(count):\n"
              "    return f'已写入 {count} 段'\n")
    bad.write_text(source, encoding="utf-8")
    try:
        problems = problems_in(bad)
    finally:
        bad.unlink()
    assert [p.split(": ", 1)[1] for p in problems] == [
        "Chinese literal outside _(): '文件是空的 (the file is empty)'",
        "Chinese literal outside _(): '已写入 '",
        "Chinese literal outside _(): ' 段'",
        "English message outside _(): 'the file is empty'",
    ]
