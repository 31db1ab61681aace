"""The published JSON Schema and `briefsite check` agree on every example.

Each front-matter is judged twice: by ``jsonschema`` against
schema/bulletin.schema.json (what editors' YAML tooling sees) and by
briefsite's own loader. Both verdicts must equal the expected one.

The JSON image of a front-matter is built the way YAML tooling reads it:
dates stay the text that was written (YAML 1.2 has no date type). What the
schema cannot see is left out on purpose: YAML syntax errors, anchors and
aliases, duplicate keys (the YAML parser's business), an empty body or a bad
file name (not front-matter). Two fine points of the loader have no JSON
Schema form either: the 500-character limit counts after runs of whitespace
are joined, and JSON cannot tell ``issue: 3.0`` (refused) from ``3``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, run_cli

from briefsite.content.config import Config
from briefsite.errors import Problems
from briefsite.content.loader import load_bulletin

SCHEMA_PATH = ROOT / "schema" / "bulletin.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())

REQUIRED = """title: 益阳市配合中央生态环境保护督察工作简报
date: 2024-05-10
issuer: 益阳市配合中央生态环境保护督察协调联络专班
city: 益阳市
"""


class _ToolingLoader(yaml.SafeLoader):
    """PyYAML minus timestamps: dates stay text, as in YAML 1.2 tooling."""


_ToolingLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def front_matter_text(document: str) -> str:
    match = re.match(r"---\n(.*?\n)---\n", document, re.S)
    assert match, "example has no front-matter"
    return match.group(1)


def json_image(front_matter: str):
    data = yaml.load(front_matter, Loader=_ToolingLoader)

    def convert(value):
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value
    return convert(data if data is not None else {})


def schema_errors(front_matter: str) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(json_image(front_matter))]


def loader_errors(tmp_path: Path, front_matter: str, body: str = "### 标题\n\n正文。\n") -> list[str]:
    source = tmp_path / "bulletins"
    # Named without a date: these cases are about the front-matter's values,
    # not about a file name agreeing with them (tests/test_editor_slips.py).
    path = source / "yiyang" / "bulletin.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front_matter}---\n\n{body}", encoding="utf-8")
    problems = Problems()
    load_bulletin(path, source, Config(), problems)
    return [p.format() for p in problems.errors]


GOOD = {
    "required keys only": REQUIRED,
    "every key": REQUIRED + """issue: 3
total_issue: 21
recipients:
  report:
    - 市委办公室
    - 市人大常委会办公室
  send:
    - 各县市区委、县市区人民政府
  distribute:
    - 各县市区
  cc:
    - 市生态环境局
doc_number: 益简字【2022】42号
printed: 2024-05-10
contact: "联系电话：（0737）1234567"
draft: false
""",
    "schema modeline comment": "# yaml-language-server: $schema=../../schema/bulletin.schema.json\n" + REQUIRED,
    "inferred comment": REQUIRED.replace("city: 益阳市", "city: 益阳市  # inferred: from the text"),
    "issue as quoted digits": REQUIRED + 'issue: "3"\n',
    "largest issue": REQUIRED + "issue: 1000000\n",
    "draft true": REQUIRED + "draft: true\n",
    "quoted date": REQUIRED.replace("date: 2024-05-10", "date: '2024-05-10'"),
    "date with a time": REQUIRED.replace("date: 2024-05-10", "date: 2024-05-10 09:30:00"),
    "one recipient as text": REQUIRED + "recipients:\n  report: 市委办公室\n",
    "empty recipient group": REQUIRED + "recipients:\n  report:\n  send:\n    - 市政府\n",
    "empty recipients mapping": REQUIRED + "recipients: {}\n",
    "numeric contact line": REQUIRED + "contact: 07371234567\n",
    "scalars read as text": REQUIRED.replace("title: 益阳市配合中央生态环境保护督察工作简报", "title: true")
    + "doc_number: 2024\n",
    "issue with a leading zero": REQUIRED + "issue: 010\n",
    "empty optional text": REQUIRED + "doc_number:\ncontact: ''\n",
    "title of 500 characters": REQUIRED.replace("title: 益阳市配合中央生态环境保护督察工作简报",
                                                 "title: " + "简" * 500),
}

BAD = {
    "missing title": REQUIRED.replace("title: 益阳市配合中央生态环境保护督察工作简报\n", ""),
    "missing date": REQUIRED.replace("date: 2024-05-10\n", ""),
    "missing issuer": REQUIRED.replace("issuer: 益阳市配合中央生态环境保护督察协调联络专班\n", ""),
    "missing city": REQUIRED.replace("city: 益阳市\n", ""),
    "empty front-matter": "\n",
    "unknown key": REQUIRED + "titel: 简报\n",
    "key in Chinese": REQUIRED + "期号: 3\n",
    "empty title": REQUIRED.replace("title: 益阳市配合中央生态环境保护督察工作简报", "title: ''"),
    "blank title": REQUIRED.replace("title: 益阳市配合中央生态环境保护督察工作简报", "title: '   '"),
    "null issuer": REQUIRED.replace("issuer: 益阳市配合中央生态环境保护督察协调联络专班", "issuer:"),
    "title as a list": REQUIRED.replace("title: 益阳市配合中央生态环境保护督察工作简报", "title: [a, b]"),
    "city as a mapping": REQUIRED.replace("city: 益阳市", "city: {name: 益阳市}"),
    "title too long": REQUIRED.replace("title: 益阳市配合中央生态环境保护督察工作简报", "title: " + "简" * 501),
    "Chinese date": REQUIRED.replace("date: 2024-05-10", "date: 2024年5月10日"),
    "dotted date": REQUIRED.replace("date: 2024-05-10", "date: 2024.5.10"),
    "slashed date": REQUIRED.replace("date: 2024-05-10", "date: 2024/05/10"),
    "short ISO date": REQUIRED.replace("date: 2024-05-10", "date: '2024-5-10'"),
    "no such day": REQUIRED.replace("date: 2024-05-10", "date: '2024-02-30'"),
    "date as a number": REQUIRED.replace("date: 2024-05-10", "date: 20240510"),
    "empty date": REQUIRED.replace("date: 2024-05-10", "date:"),
    "bad printed date": REQUIRED + "printed: 5月10日\n",
    "issue zero": REQUIRED + "issue: 0\n",
    "negative issue": REQUIRED + "issue: -1\n",
    "issue too large": REQUIRED + "issue: 1000001\n",
    "issue as printed": REQUIRED + "issue: 第3期\n",
    "issue as quoted zero": REQUIRED + 'issue: "0"\n',
    "issue fraction": REQUIRED + "issue: 2.5\n",
    "issue true": REQUIRED + "issue: true\n",
    "issue list": REQUIRED + "issue: [3]\n",
    "empty issue": REQUIRED + "issue:\n",
    "total_issue zero": REQUIRED + "total_issue: 0\n",
    "draft as quoted text": REQUIRED + "draft: 'yes'\n",
    "draft as a number": REQUIRED + "draft: 1\n",
    "recipients as a list": REQUIRED + "recipients:\n  - 市委办公室\n",
    "recipients as text": REQUIRED + "recipients: 市委办公室\n",
    "unknown recipient group": REQUIRED + "recipients:\n  reprot:\n    - 市委办公室\n",
    "recipient group under an unknown label": REQUIRED + "recipients:\n  收文:\n    - 市委办公室\n",
    "empty recipient list": REQUIRED + "recipients:\n  report: []\n",
    "blank recipient name": REQUIRED + "recipients:\n  report:\n    - '  '\n",
    "recipient as a number": REQUIRED + "recipients:\n  report:\n    - 123\n",
    "recipient group as a mapping": REQUIRED + "recipients:\n  report:\n    name: 市委办公室\n",
    "doc_number as a list": REQUIRED + "doc_number: [益简字, 42号]\n",
    "contact as a mapping": REQUIRED + "contact:\n  phone: 1234567\n",
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_front_matter_passes_both(tmp_path, name):
    front_matter = GOOD[name]
    assert schema_errors(front_matter) == []
    assert loader_errors(tmp_path, front_matter) == []


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_front_matter_fails_both(tmp_path, name):
    front_matter = BAD[name]
    assert schema_errors(front_matter), "the schema accepts what check refuses"
    assert loader_errors(tmp_path, front_matter), "check accepts what the schema refuses"


def _repository_bulletins() -> list[Path]:
    return sorted((ROOT / "bulletins").rglob("*.md"))


@pytest.mark.parametrize("path", _repository_bulletins(), ids=lambda p: p.name)
def test_repository_bulletins_agree(path):
    text = path.read_text(encoding="utf-8")
    assert schema_errors(front_matter_text(text)) == []
    problems = Problems()
    load_bulletin(path, ROOT / "bulletins", Config(), problems)
    assert problems.errors == []


def test_format_docs_example_agrees(tmp_path):
    docs = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.search(r"## A complete example\s+```markdown\n(.*?)```", docs, re.S)
    assert example, "docs/format.md lost its complete example"
    document = example.group(1)
    assert schema_errors(front_matter_text(document)) == []
    body = document.split("---\n", 2)[2]
    assert loader_errors(tmp_path, front_matter_text(document), body) == []


def test_every_loader_key_is_in_the_schema():
    from briefsite.content.loader import KNOWN_KEYS, REQUIRED as LOADER_REQUIRED
    from briefsite.content.model import PRINTED_LABELS, RECIPIENT_KEYS

    assert set(SCHEMA["properties"]) == set(KNOWN_KEYS)
    assert set(SCHEMA["required"]) == set(LOADER_REQUIRED)
    assert set(SCHEMA["properties"]["recipients"]["properties"]) == \
        set(RECIPIENT_KEYS) | set(PRINTED_LABELS)


def test_schema_is_valid_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_site_publishes_the_schema(project):
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    published = project / "site" / "schema" / "bulletin.schema.json"
    assert published.read_bytes() == SCHEMA_PATH.read_bytes()
