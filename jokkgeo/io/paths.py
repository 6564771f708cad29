"""The one path guard: resolve a path written in a config file or given as an option.

Paths are confined to the project root: a relative path that climbs out of it, or
an absolute path outside it (after following symlinks), is refused unless the user
opts in (``allow_outside``, CLI ``--allow-outside``). URLs, GDAL virtual paths
(``/vsi…``) and formats outside :data:`ALLOWED_SUFFIXES` (e.g. ``.vrt``, which can
read arbitrary local files) are always refused.

Examples
--------
>>> from pathlib import Path
>>> resolve_path("data/a.gpkg", root=Path("/p"), origin="o") == Path("/p/data/a.gpkg").resolve()
True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jokkgeo.errors import CatalogueError, DataSourceError

ALLOWED_SUFFIXES: tuple[str, ...] = (
    ".gpkg",
    ".geojson",
    ".json",
    ".shp",
    ".zip",
    ".fgb",
    ".csv",
    ".txt",
    ".osm",
    ".xml",
    ".pbf",
    ".tif",
    ".tiff",
)
"""Data file types jokkgeo opens. Anything else (VRT, URLs, /vsi paths) is refused."""
YAML_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
"""Suffixes of config files."""

_URL_PREFIXES = ("/vsi", "vsi", "http:", "https:", "ftp:", "file:")


def resolve_path(
    raw: str | Path,
    *,
    root: str | Path,
    origin: str,
    allow_outside: bool = False,
    suffixes: Iterable[str] | None = ALLOWED_SUFFIXES,
    must_exist: bool = False,
) -> Path:
    """Resolve ``raw`` against ``root`` and check it is allowed.

    Parameters
    ----------
    raw
        The path as written (relative paths resolve against ``root``; ``~`` expands).
    root
        The project folder.
    origin
        Where the path came from, for messages (``layers/x.yaml: key 'source.path'``).
    allow_outside
        Accept paths outside ``root``.
    suffixes
        Accepted file suffixes (lower case); ``None`` accepts any.
    must_exist
        Refuse a path that does not exist (:class:`~jokkgeo.errors.DataSourceError`).

    Raises
    ------
    jokkgeo.errors.CatalogueError
        URL or virtual path, refused format, or outside the project.
    """
    text = str(raw).strip()
    lowered = text.lower()
    if "://" in lowered or lowered.startswith(_URL_PREFIXES) or "\x00" in text:
        raise CatalogueError(f"{origin}: '{text[:200]}' is a URL or GDAL virtual path; give a local file path")
    path = Path(text).expanduser()
    root_path = Path(root)
    if not path.is_absolute():
        path = root_path / path
    resolved = path.resolve()
    suffix = resolved.suffix.lower()
    if suffixes is not None:
        allowed = tuple(suffixes)
        if suffix not in allowed:
            raise CatalogueError(
                f"{origin}: '{text[:200]}' has format '{suffix or '(none)'}' which jokkgeo does not open here; "
                f"allowed: {', '.join(allowed)}"
            )
    root_resolved = root_path.resolve()
    if not allow_outside and not resolved.is_relative_to(root_resolved):
        raise CatalogueError(
            f"{origin}: '{text[:200]}' resolves to {resolved}, outside the project folder {root_resolved}; "
            "move the file into the project or pass --allow-outside"
        )
    if must_exist and not resolved.exists():
        raise DataSourceError(
            f"{origin}: file {resolved} does not exist; check the path "
            "(relative paths are resolved against the project folder)"
        )
    return resolved
