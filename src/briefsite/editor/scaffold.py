"""``briefsite new``: start the next issue of a series.

A series is the bulletins with the same city and title. The next issue
copies what stays the same from the series' latest issue (title, issuer,
recipients, contact line), takes the next issue number (and 总期号), the
date the editor gives (the file is named after it), and the section headings (## 【…】) of the latest issue as an empty
body. It is written as a draft: checked by ``briefsite check``, never
published until the editor removes ``draft: true``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from briefsite.content.config import Config
from briefsite.errors import BriefsiteError, Problems
from briefsite.i18n import _
from .importing.importer import markdown_text, render_front_matter, write_new_file
from briefsite.content.loader import load_all
from briefsite.content.model import Bulletin
from .importing.textshape import nonspace

# The body of a new issue whose series has no sections: one headline, one
# paragraph, each a placeholder in the editor's language.
DEFAULT_BODY = "### {headline}\n\n{text}"


@dataclass(frozen=True)
class NextIssue:
    path: Path
    title: str
    issue: int | None
    date: dt.date
    previous: Bulletin
    sections: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def issue_label(self) -> str:
        if self.issue is None:
            return _("(no issue number)")
        return _("issue {number}").format(number=self.issue)


def choose_series(bulletins: list[Bulletin], city: str, title: str | None,
                  source: Path) -> list[Bulletin]:
    """The issues of the series asked for, oldest first; a clear error if it is ambiguous."""
    mine = [b for b in bulletins if b.city == city]
    if not mine:
        cities = sorted({b.city for b in bulletins})
        raise BriefsiteError(source, 0, _("no bulletin of {city} found").format(city=city),
                             hint=_("cities here: {cities}").format(cities=_(", ").join(cities)) if cities
                             else _("import the first issue with 'briefsite import' or write it by hand"))
    titles = sorted({b.title for b in mine})
    if title is not None:
        chosen = [t for t in titles if nonspace(t) == nonspace(title)]
        if not chosen:
            raise BriefsiteError(source, 0, _("{city} has no series titled {title}").format(city=city, title=title),
                                 hint=_("its series: {titles}").format(titles=_("; ").join(titles)))
        title = chosen[0]
    elif len(titles) == 1:
        title = titles[0]
    else:
        listing = _("; ").join(f"--title {t} ({_last_label(mine, t)})" for t in titles)
        raise BriefsiteError(source, 0, _("{city} has {count} series; say which with --title").format(
                                 city=city, count=len(titles)),
                             hint=listing)
    return sorted((b for b in mine if b.title == title), key=lambda b: b.sort_key)


def _last_label(bulletins: list[Bulletin], title: str) -> str:
    last = max((b for b in bulletins if b.title == title), key=lambda b: b.sort_key)
    return _("last: {issue} of {date}").format(issue=last.issue_label or _("no number"), date=last.date.isoformat())


def plan_next(source: Path, config: Config, city: str, title: str | None,
              date: "dt.date | Callable[[], dt.date]") -> tuple[NextIssue, str]:
    """The next issue of the series and the text of its file (nothing written yet)."""
    if not source.is_dir():
        raise BriefsiteError(source, 0, _("source folder not found"), hint=_("check --source"))
    problems = Problems()
    bulletins = load_all(source, config, problems)
    series = choose_series(bulletins, city, title, source)
    if callable(date):  # asked for once the series is known to exist
        date = date()
    previous = series[-1]
    notes: list[str] = []
    # A broken file in the series' folder may hold its latest issue number.
    slug = config.city_slug(previous.city)
    broken = sorted({p.path for p in problems.errors if p.path and Path(p.path).parent.name == slug})
    if broken:
        notes.append(_("not counted, as they have errors: {files} (run briefsite check); the issue number may "
                       "be too low").format(files=", ".join(broken)))
    issues = [b.issue for b in series if b.issue is not None]
    totals = [b.total_issue for b in series if b.total_issue is not None]
    issue = max(issues) + 1 if issues else None
    if issue is None:
        notes.append(_("the series prints no issue numbers, so the new issue has none"))
    elif date.year > previous.date.year:
        notes.append(_("a new year since the last issue ({date}): if the series numbers its issues afresh each "
                       "year, change issue to 1").format(date=previous.date.isoformat()))
    if date < previous.date:
        notes.append(_("the date {date} is before the last issue's ({last})").format(
            date=date.isoformat(), last=previous.date.isoformat()))

    facts: dict[str, object] = {"title": previous.title}
    if issue is not None:
        facts["issue"] = issue
    if totals:
        facts["total_issue"] = max(totals) + 1
    facts["date"] = date
    facts["issuer"] = previous.issuer
    facts["city"] = previous.city
    if previous.recipients:
        facts["recipients"] = {g.written_key: list(g.names) for g in previous.recipients}
    if previous.contact:
        facts["contact"] = previous.contact
    facts["draft"] = True
    comments = {"draft": _("remove this line when the issue is finished: drafts are not published")}
    front, _lines = render_front_matter(facts, comments)

    sections = tuple(h.text for h in previous.toc if h.level == 2)
    body = "\n\n".join(f"## {markdown_text(s, heading=True)}" for s in sections) \
        or DEFAULT_BODY.format(headline=_("(headline)"), text=_("(text)"))
    name = f"{date.isoformat()}-{issue}.md" if issue is not None else f"{date.isoformat()}.md"
    path = source / config.city_slug(previous.city) / name
    plan = NextIssue(path, previous.title, issue, date, previous, sections, tuple(notes))
    return plan, front + "\n" + body + "\n"


def create_next(source: Path, config: Config, city: str, title: str | None,
                date: "dt.date | Callable[[], dt.date]") -> NextIssue:
    plan, text = plan_next(source, config, city, title, date)
    try:
        write_new_file(plan.path, text, overwrite=False)
    except OSError as exc:  # a read-only city folder, or a symlink to nowhere in its place
        raise BriefsiteError(exc.filename or plan.path.parent, 0,
                             _("cannot write the new issue here: {reason}").format(reason=exc.strerror),
                             hint=_("check that the folder {folder} exists and can be written (if it is a symlink "
                                    "to nowhere, delete or correct it)").format(folder=plan.path.parent)) from None
    return plan
