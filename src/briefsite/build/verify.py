"""Verifying the live output folder before its record is trusted.

An incremental build keeps the pages whose inputs did not change, on the
word of its record of the last build (``cache.OutputState``). That record
says what briefsite wrote; it cannot know what happened to the folder since:
``rm -rf site/*``, a backup restored with ``cp -a`` (ext4 then often hands the
new folder the old one's inode), a page edited by hand. So before a build
keeps anything, it checks the folder against the record:

- **the build id**: each build that changes the site stamps the new folder
  with a random id (an extended attribute of the folder, so no published
  byte depends on it: the same input still gives the same files) and
  records it. A folder with another id, or none where one was written, is
  not the recorded one: nothing in it is trusted (every page is rendered and
  compared with the live file's bytes, unknown files removed).
- **every file**: its size, mtime, inode and ctime as recorded after the
  last build. ``cp -a`` makes new inodes, an edit changes the mtime and
  size, and even an edit that restores them changes the ctime (which no
  user can set). A missing, changed or unrecorded file is not trusted: it
  is rendered again (or removed).

Any doubt costs a rebuild of the files concerned, never a stale page. The
check is one ``lstat`` per file and per folder, without listing a folder
(``verify`` with the folders' stats): a file added, removed or replaced
changes its folder's mtime, and only such a folder is listed. A one-page site
of 10,000 bulletins has 10,000 folders: listing each of them and stat-ing
every entry cost ~0.2 s of CPU, the ``lstat``s ~0.07 s.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

XATTR = "user.briefsite.build-id"

FileStat = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns
# A folder's mtime_ns, inode, size and link count: an entry added, removed or
# renamed changes the mtime (and size on tmpfs, the link count for a folder).
# Not its ctime: renaming the folder itself (the swap) changes that alone.
DirStat = tuple[int, int, int, int]
LIST: DirStat = (-1, -1, -1, -1)  # a folder to list at the next check, whatever its stat


@dataclass(frozen=True)
class Verdict:
    """What the live folder is, compared with the record."""

    trusted: bool  # the folder the record describes (build id as recorded)
    damaged: frozenset[str] = frozenset()  # recorded files missing or changed
    extra: frozenset[str] = frozenset()  # files the record does not know
    # Every folder under the live one ("" for itself) with its stat as checked
    # (see ``dir_stat``): the next build's staging folder is this one.
    dirs: dict[str, DirStat] | None = None

    @property
    def intact(self) -> bool:
        return self.trusted and not self.damaged and not self.extra


def new_build_id() -> str:
    return secrets.token_hex(16)


def stamp(folder: Path, build_id: str) -> str:
    """Write ``build_id`` into ``folder``; '' where the file system keeps no
    extended attributes (the file checks alone then decide)."""
    try:
        os.setxattr(folder, XATTR, build_id.encode("ascii"), follow_symlinks=False)
        return build_id
    except (OSError, AttributeError):  # ENOTSUP (old tmpfs, some network file systems), not Linux
        return ""


def read_stamp(folder: Path) -> str:
    try:
        return os.getxattr(folder, XATTR, follow_symlinks=False).decode("ascii", "replace")
    except (OSError, AttributeError):
        return ""


def file_stats(folder: Path) -> dict[str, FileStat]:
    """Every entry under ``folder`` that is not a folder, by relative POSIX path."""
    return tree_stats(folder)[0]


def tree_stats(folder: Path, prefix: str = "") -> tuple[dict[str, FileStat], dict[str, DirStat]]:
    """``file_stats`` and every folder's ``dir_stat`` (``folder`` itself as
    ``prefix`` without its slash: "" for the root), in one walk."""
    found: dict[str, FileStat] = {}
    dirs: dict[str, DirStat] = {}
    try:
        dirs[prefix.rstrip("/")] = dir_stat(os.lstat(folder))
    except OSError:
        return found, dirs
    stack = [(prefix, str(folder))]
    while stack:
        prefix, path = stack.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            rel = prefix + entry.name
            if stat.S_ISDIR(st.st_mode):
                dirs[rel] = dir_stat(st)
                stack.append((rel + "/", entry.path))
            else:
                found[rel] = file_stat(st)
    return found, dirs


def file_stat(st: os.stat_result) -> FileStat:
    """A regular file's stat as recorded; anything else (a symlink or special
    file put there) is never ours."""
    if stat.S_ISREG(st.st_mode):
        return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    return (-1, -1, -1, -1)


def dir_stat(st: os.stat_result) -> DirStat:
    """A folder's stat as recorded (see ``DirStat``); LIST for anything else."""
    if stat.S_ISDIR(st.st_mode):
        return (st.st_mtime_ns, st.st_ino, st.st_size, st.st_nlink)
    return LIST


def same_dirs(folder: Path, recorded: dict[str, DirStat]) -> bool:
    """Whether every recorded folder under ``folder`` still has its recorded
    stat, and so holds the very entries it held then (one lstat each)."""
    base = str(folder)
    lstat = os.lstat
    try:
        for rel, want in recorded.items():
            if want == LIST or dir_stat(lstat(base + "/" + rel if rel else base)) != want:
                return False
    except OSError:
        return False
    return True


def verify(folder: Path, build_id: str, recorded: dict[str, FileStat],
           dirs: dict[str, DirStat] | None = None) -> Verdict:
    """Compare the live ``folder`` with the record of the build that made it.
    ``dirs``: the record's folders (``tree_stats``); without them every
    folder is listed."""
    if read_stamp(folder) != build_id or not recorded:
        return Verdict(trusted=False)
    if not dirs:
        live, seen = tree_stats(folder)
        damaged = {path for path, st in recorded.items() if live.get(path) != st}
        return Verdict(True, frozenset(damaged), frozenset(set(live) - set(recorded)), seen)
    base = str(folder)
    lstat = os.lstat
    seen: dict[str, DirStat] = {}
    listed: dict[str, FileStat] = {}  # entries of the folders that changed
    broken: list[str] = []  # recorded folders gone or no longer folders: nothing under them is trusted
    for rel, want in dirs.items():
        path = base + "/" + rel if rel else base
        try:
            now = dir_stat(lstat(path))
        except OSError:
            now = LIST
        if now == LIST:
            if not rel:
                return Verdict(trusted=False)  # (the build id was read a moment ago)
            broken.append(rel + "/")
            continue
        seen[rel] = now
        if now != want:  # an entry added, removed or replaced: list it
            prefix = rel + "/" if rel else ""
            try:
                entries = list(os.scandir(path))
            except OSError:
                broken.append(prefix)
                continue
            for entry in entries:
                name = prefix + entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):  # (the listing's d_type: no stat)
                        if name not in dirs:  # a new folder: everything in it is unknown
                            files, inner = tree_stats(Path(entry.path), name + "/")
                            listed.update(files)
                            seen.update(inner)
                    elif name not in recorded:
                        listed[name] = file_stat(entry.stat(follow_symlinks=False))
                except OSError:
                    continue
    damaged: set[str] = set()
    broken_prefixes = tuple(broken)
    for path, want in recorded.items():
        if broken_prefixes and path.startswith(broken_prefixes):
            damaged.add(path)
            continue
        try:
            now = file_stat(lstat(base + "/" + path))
        except OSError:
            damaged.add(path)
            continue
        if now != want:
            damaged.add(path)
    extra = {path for path in listed if path not in recorded}
    return Verdict(True, frozenset(damaged), frozenset(extra), seen)
