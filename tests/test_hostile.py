"""A bulletin's content can never run code in a reader's browser.

Hostile text goes into every field a bulletin has and into the site config;
the real command line builds the site; then every built page is parsed with
html.parser and must hold no script the templates did not put there: no
inline <script>, no on* attribute, no javascript:/vbscript:/data: URL in a
link, no <iframe>/<object>/<embed>/<base>, and a Content-Security-Policy
that forbids inline script. The hostile text itself must still be readable
as text (an archive shows what the original said).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefsite.content import markup
from conftest import run_cli, write_bulletin

SCRIPT = "<script>alert(1)</script>"
HOSTILE_TITLE = f"益阳市简报</title>{SCRIPT}"
HOSTILE_ISSUER = '专班"><img src=x onerror=alert(1)>'
HOSTILE_RECIPIENT = "javascript:alert(1)"
HOSTILE_CONTACT = '<a href="javascript:alert(1)">电话</a>'
HOSTILE_DOC = "</title><svg onload=alert(1)>"

# Markdown and raw HTML that must never become a live link, image or script.
# Every entry is one line of the body; each is checked on its own as well.
HOSTILE_BODY_LINES = [
    SCRIPT,
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">raw</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<div onmouseover="alert(1)">悬停</div>',
    "[plain](javascript:alert(1))",
    "[mixed case](JaVaScRiPt:alert(1))",
    "[entity](&#106;avascript:alert(1))",
    "[hex entity](&#x6A;avascript:alert(1))",
    "[named entity](javascript&colon;alert(1))",
    "[tab](java&#x09;script:alert(1))",
    "[newline](java&#x0A;script:alert(1))",
    "[null](java&#0;script:alert(1))",
    "[escaped colon](javascript\\:alert(1))",
    "[leading space](< javascript:alert(1)>)",
    "[angle](<javascript:alert(1)>)",
    "[vbscript](vbscript:msgbox(1))",
    "[VBScript](VBSCRIPT:msgbox(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[data upper](DATA:text/html,<script>alert(1)</script>)",
    "![image](javascript:alert(1))",
    "![svg](data:image/svg+xml,<svg onload=alert(1)>)",
    "![png](data:image/png;base64,iVBORw0KGgo=)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,alert(1)>",
    "[reference][evil]",
    "![reference image][evilimg]",
    '[title](https://example.org "onmouseover=alert(1)")',
    '[quote](https://example.org"onmouseover="alert(1))',
    "`<script>alert(1)</script>`",
    "## </h2><script>alert(1)</script>",
    '### "><img src=x onerror=alert(1)>',
]
REFERENCES = "\n[evil]: javascript:alert(1)\n[evilimg]: data:image/svg+xml,<svg/onload=alert(1)>\n"

DANGEROUS_SCHEME = re.compile(r"^(?:javascript|vbscript|data|file):", re.I)
URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href",
             "background", "cite", "longdesc", "manifest", "ping"}
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base", "applet", "form", "meta-refresh"}
TEMPLATE_SCRIPTS = re.compile(r"^(?:\.\./)*(?:pagefind/[\w.-]+\.js|assets/[\w.-]+\.js)$")


def _template_search_form(tag: str, attrs: list[tuple[str, str]]) -> bool:
    """The search page's own form (templates/search.html), which submits to
    the page itself (no action): a bulletin's raw HTML is shown as text, so
    it cannot make one with these attributes."""
    return tag == "form" and dict(attrs).get("id") == "search-form" and "action" not in dict(attrs)


def hostile_bulletin(issue: int, body: str) -> str:
    return (
        "---\n"
        f"title: '{HOSTILE_TITLE}'\n"
        f"issue: {issue}\n"
        "date: 2024-05-10\n"
        f"issuer: '{HOSTILE_ISSUER}'\n"
        "city: 益阳市\n"
        "recipients:\n"
        f"  report:\n    - '{HOSTILE_RECIPIENT}'\n    - '{SCRIPT}'\n"
        f"doc_number: '{HOSTILE_DOC}'\n"
        f"contact: '{HOSTILE_CONTACT}'\n"
        "---\n\n"
        f"{body}\n"
    )


class PageAudit(HTMLParser):
    """Everything on a page that could execute, plus its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self._inline: list[str] | None = None  # text of an inline script being read

    def handle_starttag(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        where = f"<{tag} {attrs}>"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name} in {where}")
            if name in URL_ATTRS or name == "style":
                # What a browser sees: entities decoded (by the parser), then
                # whitespace and control characters ignored inside a scheme.
                cleaned = "".join(ch for ch in value if ord(ch) > 0x20 and ord(ch) != 0x7F)
                if DANGEROUS_SCHEME.match(cleaned) or "javascript:" in cleaned.lower():
                    self.problems.append(f"dangerous URL in {name} of {where}")
        if tag in FORBIDDEN_TAGS and not _template_search_form(tag, attrs):
            self.problems.append(f"forbidden element {where}")
        if tag == "meta":
            values = dict(attrs)
            equiv = values.get("http-equiv", "").lower()
            if equiv == "content-security-policy":
                self.csp.append(values.get("content", ""))
            elif equiv == "refresh":
                self.problems.append(f"meta refresh {where}")
        if tag == "script":
            src = dict(attrs).get("src")
            if src is None:
                self._inline = []  # allowed only as the theme's own, by its CSP hash (endtag)
            elif not TEMPLATE_SCRIPTS.match(src):
                self.problems.append(f"script from outside the site's own files: {src}")
            else:
                self.scripts.append(src)
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
            if self._inline is not None:
                self._check_inline("".join(self._inline))
                self._inline = None

    def _check_inline(self, text: str) -> None:
        """Only the 404 page's root finder, exactly as the theme has it, and
        run only because the page's own CSP names its hash."""
        import base64
        import hashlib

        theme = (Path(__file__).resolve().parent.parent / "templates" / "_find_root.js").read_text(encoding="utf-8")
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        if text != theme or not any(f"'sha256-{digest}'" in policy for policy in self.csp):
            self.problems.append(f"inline script: {text[:60]!r}")

    def handle_data(self, data):
        if self._inline is not None:
            self._inline.append(data)
            self.text.append(data)
            return
        if self._in_script and data.strip():
            self.problems.append(f"script element with content: {data[:60]!r}")
        self.text.append(data)


def audit(page: Path) -> PageAudit:
    parser = PageAudit()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def assert_csp_forbids_inline_script(policy: str) -> None:
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, policy
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, policy
    assert not any(s in ("*", "data:", "http:", "https:") or "//" in s for s in script_src), policy
    assert directives.get("object-src") == ["'none'"], policy
    assert directives.get("base-uri") == ["'none'"], policy
    assert directives.get("default-src") == ["'self'"], policy


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "briefsite.yaml").write_text(
        f"title: '档案{SCRIPT}'\ndescription: '\"><script>alert(1)</script>'\n", encoding="utf-8")
    body = "\n\n".join(HOSTILE_BODY_LINES) + "\n" + REFERENCES
    write_bulletin(root, "yiyang/2024-05-10-1.md", hostile_bulletin(1, body))
    result = run_cli("build", cwd=root)
    assert result.code == 0, result.err
    return root / "site"


def test_no_built_page_contains_a_script_the_templates_did_not_put_there(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        result = audit(page)
        assert result.problems == [], f"{page.relative_to(hostile_site)}: {result.problems}"


def test_every_page_carries_a_csp_that_forbids_inline_script(hostile_site):
    for page in sorted(hostile_site.rglob("*.html")):
        result = audit(page)
        assert len(result.csp) == 1, f"{page}: expected one CSP meta, found {result.csp}"
        assert_csp_forbids_inline_script(result.csp[0])
        # It must come before anything that could load a resource.
        text = page.read_text(encoding="utf-8")
        assert text.index("Content-Security-Policy") < text.index("<title>"), page


def test_hostile_masthead_is_shown_as_text(hostile_site):
    page = next(hostile_site.glob("bulletins/*/2024-05-10-1/index.html"))
    text = "".join(audit(page).text)
    for value in (HOSTILE_TITLE, HOSTILE_ISSUER, HOSTILE_RECIPIENT, HOSTILE_CONTACT, HOSTILE_DOC, SCRIPT):
        assert value in text, f"{value!r} is not shown as text"
    # Raw HTML of the body is shown as text too, not dropped.
    assert '<img src=x onerror=alert(1)>' in text
    assert '<a href="javascript:alert(1)">raw</a>' in text


@pytest.mark.parametrize("line", HOSTILE_BODY_LINES)
def test_each_hostile_body_line_renders_without_live_code(line):
    html = markup.render(line + "\n" + REFERENCES).html
    result = PageAudit()
    result.feed(html)
    result.close()
    assert result.problems == [], f"{line!r} -> {html!r}"


def test_safe_links_still_work():
    html = markup.render("[官网](https://example.org/a) [邮件](mailto:a@example.org) "
                         "[电话](tel:07371234567) [本站](../yiyang/) [锚点](#top)").html
    for href in ("https://example.org/a", "mailto:a@example.org", "tel:07371234567", "../yiyang/", "#top"):
        assert f'href="{href}"' in html
