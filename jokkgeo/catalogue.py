"""Layer catalogue (old import path, kept because the README documents it).

The schema lives in :mod:`jokkgeo.config.layers`, file reading in
:func:`jokkgeo.io.configs.read_catalogue`, the path guard in
:func:`jokkgeo.io.paths.resolve_path`, YAML reading in :func:`jokkgeo.io.yamlfile.read_yaml`.
New code imports from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jokkgeo.config.layers import (  # noqa: F401  (re-exports)
    GEOMETRY_TYPES,
    SENSITIVITIES,
    THEMES,
    CatalogueKeyError,
    LayerSpec,
    SourceSpec,
)
from jokkgeo.config.layers import Catalogue as _Catalogue
from jokkgeo.config.styles import STYLE_KEYS  # noqa: F401
from jokkgeo.io.configs import layer_spec_from_data, read_catalogue
from jokkgeo.io.paths import ALLOWED_SUFFIXES, resolve_path  # noqa: F401
from jokkgeo.io.yamlfile import read_yaml as load_yaml  # noqa: F401


class Catalogue(_Catalogue):
    """A :class:`jokkgeo.config.layers.Catalogue` with the old ``from_dir`` constructor."""

    @classmethod
    def from_dir(
        cls,
        directory: str | Path,
        *,
        root: str | Path | None = None,
        allow_outside: bool = False,
        check_exists: bool = True,
    ) -> "Catalogue":
        """Load every ``*.yaml``/``*.yml`` in ``directory`` (see :func:`jokkgeo.io.configs.read_catalogue`).

        Parameters
        ----------
        directory
            The catalogue folder.
        root
            The project folder (default: the folder's parent).
        allow_outside
            Accept source paths outside the project.
        check_exists
            Refuse specs whose data file does not exist.
        """
        cat = read_catalogue(directory, root=root, allow_outside=allow_outside, check_exists=check_exists)
        return cls(dict(cat), cat.directory, cat.root)


def parse_layer_spec(
    data: Any, spec_path: Path, *, root: Path, allow_outside: bool = False, check_exists: bool = True
) -> LayerSpec:
    """Validate one parsed layer document, resolving its source under ``root`` (old signature).

    Parameters
    ----------
    data
        The YAML document.
    spec_path
        The file it came from.
    root
        The project folder.
    allow_outside, check_exists
        See :func:`jokkgeo.io.configs.source_resolver`.
    """
    return layer_spec_from_data(data, spec_path, root=root, allow_outside=allow_outside, check_exists=check_exists)
