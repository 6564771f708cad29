"""Optional dependencies: import them where one path needs them, with an install hint when missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from jokkgeo.errors import JokkgeoError


class MissingDependencyError(JokkgeoError, ImportError):
    """An optional package needed by the chosen option is not installed."""


def import_optional(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the extra to install.

    Parameters
    ----------
    module
        Dotted module name, e.g. ``"dask_geopandas"``.
    extra
        The jokkgeo extra that installs it, e.g. ``"dask"`` (``pip install 'jokkgeo[dask]'``).
    purpose
        What needs it, for the message (e.g. ``"--engine dask"``).

    Examples
    --------
    >>> import_optional("math", extra="none", purpose="a doctest").sqrt(4.0)
    2.0
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"{purpose} needs the package '{module.split('.')[0]}', which is not installed; "
            f"install it with: pip install 'jokkgeo[{extra}]'"
        ) from None
