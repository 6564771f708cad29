"""Read one YAML config file, hardened (see :mod:`jokkgeo.config._yaml`).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
>>> _ = p.write_text("id: 0114\\nok: NO\\n", encoding="utf-8")
>>> read_yaml(p)
{'id': '0114', 'ok': 'NO'}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jokkgeo.config._yaml import loads
from jokkgeo.errors import CatalogueError, DataSourceError

MAX_BYTES = 5_000_000
"""Largest config file read (bytes); configs are small, larger files are refused."""


def read_yaml(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read a YAML file: UTF-8, at most ``max_bytes``, no aliases, no duplicate keys.

    Parameters
    ----------
    path
        The file.
    max_bytes
        Size limit in bytes.

    Raises
    ------
    jokkgeo.errors.DataSourceError
        The file does not exist or cannot be read.
    jokkgeo.errors.CatalogueError
        Not UTF-8, too large, or invalid YAML (message names the file and line).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CatalogueError(f"{path}: file is {size} bytes; config files may be at most {max_bytes} bytes")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataSourceError(f"{path}: file does not exist") from None
    except IsADirectoryError:
        raise DataSourceError(f"{path}: is a folder; give a YAML file") from None
    except OSError as exc:
        raise DataSourceError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from None
    return loads(text, path)
