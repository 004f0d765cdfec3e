"""Find the config files and read them safely: regular files only, at most ``MAX_FILE_BYTES``.

A link to ``/dev/zero``, a FIFO or a folder named ``x.yaml`` is refused before a byte is read;
a file is read with a bounded ``read``, never until EOF; text that is not UTF-8 is refused at
the line and column of the first bad byte.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from socialseed.errors import ConfigError

MAX_FILE_BYTES = 1_000_000
_OPEN_FLAGS = os.O_RDONLY  # never wait for a writer (FIFO), never adopt a terminal
for _flag in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC"):  # POSIX only
    _OPEN_FLAGS |= getattr(os, _flag, 0)
_PICK_ANOTHER = "remove it from the config folder, or point -c at a regular YAML file or folder"


def config_files(path: Path) -> list[Path]:
    """The files a config path stands for: the file itself, or the folder's ``*.yaml``."""
    mode = _stat_mode(path, top=True)
    if not stat.S_ISDIR(mode):
        return [path]
    files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    if not files:
        raise ConfigError(
            [f"{path}: no *.yaml files in this folder"], hint=_empty_folder_hint(path)
        )
    return files


def _empty_folder_hint(path: Path) -> str:
    if (path / "__init__.py").exists():
        return (
            "this folder is a Python package (it has __init__.py), not a config folder; "
            "pass -c PATH or set SOCIALSEED_CONFIG to your config"
        )
    return "run 'socialseed init' to create an example config"


def read_text(path: Path) -> str:
    """The UTF-8 text of a regular file of at most ``MAX_FILE_BYTES`` bytes."""
    _require_regular(path, _stat_mode(path, top=False))
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    try:
        _require_regular(path, os.fstat(fd).st_mode)  # the same file we checked
        _refuse_size(path, os.fstat(fd).st_size)
        data = _read_bounded(path, fd)
    finally:
        os.close(fd)
    return decode(str(path), data)


def _read_bounded(path: Path, fd: int) -> bytes:
    chunks: list[bytes] = []
    left = MAX_FILE_BYTES + 1
    while left > 0:
        try:
            chunk = os.read(fd, min(left, 1 << 20))
        except OSError as exc:
            raise _os_error(path, exc) from exc
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    data = b"".join(chunks)
    _refuse_size(path, len(data))
    return data


def _refuse_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ConfigError(
            [
                f"{path}, line 1, column 1: file is {size / 1e6:.1f} MB; config files are "
                f"limited to {MAX_FILE_BYTES / 1e6:.0f} MB"
            ],
            hint="split the config into several files in one folder, or check that this "
            "is the file you meant",
        )


def _stat_mode(path: Path, *, top: bool) -> int:
    try:
        return os.stat(path).st_mode
    except OSError as exc:
        raise _os_error(path, exc, top=top) from exc


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise ConfigError(
            [f"{path}: is a folder, not a config file (only files are read in a config folder)"],
            hint="rename the folder so that it does not end in .yaml or .yml, or move it out "
            "of the config folder",
        )
    raise ConfigError(
        [f"{path}: is {_kind_of(mode)}, not a regular file; it is not read"],
        hint=_PICK_ANOTHER,
    )


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _os_error(path: Path, exc: OSError, *, top: bool = False) -> ConfigError:
    """One sentence per reason a path cannot be read, with what to do about it."""
    if exc.errno == errno.ENOENT and os.path.lexists(path):
        target = _link_target(path)
        return ConfigError(
            [f"{path}: is a symbolic link to {target}, which does not exist"],
            hint="fix or remove the link",
        )
    if exc.errno == errno.ENOENT and top:
        return ConfigError(
            [f"{path}: no such config file or folder"],
            hint="pass -c PATH, set SOCIALSEED_CONFIG, or run 'socialseed init' to create one",
        )
    if exc.errno == errno.ELOOP:
        return ConfigError(
            [f"{path}: is a symbolic link that loops (it leads back to itself)"],
            hint="fix or remove the link",
        )
    if exc.errno in {errno.EACCES, errno.EPERM}:
        return ConfigError(
            [f"{path}: permission denied"], hint="make the file readable, or pick another"
        )
    reason = exc.strerror or type(exc).__name__
    return ConfigError([f"{path}: cannot be read ({reason})"], hint=_PICK_ANOTHER)


def _link_target(path: Path) -> str:
    try:
        return repr(os.readlink(path))
    except OSError:
        return "a missing file"


def decode(name: str, data: bytes) -> str:
    """``data`` as UTF-8, or an error at the line and column of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(data, exc.start)
        raise ConfigError(
            [f"{name}, line {line}, column {column}: not UTF-8 text ({exc.reason})"],
            hint="save the file as UTF-8",
        ) from exc


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of the byte at ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    before = data[line_start:offset].decode("utf-8", errors="replace")
    return line, len(before) + 1
