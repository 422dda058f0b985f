"""Atomic file writes: a report is either fully written or not at all.

Only a regular file path is written: a folder, a device or a name longer than the file system allows is
refused before anything is written; the file gets the mode the user's umask gives a new file; and any failure of the operating system on the way (a read-only
folder, a full disk, a parent that is a file) becomes an ``OutputError`` naming the path, with the
temporary file removed.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ChuanError, OutputError


def check_output_path(path: str | Path) -> None:
    """Refuse, before any work, a path that cannot become a regular file (OutputError naming the path)."""
    target = Path(path)
    if target.name in ("", ".", ".."):
        raise OutputError("thiếu tên tệp / no file name", file=str(target))
    if len(os.fsencode(target.name)) > _name_max(target.parent):
        raise OutputError("tên tệp quá dài / file name too long", file=str(target))
    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # not there yet (a parent that is a file is named when the folder is made)
    except OSError as exc:
        raise OutputError(_why(exc), file=str(target)) from None
    if stat.S_ISDIR(mode):
        raise OutputError("đây là một thư mục, không phải tệp / is a folder, not a file", file=str(target))
    if not stat.S_ISREG(mode):
        raise OutputError("không phải tệp thông thường / not a regular file", file=str(target))


def _name_max(folder: Path) -> int:
    """The longest file name the file system holding ``folder`` (or its nearest existing parent) accepts."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return os.pathconf(probe, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _why(exc: OSError) -> str:
    match exc.errno:
        case errno.EACCES | errno.EPERM:
            return "không có quyền ghi vào thư mục này / no permission to write in this folder"
        case errno.EROFS:
            return "hệ thống tệp chỉ đọc / read-only file system"
        case errno.ENOSPC | errno.EDQUOT:
            return "đĩa đầy / disk full"
        case errno.ENAMETOOLONG:
            return "tên tệp quá dài / file name too long"
        case errno.ENOTDIR | errno.EEXIST:
            return "một phần của đường dẫn là tệp, không phải thư mục / part of the path is a file, not a folder"
        case errno.EISDIR:
            return "đây là một thư mục, không phải tệp / is a folder, not a file"
    return f"không ghi được tệp / cannot write the file: {exc.strerror or exc}"


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux), else set back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds."""
    target = Path(path)
    check_output_path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # the temporary name is bounded, so a name that fits is never refused for its temporary's length
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:40]}.", suffix=suffix)
    except OSError as exc:
        raise OutputError(_why(exc), file=str(target)) from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # a report is shared as any file the user writes (mkstemp made it 0600)
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, ChuanError):
            raise OutputError(_why(exc), file=str(target)) from None
        raise


def write_atomic(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
