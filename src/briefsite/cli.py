"""The ``briefsite`` command line."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from . import __version__, i18n
from .content.config import load_config
from .errors import BriefsiteError, BuildFailed
from .build.lock import DEFAULT_TIMEOUT
from .i18n import _, ngettext


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=Path("bulletins"),
                        help=_("folder of bulletin files (default: bulletins)"))
    parser.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                        help=_("site configuration (default: briefsite.yaml, optional)"))
    parser.add_argument("--strict", action="store_true", help=_("treat warnings as errors"))


def _lang_option(parser: argparse.ArgumentParser, default=None) -> None:
    """--lang, accepted before the command and after it (read early by ``main``)."""
    parser.add_argument("--lang", choices=("zh", "en"), default=default,
                        help=_("language of messages and help: zh (Simplified Chinese, the default) "
                               "or en (English); default: the locale (LANGUAGE, LC_ALL, LC_MESSAGES, "
                               "LANG), Chinese unless it names English"))


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefsite",
                                     description=_("Build a static archive of work bulletins."))
    parser.add_argument("--version", action="version", version=f"briefsite {__version__}",
                        help=_("show program's version number and exit"))
    _lang_option(parser)
    sub = parser.add_subparsers(title=_("commands"), dest="command", required=True, metavar=_("COMMAND"))

    build = sub.add_parser("build", help=_("build the site into the output folder"))
    _common(build)
    build.add_argument("--out", type=Path, default=Path("site"), help=_("output folder (default: site)"))
    build.add_argument("--lock-timeout", type=float, default=DEFAULT_TIMEOUT, metavar=_("SECONDS"),
                       help=_("how long to wait while another build writes the same output folder "
                              "(default: {seconds}; 0: fail at once)").format(seconds=f"{DEFAULT_TIMEOUT:g}"))
    build.add_argument("--no-search", dest="search", action="store_false",
                       help=_("skip the full-text search index (quicker previews; the search page "
                              "then says search is unavailable)"))
    build.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                       help=_("processes that parse changed bulletins, render pages and index search shards "
                              "(default and most: one per CPU)"))
    build.add_argument("--no-cache", dest="cache", action="store_false",
                       help=_("ignore and leave alone .briefsite-cache/ (beside the source folder): "
                              "parse and render everything"))
    build.set_defaults(run=cmd_build)

    check = sub.add_parser("check", help=_("validate every bulletin; write nothing"))
    _common(check)
    check.set_defaults(run=cmd_check)

    serve = sub.add_parser("serve", help=_("preview: build, serve on 127.0.0.1, rebuild and reload on change"))
    serve.add_argument("--source", type=Path, default=Path("bulletins"),
                       help=_("folder of bulletin files (default: bulletins)"))
    serve.add_argument("--out", type=Path, default=Path("site"), help=_("output folder (default: site)"))
    serve.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                       help=_("site configuration (default: briefsite.yaml, optional)"))
    serve.add_argument("--port", type=int, default=8000,
                       help=_("port to listen on (default: 8000; 0: any free port)"))
    serve.add_argument("--host", default="127.0.0.1",
                       help=_("address to listen on (default: 127.0.0.1, this machine only; "
                              "0.0.0.0 opens the preview to the network)"))
    serve.add_argument("--allow-host", action="append", default=[], metavar=_("NAME"),
                       help=_("another host name the preview may be reached by (e.g. a machine's "
                              "name on the network); local names and IP addresses need none. "
                              "Requests naming any other host are refused (DNS rebinding)"))
    serve.add_argument("--open", action="store_true",
                       help=_("open the preview in the browser; open tabs then go to the bulletin just saved"))
    serve.set_defaults(run=cmd_serve)

    imp = sub.add_parser("import", help=_("a received bulletin's PDF, Word or text file into a bulletin file"))
    imp.add_argument("files", type=Path, nargs="+", metavar=_("FILE"),
                     help=_(".pdf, .docx, .txt/.md files, folders of them (all they hold is imported), "
                            "or - for standard input"))
    imp.add_argument("--city", help=_("the city to file them under, e.g. 益阳市 (default: read from "
                                      "the title or the issuer)"))
    imp.add_argument("--out", type=Path, default=Path("bulletins"),
                     help=_("the archive folder; the file goes to OUT/<city-slug>/ (default: bulletins)"))
    imp.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                     help=_("site configuration, for city slugs (default: briefsite.yaml, optional)"))
    imp.add_argument("--force", action="store_true", help=_("overwrite an existing file of the same name"))
    imp.set_defaults(run=cmd_import)

    new = sub.add_parser("new", help=_("start the next issue of a series, as a draft"))
    new.add_argument("--city", required=True, help=_("the series' city, e.g. 益阳市"))
    new.add_argument("--title", help=_("the series' title, if the city has several"))
    new.add_argument("--date", type=_iso_date,
                     help=_("the issue date, YYYY-MM-DD; it names the file (asked for on a terminal "
                            "when left out)"))
    _common_source(new)
    new.set_defaults(run=cmd_new)
    # --lang after the command too; SUPPRESS keeps a --lang given before it.
    for command in (build, check, serve, imp, new):
        _lang_option(command, default=argparse.SUPPRESS)
    return parser


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(
            _("{value!r} is not a whole number from 1 to 1024 (processes; at most one per CPU is used)")
            .format(value=text))
    return value


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-05-11").format(value=text))


def _common_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=Path("bulletins"),
                        help=_("folder of bulletin files (default: bulletins)"))
    parser.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                        help=_("site configuration (default: briefsite.yaml, optional)"))


def _report_warnings(warnings) -> None:
    for warning in warnings:
        print(warning.format(), file=sys.stderr)


def cmd_build(args) -> int:
    from .build.site import build

    from .progress import Progress

    config = load_config(args.config)
    summary = build(args.source, args.out, config, strict=args.strict, lock_timeout=args.lock_timeout,
                    search=args.search, cache=args.cache, jobs=args.jobs, progress=Progress())
    _report_warnings(summary.warnings)
    # One line of whole sentences, each its own message: the ones with
    # nothing to say (no drafts, no file ignored, no shard indexed) left out.
    print(i18n.sentences(
        ngettext("Built {bulletins} bulletin: {pages} pages in {out}/, in {seconds} s.",
                 "Built {bulletins} bulletins: {pages} pages in {out}/, in {seconds} s.", summary.bulletins)
        .format(bulletins=summary.bulletins, pages=summary.pages, out=args.out, seconds=f"{summary.seconds:.2f}"),
        ngettext("{count} draft was skipped.", "{count} drafts were skipped.", summary.drafts)
        .format(count=summary.drafts) if summary.drafts else "",
        _ignored(summary, args.source),
        *_search_report(summary.search)))
    return 0


def _relative(path: Path, source: Path) -> str:
    """x.md~ as its name; a file under an ignored folder from that folder on (#old/x.md)."""
    from .content.loader import is_ignored

    try:
        parts = path.relative_to(source).parts[:-1]
    except ValueError:
        return path.name
    for i, part in enumerate(parts):
        if is_ignored(part):
            return "/".join(parts[i:] + (path.name,))
    return path.name


def _ignored(summary, source: Path) -> str:
    """'2 other files were ignored by their names: .#a.md, b.md~.': editor
    leftovers are never read, and the summary says so, so no bulletin is
    passed over unseen. Empty when there are none."""
    if not summary.ignored:
        return ""
    names = [_relative(p, source) for p in summary.ignored]
    comma = _(", ")
    shown = comma.join(names[:3]) + (comma + "…" if len(names) > 3 else "")
    return ngettext("{count} other file was ignored by its name: {names}.",
                    "{count} other files were ignored by their names: {names}.",
                    len(names)).format(count=len(names), names=shown)


def _search_report(index) -> tuple[str, ...]:
    """The search step's sentences: the index, and the shards this build
    indexed anew (none when every shard was kept)."""
    if index is None:
        return (_("No search index was built (--no-search)."),)
    report = _("Search index: {pages} pages in {seconds} s.").format(pages=index.pages,
                                                                    seconds=f"{index.seconds:.2f}")
    if not index.shards:
        return (report,)
    return (report, ngettext("This build indexed {shards} shard of the search index.",
                             "This build indexed {shards} shards of the search index.",
                             index.shards).format(shards=index.shards))


def cmd_check(args) -> int:
    from .build.site import check

    config = load_config(args.config)
    summary = check(args.source, config, strict=args.strict)
    _report_warnings(summary.warnings)
    print(i18n.sentences(
        ngettext("Checked {bulletins} bulletin and {pages} pages in {seconds} s.",
                 "Checked {bulletins} bulletins and {pages} pages in {seconds} s.", summary.bulletins)
        .format(bulletins=summary.bulletins, pages=summary.pages, seconds=f"{summary.seconds:.2f}"),
        ngettext("{count} draft was checked as well.", "{count} drafts were checked as well.", summary.drafts)
        .format(count=summary.drafts) if summary.drafts else "",
        _ignored(summary, args.source),
        ngettext("No errors, {count} warning.", "No errors, {count} warnings.", len(summary.warnings))
        .format(count=len(summary.warnings))))
    return 0


def cmd_serve(args) -> int:
    from .serve.server import serve

    return serve(args.source, args.out, args.config, host=args.host, port=args.port,
                 allow_hosts=tuple(args.allow_host), open_browser=args.open)


def cmd_import(args) -> int:
    from .editor.importing.importer import check_out_folder, expand_inputs, import_file, load_archive

    config = load_config(args.config)
    check_out_folder(args.out)
    files = expand_inputs(args.files, args.out)
    if not files:
        raise BriefsiteError(args.files[0], 0, _("no .pdf, .docx, .txt or .md file in the folder to import"))
    archive = load_archive(args.out, config)
    failed = 0
    for path in files:
        try:
            written = import_file(path, args.out, city=args.city, config=config, force=args.force,
                                  archive=archive)
        except BriefsiteError as error:
            failed += 1
            print(error.format(), file=sys.stderr)
            continue
        for line in written.report():
            print(line, file=sys.stderr)
        print(written.summary())
    if len(files) > 1:
        print(_("imported {imported} of {total} files, {failed} failed").format(
            imported=len(files) - failed, total=len(files), failed=failed))
    return 1 if failed else 0


def _ask_date():
    """The issue's date, asked for on a terminal: the file and its URL are
    named after it, so today's date is never assumed."""
    from .content.dates import parse_date

    missing = BriefsiteError(None, 0, _("no date given for this issue (its file and web address are "
                                        "named after it)"),
                             hint=_("add --date YYYY-MM-DD, e.g. --date 2024-05-27"))
    if not sys.stdin.isatty():
        raise missing
    for _attempt in range(3):
        print(_("This issue's date (e.g. 2024-05-27 or 2024年5月27日): "), end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline()
        if not answer:
            break
        date = parse_date(answer.strip())
        if date is not None:
            return date
        print(_("“{answer}” is not a date").format(answer=answer.strip()), file=sys.stderr)
    raise missing


def cmd_new(args) -> int:
    from .editor.scaffold import create_next

    config = load_config(args.config)
    plan = create_next(args.source, config, args.city, args.title, args.date or _ask_date)
    for note in plan.notes:
        print(f"{plan.path}: warning: {note}", file=sys.stderr)
    print(plan.path)
    print(_("{title} {issue}, {date}: a draft (draft: true), not published until you remove that line")
          .format(title=plan.title, issue=plan.issue_label, date=plan.date.isoformat()))
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the same clean-up runs (staging removed, lock freed)."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _suggest_command(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """A mistyped command gets the nearest real one, before argparse's own error."""
    import difflib

    first = next((a for i, a in enumerate(argv) if not a.startswith("-")
                  and not (i and argv[i - 1] == "--lang")), None)
    if first is None or first in COMMANDS:
        return
    close = difflib.get_close_matches(first, COMMANDS, n=1, cutoff=0.5)
    if close:
        hint = _("did you mean briefsite {command}?").format(command=close[0])
    else:
        hint = _("the commands are: {commands}").format(commands=_(", ").join(COMMANDS))
    parser.exit(2, "briefsite: error: " + _("there is no command {name}; {hint} (briefsite --help lists "
                                            "them all)").format(name=first, hint=hint) + "\n")


COMMANDS = ("build", "check", "serve", "import", "new")


def _split_lang(argv: list[str]) -> tuple[str | None, list[str]]:
    """--lang wherever it stands (the help must be made in it), and the rest of the line."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, rest = early.parse_known_args(argv)
    return known.lang, rest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lang, rest = _split_lang(argv)
    with i18n.using(i18n.choose(lang if lang in i18n.CHOICES else None)):  # else the locale
        return _main(argv, command_given=bool(rest))


def _main(argv: list[str], command_given: bool) -> int:
    parser = make_parser()
    if not command_given:  # a language alone, or nothing: the help, not argparse's terse error
        parser.print_help()
        return 0
    _suggest_command(parser, argv)
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.run(args)
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem.format(), file=sys.stderr)
        errors = sum(1 for p in failed.problems if p.severity == "error")
        warnings = len(failed.problems) - errors
        # Two counts, each with its own plural, listed in one sentence.
        print(i18n.sentences(
            _("{command} failed: {errors}, {warnings}.").format(
                command=args.command,
                errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
                warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings)),
            _("With --strict, warnings count as errors.") if warnings and getattr(args, "strict", False) else "",
            _("The previous site is unchanged.") if args.command == "build" else ""),
              file=sys.stderr)
        return 1
    except BriefsiteError as error:
        print(error.format(), file=sys.stderr)
        return 1
    except OSError as exc:  # last line of defence: the file and the system's reason, never a traceback
        print(BriefsiteError(exc.filename or None, 0, f"{exc.strerror or exc}",
                             hint=_("check that the path exists, that it can be read and written, "
                                    "and that the disk is not full")).format(), file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        # Raised before the swap, the previous site is untouched; after it, the
        # new one is complete. Either way the output folder is whole.
        if isinstance(stop, Terminated):
            what = _("terminated; no half-built site was left behind")
        else:
            what = _("interrupted; no half-built site was left behind")
        print(what + (_(": {out}/ holds the last complete build").format(out=args.out)
                      if args.command == "build" else ""), file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
