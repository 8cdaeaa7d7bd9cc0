"""The output directory's lock: exclusive, never followed through a symlink, waited on for
a bounded time while saying who holds it.

The holder writes its pid, host, command and start time into the lock file, so a run that
gives up can name it; the kernel releases an flock when its holder dies, so a killed run
never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import socket
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.errors import UsageError

LOCK_WAIT_SECONDS = 60.0  # a render takes seconds; a minute of waiting means something is stuck
LOCK_WAIT_ENV = "EKSGEN_LOCK_TIMEOUT"
POLL_SECONDS = 0.1


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wait_seconds() -> float:
    raw = os.environ.get(LOCK_WAIT_ENV)
    if raw is None:
        return LOCK_WAIT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{LOCK_WAIT_ENV} must be a number of seconds (got {raw!r})") from None
    if not 0 <= value <= 24 * 3600:
        raise UsageError(f"{LOCK_WAIT_ENV} must be between 0 and 86400 seconds (got {raw!r})")
    return value


def open_no_follow(path: Path | str, flags: int) -> int:
    """A descriptor for a regular file at `path`, refusing a symlink or anything else there."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the last component is a symlink
            raise UsageError(f"refusing to use {path}: it is a symlink") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"refusing to use {path}: not a regular file")
    return fd


def state_dir(out_dir: Path, name: str) -> Path:
    """`out/.eksgen`, created if missing; a symlink or a non-directory there is refused."""
    state = out_dir / name
    if state.is_symlink():
        raise UsageError(f"refusing to use {state}: it is a symlink (eksgen keeps its state inside {out_dir})")
    if state.exists() and not state.is_dir():
        raise UsageError(f"refusing to use {state}: not a directory")
    state.mkdir(exist_ok=True)
    return state


@contextlib.contextmanager
def exclusive(lock_path: Path, limit: float, *, say: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the lock at `lock_path`; wait at most `limit` seconds for another holder."""
    fd = open_no_follow(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        _acquire(fd, lock_path, limit, say)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _holder_line().encode("utf-8", "backslashreplace"), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, lock_path: Path, limit: float, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + limit
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(fd)
        if time.monotonic() >= deadline:
            raise UsageError(f"{lock_path.parent.parent} is locked by {holder}; gave up after {limit:g} s "
                             f"(set {LOCK_WAIT_ENV} to wait longer)")
        if not announced:
            say(f"waiting up to {limit:g} s for {lock_path.parent.parent}: locked by {holder}")
            announced = True
        time.sleep(POLL_SECONDS)


def _holder_line() -> str:
    command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:3]))
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return f"pid {os.getpid()} on {socket.gethostname()} ({command!r}, since {started})\n"


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return repr(text)[1:-1] if text else "another process (it wrote no details)"
