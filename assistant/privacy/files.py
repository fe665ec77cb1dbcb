"""Files the assistant writes (database, logs) are readable by its own user only: they hold
conversations, appointments and profiles."""

from __future__ import annotations

import os
import time
from pathlib import Path

OWNER_ONLY = 0o600
# For everything a process creates from now on (children inherit it): no group, no others.
OWNER_ONLY_UMASK = 0o077


def owner_only_file(path: os.PathLike | str) -> Path:
    """Create ``path`` if needed (and its folder), readable and writable by its owner only;
    an existing file is made so too."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, OWNER_ONLY)
    os.close(descriptor)
    path.chmod(OWNER_ONLY)
    return path


def owner_only_from_now_on() -> None:
    """Files and folders this process and its children create get no group or other access
    (SQLite's -wal and -shm files, Rasa's and the action server's logs, ...)."""
    os.umask(OWNER_ONLY_UMASK)


def start_new_log(path: Path, keep_days: int, now: float | None = None) -> Path:
    """A fresh, owner-only log at ``path`` (``rasa-5005.log``): the previous one is kept as
    ``rasa-5005.<time>.log`` and kept logs older than ``keep_days`` are deleted."""
    now = time.time() if now is None else now
    if path.exists() and path.stat().st_size:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(path.stat().st_mtime))
        path.rename(path.with_name(f"{path.stem}.{stamp}{path.suffix}"))
    for kept in path.parent.glob(f"{path.stem}.*{path.suffix}"):
        if kept.stat().st_mtime < now - keep_days * 86400:
            kept.unlink(missing_ok=True)
    return owner_only_file(path)
