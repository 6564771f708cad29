"""jokkgeo: spatial site analysis for Jokkmokk municipality.

Modules are re-exported as modules (``jokkgeo.catalogue``, ``jokkgeo.io``), not
as a flat namespace of functions.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jokkgeo")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
