"""User-facing messages in the editor's language, through gettext.

Every message is written in English in the code, as one literal inside
``_()`` (``ngettext()`` for counts, ``{name}`` placeholders filled by
``.format`` after the lookup), and translated in the Simplified Chinese
catalogue ``locale/zh_CN/LC_MESSAGES/briefsite.po``. Chinese is the default;
English is the msgid itself. ``make messages`` extracts the messages with
Babel and updates the catalogue; it also compiles the ``.mo`` file shipped
beside it (a test fails when that file is stale or a message untranslated).

The language is chosen once per command (``--lang``, else the locale
variables in gettext's order) and held in a ContextVar, not in a global:
``using()`` sets it for a block, worker processes get it through
``build/workers.py``, threads through ``in_context``. Machine-read parts
of a message, ``path:line:`` and the keywords ``error:``/``warning:``, are
never translated.
"""

from __future__ import annotations

import argparse
import contextvars
import gettext
import hashlib
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Mapping

DOMAIN = "briefsite"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CHINESE = "zh_CN"
ENGLISH = "en"
# --lang's values and the languages they choose.
CHOICES = {"zh": CHINESE, "zh_CN": CHINESE, "en": ENGLISH}
# briefsite.yaml's ``language`` (an HTML lang value) and the catalogue of the
# site's own words (content/config.py's SITE_LANGUAGES).
SITE_CATALOGUES = {"zh-CN": CHINESE, "en": ENGLISH}

_language: contextvars.ContextVar[str] = contextvars.ContextVar("briefsite_language", default=CHINESE)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (yet)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural form for extraction."""
    return singular, plural


def mo_file(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``; English is the msgids themselves."""
    if language == ENGLISH:
        return gettext.NullTranslations()
    with open(mo_file(language), "rb") as file:
        return gettext.GNUTranslations(file)


def for_site(site_language: str) -> gettext.NullTranslations:
    """The catalogue of a site's own words (pages, feeds) in the site's
    language, briefsite.yaml's ``language``: whatever language the editor's
    messages are in, which is why it is passed, not taken from the context."""
    return translations(SITE_CATALOGUES[site_language])


def site_catalogue_key(site_language: str) -> str:
    """``catalogue_key`` of the catalogue ``for_site`` gives: templates
    compiled with its words (pages/render.py) are kept under this key."""
    return catalogue_key(SITE_CATALOGUES[site_language])


def language() -> str:
    """The language messages are made in, here and now."""
    return _language.get()


def _(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def sentences(*parts: str) -> str:
    """Whole sentences, each translated on its own, as one line (the empty
    ones left out): a space after an English full stop, none after a Chinese
    one. Each sentence is a message of its own, so a translator never has to
    fit a fragment into another language's word order."""
    line = ""
    for part in parts:
        if part:
            # Translators: two sentences in a row on one line; Chinese needs no space after 。
            line = _("{sentence} {next}").format(sentence=line, next=part) if line else part
    return line


def choose(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``--lang`` if given, else the first locale variable set, in gettext's
    order (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): English when it names English
    (``en``, ``en_US.UTF-8``, ``fr:en``), Chinese otherwise (unset, ``C``,
    ``POSIX``, ``zh_CN.UTF-8``, a language briefsite does not speak)."""
    if option:
        return CHOICES.get(option, CHINESE)
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            for entry in value.split(":"):
                if entry.startswith("en"):
                    return ENGLISH
                if entry.startswith("zh"):
                    return CHINESE
            return CHINESE
    return CHINESE


def activate(chosen: str) -> contextvars.Token:
    """Makes messages come out in ``chosen`` in this context (a worker process's)."""
    translations(chosen)  # fail here, not at the first message, if the catalogue is missing
    return _language.set(chosen)


@contextmanager
def using(chosen: str) -> Iterator[None]:
    """Messages (and argparse's words) in ``chosen`` within the block."""
    token = activate(chosen)
    argparse_token = _argparse_language.set(chosen)
    try:
        yield
    finally:
        _argparse_language.reset(argparse_token)
        _language.reset(token)


def in_context(function: Callable) -> Callable:
    """``function`` to run in a thread in this context's language (a new
    thread otherwise starts with the default)."""
    context = contextvars.copy_context()
    return lambda *args, **kwargs: context.run(function, *args, **kwargs)


def catalogue_key(language: str | None = None) -> str:
    """The language (default: the messages') and its catalogue's bytes, for
    caches that keep its words as text (the parse cache's warnings, compiled
    templates): another language or a corrected translation is never served
    an old message."""
    chosen = language or _language.get()
    data = b"" if chosen == ENGLISH else mo_file(chosen).read_bytes()
    return hashlib.blake2b(chosen.encode() + b"\0" + data, digest_size=16).hexdigest()


# argparse's own words ("usage:", "options", "invalid choice: ..."). argparse
# looks them up with gettext.gettext, which picks the language from the
# environment only, never from --lang; so while briefsite's command line runs
# (``using``), argparse's lookups go through the chosen catalogue instead.
# Outside it (pytest's own argparse in the test process) they stay English.
_argparse_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("briefsite_argparse",
                                                                                default=None)


def _argparse_gettext(message: str) -> str:
    chosen = _argparse_language.get()
    return translations(chosen).gettext(message) if chosen else message


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    chosen = _argparse_language.get()
    if chosen:
        return translations(chosen).ngettext(singular, plural, n)
    return singular if n == 1 else plural


argparse._ = _argparse_gettext
argparse.ngettext = _argparse_ngettext

# The argparse messages an editor can meet (Python 3.11-3.13), marked so the
# extraction puts them in the catalogue. "error:" stays as it is in every language.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    Nn_("expected %s argument", "expected %s arguments"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
)
