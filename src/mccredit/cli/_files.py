"""Writing output files the way every hand-off command does: each under a temporary name in
the target folder (permissions as the umask allows, like an ordinary file), renamed into place
only once all of them are written, so a failure leaves no half-written set."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer

from ._common import err

__all__ = ["temp_file", "write_files", "write_or_exit"]


def _mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def temp_file(target: Path, data: bytes) -> Path:
    """A flushed temporary file beside `target` holding `data`; the caller renames it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_files(folder: Path, files: dict[str, str]) -> None:
    """Write every file of `files` (name → UTF-8 text) into `folder`, all or none."""
    folder.mkdir(parents=True, exist_ok=True)
    done: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            done.append((temp_file(folder / name, text.encode("utf-8")), folder / name))
    except BaseException:
        for tmp, _ in done:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in done:
        os.replace(tmp, target)


def write_or_exit(folder: Path, files: dict[str, str], *, what: str = "") -> None:
    """`write_files`, or a one-line error and exit 2 when the folder cannot take them (nothing
    is written then). `what` names the output in the message ("the work list")."""
    try:
        write_files(folder, files)
    except OSError as e:
        err.print(
            f"error: cannot write {what + ' ' if what else ''}to {folder}: {e}; nothing written"
        )
        raise typer.Exit(2) from None
