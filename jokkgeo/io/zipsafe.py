"""Safe extraction of zipped vector data (e.g. a zipped Shapefile) into a temporary folder.

A zip file is never handed to GDAL as ``/vsizip/``; it is checked member by member
and extracted only inside a fresh temporary folder that is removed afterwards.

Refused (each a :class:`~jokkgeo.errors.DataSourceError` naming the archive and member):

* members whose path is absolute, contains ``..`` or a drive letter, or otherwise
  resolves outside the temporary folder ("zip slip"),
* symbolic links (Unix mode bits in ``external_attr``),
* nested archives (``.zip``, ``.gz``, ``.tar``, ``.7z``, ``.rar``, ``.bz2``, ``.xz``, ``.tgz``),
* zip bombs: more than :data:`MAX_MEMBERS` members, a total uncompressed size above
  :data:`MAX_TOTAL_BYTES`, or a member with compression ratio above
  :data:`MAX_RATIO` (when it is larger than 1 MiB); extraction stops if a member
  inflates beyond its declared size,
* encrypted members.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from jokkgeo.errors import DataSourceError

MAX_MEMBERS = 1000
MAX_TOTAL_BYTES = 2 * 1024**3
"""Largest total uncompressed size accepted (2 GiB)."""
MAX_RATIO = 200
"""Largest compression ratio accepted for a member bigger than 1 MiB."""
NESTED_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".kmz")
_CHUNK = 1 << 20


def _check_member(archive: Path, info: zipfile.ZipInfo) -> PurePosixPath | None:
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise DataSourceError(f"{archive}: member '{name}' is a symbolic link; refusing to extract it")
    if info.flag_bits & 0x1:
        raise DataSourceError(f"{archive}: member '{name}' is encrypted; unzip it yourself")
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise DataSourceError(f"{archive}: member '{name}' would be extracted outside the archive folder; refusing")
    if info.is_dir():
        return None
    if pure.suffix.lower() in NESTED_SUFFIXES:
        raise DataSourceError(f"{archive}: member '{name}' is a nested archive; unpack it first")
    if info.file_size > _CHUNK and info.compress_size > 0 and info.file_size / info.compress_size > MAX_RATIO:
        raise DataSourceError(
            f"{archive}: member '{name}' expands {info.file_size / info.compress_size:.0f}-fold "
            f"(limit {MAX_RATIO}); looks like a zip bomb, refusing"
        )
    return pure


@contextmanager
def extracted_zip(path: str | Path) -> Iterator[Path]:
    """Extract a zip archive safely into a temporary folder and yield that folder.

    The folder and everything in it are deleted when the ``with`` block ends.

    Parameters
    ----------
    path
        The ``.zip`` archive.
    """
    archive = Path(path)
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise DataSourceError(f"{archive}: is not a valid zip archive") from None
    except FileNotFoundError:
        raise DataSourceError(f"{archive}: file does not exist") from None
    tmp = Path(tempfile.mkdtemp(prefix="jokkgeo-zip-"))
    try:
        with zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise DataSourceError(f"{archive}: has {len(infos)} members (limit {MAX_MEMBERS}); refusing")
            total = sum(i.file_size for i in infos)
            if total > MAX_TOTAL_BYTES:
                raise DataSourceError(
                    f"{archive}: would expand to {total / 1024**3:.1f} GiB "
                    f"(limit {MAX_TOTAL_BYTES / 1024**3:.0f} GiB); "
                    "refusing (possible zip bomb)"
                )
            root = tmp.resolve()
            for info in infos:
                pure = _check_member(archive, info)
                if pure is None:
                    continue
                dest = (tmp / Path(*pure.parts)).resolve()
                if not dest.is_relative_to(root):
                    raise DataSourceError(f"{archive}: member '{info.filename}' escapes the extraction folder")
                dest.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                with zf.open(info) as src, open(dest, "xb") as out:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        if written > info.file_size:
                            raise DataSourceError(
                                f"{archive}: member '{info.filename}' is larger than declared; refusing (zip bomb?)"
                            )
                        out.write(chunk)
        yield tmp
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise DataSourceError(f"{archive}: damaged zip archive ({exc})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
