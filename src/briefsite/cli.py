"""The ``briefsite`` command line."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from . import __version__
from .content.config import load_config
from .errors import BriefsiteError, BuildFailed
from .build.lock import DEFAULT_TIMEOUT


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=Path("bulletins"),
                        help="folder of bulletin files (default: bulletins)")
    parser.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                        help="site configuration (default: briefsite.yaml, optional)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefsite",
                                     description="Build a static archive of work bulletins (工作简报).")
    parser.add_argument("--version", action="version", version=f"briefsite {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="build the site into the output folder")
    _common(build)
    build.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    build.add_argument("--lock-timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help="how long to wait while another build writes the same output folder "
                            f"(default: {DEFAULT_TIMEOUT:g}; 0: fail at once)")
    build.add_argument("--no-search", dest="search", action="store_false",
                       help="skip the full-text search index (quicker previews; the search page "
                            "then says search is unavailable)")
    build.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                       help="processes that parse changed bulletins (default and most: one per CPU)")
    build.add_argument("--no-cache", dest="cache", action="store_false",
                       help="ignore and leave alone .briefsite-cache/ (beside the source folder): "
                            "parse and render everything")
    build.set_defaults(run=cmd_build)

    check = sub.add_parser("check", help="validate every bulletin; write nothing")
    _common(check)
    check.set_defaults(run=cmd_check)

    serve = sub.add_parser("serve", help="preview: build, serve on 127.0.0.1, rebuild and reload on change")
    serve.add_argument("--source", type=Path, default=Path("bulletins"),
                       help="folder of bulletin files (default: bulletins)")
    serve.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    serve.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                       help="site configuration (default: briefsite.yaml, optional)")
    serve.add_argument("--port", type=int, default=8000,
                       help="port to listen on (default: 8000; 0: any free port)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only; "
                            "0.0.0.0 opens the preview to the network)")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="another host name the preview may be reached by (e.g. a machine's "
                            "name on the network); local names and IP addresses need none. "
                            "Requests naming any other host are refused (DNS rebinding)")
    serve.add_argument("--open", action="store_true",
                       help="open the preview in the browser; open tabs then go to the bulletin just saved")
    serve.set_defaults(run=cmd_serve)

    imp = sub.add_parser("import", help="导入收到的简报（PDF、Word 或文本）为简报文件 "
                                        "(a received bulletin's PDF, Word or text file into a bulletin file)")
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE",
                     help="简报文件：.pdf、.docx、.txt/.md，或文件夹（导入其中全部），或 - （标准输入）"
                          " (.pdf, .docx, .txt/.md files, folders of them, or - for standard input)")
    imp.add_argument("--city", help="归入的城市，例如 益阳市（默认从标题或发文机关读出） "
                                    "(the city to file them under; default: read from title or issuer)")
    imp.add_argument("--out", type=Path, default=Path("bulletins"),
                     help="the archive folder; the file goes to OUT/<city-slug>/ (default: bulletins)")
    imp.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                     help="site configuration, for city slugs (default: briefsite.yaml, optional)")
    imp.add_argument("--force", action="store_true", help="overwrite an existing file of the same name")
    imp.set_defaults(run=cmd_import)

    new = sub.add_parser("new", help="start the next issue of a series, as a draft")
    new.add_argument("--city", required=True, help="the series' city, e.g. 益阳市")
    new.add_argument("--title", help="the series' title, if the city has several")
    new.add_argument("--date", type=_iso_date,
                     help="the issue date, YYYY-MM-DD; it names the file (asked for on a terminal "
                          "when left out)")
    _common_source(new)
    new.set_defaults(run=cmd_new)
    return parser


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"{text!r} 不是 1 到 1024 之间的整数（进程数，最多用到 CPU 个数）")
    return value


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-05-11")


def _common_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=Path("bulletins"),
                        help="folder of bulletin files (default: bulletins)")
    parser.add_argument("--config", type=Path, default=Path("briefsite.yaml"),
                        help="site configuration (default: briefsite.yaml, optional)")


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
    print(f"built {summary.bulletins} bulletins ({summary.drafts} drafts skipped{_ignored(summary, args.source)}), "
          f"{summary.pages} pages in {summary.seconds:.2f} s; {_search_report(summary.search)} "
          f"-> {args.out}/")
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
    """', 2 ignored by name: .#a.md, b.md~': editor leftovers are never read,
    and the summary says so, so no bulletin is passed over unseen."""
    if not summary.ignored:
        return ""
    names = [_relative(p, source) for p in summary.ignored]
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return f", {len(names)} ignored by name: {shown}"


def _search_report(index) -> str:
    if index is None:
        return "search index skipped (--no-search)"
    shards = f" ({index.shards} shard{'s' if index.shards != 1 else ''} indexed)" if index.shards else ""
    return f"search index {index.pages} pages in {index.seconds:.2f} s{shards}"


def cmd_check(args) -> int:
    from .build.site import check

    config = load_config(args.config)
    summary = check(args.source, config, strict=args.strict)
    _report_warnings(summary.warnings)
    print(f"checked {summary.bulletins} bulletins ({summary.drafts} drafts{_ignored(summary, args.source)}), "
          f"{summary.pages} pages in {summary.seconds:.2f} s: "
          f"no errors, {len(summary.warnings)} warnings")
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
        raise BriefsiteError(args.files[0], 0, "文件夹里没有可导入的文件 (no .pdf, .docx, .txt or .md "
                             "file in the folder)")
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
        print(f"共 {len(files)} 个文件：导入 {len(files) - failed} 个，失败 {failed} 个 "
              f"(imported {len(files) - failed} of {len(files)} files, {failed} failed)")
    return 1 if failed else 0


def _ask_date():
    """The issue's date, asked for on a terminal: the file and its URL are
    named after it, so today's date is never assumed."""
    from .content.dates import parse_date

    example = "例如 --date 2024-05-27"
    if not sys.stdin.isatty():
        raise BriefsiteError(None, 0, "没有给出这一期的日期（文件名和网址按日期命名）",
                             hint=f"加上 --date YYYY-MM-DD，{example}")
    for _ in range(3):
        print("这一期的日期（如 2024-05-27 或 2024年5月27日）：", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline()
        if not answer:
            break
        date = parse_date(answer.strip())
        if date is not None:
            return date
        print(f"“{answer.strip()}”不是日期", file=sys.stderr)
    raise BriefsiteError(None, 0, "没有给出这一期的日期（文件名和网址按日期命名）",
                         hint=f"加上 --date YYYY-MM-DD，{example}")


def cmd_new(args) -> int:
    from .editor.scaffold import create_next

    config = load_config(args.config)
    plan = create_next(args.source, config, args.city, args.title, args.date or _ask_date)
    for note in plan.notes:
        print(f"{plan.path}: warning: {note}", file=sys.stderr)
    print(plan.path)
    print(f"{plan.title} {plan.issue_label}, {plan.date.isoformat()}: a draft (draft: true), "
          f"not published until you remove that line")
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the same clean-up runs (staging removed, lock freed)."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _suggest_command(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """A mistyped command gets the nearest real one, before argparse's own error."""
    import difflib

    first = next((a for a in argv if not a.startswith("-")), None)
    if first is None or first in COMMANDS:
        return
    close = difflib.get_close_matches(first, COMMANDS, n=1, cutoff=0.5)
    hint = f"是否要运行 briefsite {close[0]}？" if close else "可用的命令：" + "、".join(COMMANDS)
    parser.exit(2, f"briefsite: error: 没有 {first} 这个命令；{hint}（briefsite --help 列出全部命令）\n")


COMMANDS = ("build", "check", "serve", "import", "new")


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # no command: the help, not argparse's terse error
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
        print(f"{args.command} failed: {errors} errors, {warnings} warnings"
              + (" (--strict: warnings count as errors)"
                 if warnings and getattr(args, "strict", False) else "")
              + ("; the previous site is unchanged" if args.command == "build" else ""),
              file=sys.stderr)
        return 1
    except BriefsiteError as error:
        print(error.format(), file=sys.stderr)
        return 1
    except OSError as exc:  # last line of defence: the file and the system's reason, never a traceback
        print(BriefsiteError(exc.filename or None, 0, f"{exc.strerror or exc}",
                             hint="检查该路径是否存在、是否可访问、磁盘是否已满").format(), file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        # Raised before the swap, the previous site is untouched; after it, the
        # new one is complete. Either way the output folder is whole.
        what = "terminated" if isinstance(stop, Terminated) else "interrupted"
        print(f"{what}; no half-built site was left behind"
              + (f": {args.out}/ holds the last complete build" if args.command == "build" else ""),
              file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
