"""Error classes.

Every error a user can cause derives from :class:`JokkgeoError`; the CLI prints
its message and exits with status 2. Subclasses also inherit the matching
builtin so callers can catch ``ValueError`` or ``OSError`` as usual.
Messages say what was wrong, what was received and how to fix it.
"""

from __future__ import annotations


class JokkgeoError(Exception):
    """Root of all jokkgeo user-facing errors."""


class CatalogueError(JokkgeoError, ValueError):
    """A layer spec, recipe, rule or scenario file is invalid (names file and key)."""


class DataSourceError(JokkgeoError, OSError):
    """A file cannot be found, opened or is not an accepted format."""


class DataLayerError(JokkgeoError, ValueError):
    """A layer inside a data source is missing, ambiguous or has bad content."""


class CRSError(JokkgeoError, ValueError):
    """A CRS is missing, unknown or does not fit the coordinates."""


class GeometryError(JokkgeoError, ValueError):
    """Geometries do not match the declared type or cannot be repaired."""


class OutputExistsError(JokkgeoError, FileExistsError):
    """An output exists and ``overwrite`` was not given."""


class AnalysisError(JokkgeoError, ValueError):
    """An analysis cannot run on the given inputs (e.g. a site too far from the network)."""
