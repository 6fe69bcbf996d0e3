"""Outputs that appear whole or not at all, and SIGTERM as an exception so that cleanup runs.

`replacing_folder` hands out a fresh temporary sibling of a folder (same parent, so the final
rename stays on one filesystem); when the block ends without an exception, the temporary folder
takes the place of the old one, which is removed only then. On an exception (`KeyboardInterrupt`
and, while the block runs, SIGTERM included) the temporary folder is removed and the old folder
is left as it was. Replacing an existing folder takes two renames (the old one aside, the new
one in): for that instant `NAME` is absent, never a mix. A process killed with SIGKILL can leave
a hidden `.NAME.*.partial` (or `.NAME.*.old`) sibling behind, never a half-written `NAME`.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType


class Terminated(SystemExit):
    """SIGTERM raised as an exception; uncaught, the process exits with status 128 + 15."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs, SIGTERM raises `Terminated` (main thread only; restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def replace_path(new: Path, final: Path) -> None:
    """Move file or folder `new` to `final`, replacing what is there; on failure `final` stays."""
    if not new.is_dir() or not (final.exists() or final.is_symlink()):
        os.replace(new, final)
        return
    old = _sibling(final, "old")
    os.replace(final, old)
    try:
        os.replace(new, final)
    except BaseException:
        os.replace(old, final)
        raise
    _remove(old)


@contextmanager
def replacing_folder(final: str | Path) -> Iterator[Path]:
    """A temporary sibling of `final` to write into; it replaces `final` whole on success."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = _sibling(final, "partial")
    partial.mkdir()  # not mkdtemp: the folder gets the umask's permissions, as `final` would
    try:
        with sigterm_raises():
            yield partial
            replace_path(partial, final)
    finally:
        _remove(partial)


def _sibling(path: Path, kind: str) -> Path:
    """A fresh hidden name beside `path`."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.{kind}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
