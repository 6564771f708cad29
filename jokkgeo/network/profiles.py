"""Season speed profiles: per-class speed factors and closed classes, selectable by name.

The packaged profiles live in ``jokkgeo/network/seasons.yaml`` (``summer``,
``winter``, ``winter_open_tracks``). A profile never rebuilds a network: it only
turns the base speeds into a new travel-time array
(:meth:`jokkgeo.network.arrays.RoadNetwork.travel_time`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jokkgeo.errors import CatalogueError
from jokkgeo.network.speeds import ROAD_CLASSES

SEASONS_FILE = Path(__file__).with_name("seasons.yaml")
SURFACES: tuple[str, ...] = ("paved", "unpaved", "unknown")


@dataclass(frozen=True)
class SpeedProfile:
    """Speed factors per road class and surface, and classes closed to traffic.

    Parameters
    ----------
    name
        Profile name (e.g. ``"winter"``).
    factors
        Road class -> factor in (0, 1.5]; classes not listed keep factor 1.
    surface_factors
        Surface (``paved``/``unpaved``/``unknown``) -> factor; an edge uses the
        smaller of its class and surface factor.
    closed
        Road classes with no traffic in this profile.
    description
        Human-readable description (English); ``description_sv`` Swedish.
    """

    name: str
    factors: Mapping[str, float] = field(default_factory=dict)
    surface_factors: Mapping[str, float] = field(default_factory=dict)
    closed: frozenset[str] = frozenset()
    description: str = ""
    description_sv: str = ""

    @property
    def key(self) -> tuple[Any, ...]:
        """Hashable identity (used to cache weights per profile)."""
        return (
            self.name,
            tuple(sorted(self.factors.items())),
            tuple(sorted(self.surface_factors.items())),
            tuple(sorted(self.closed)),
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form for result parameters and manifests."""
        return {
            "name": self.name,
            "factors": dict(self.factors),
            "surface_factors": dict(self.surface_factors),
            "closed": sorted(self.closed),
            "description": self.description,
        }


def profile_from_dict(name: str, data: Any, *, origin: str = "profile") -> SpeedProfile:
    """Validate a mapping (as in ``seasons.yaml``) and return a :class:`SpeedProfile`."""
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{origin}: profile '{name}' must be a mapping, got {type(data).__name__}")
    allowed = {"description", "description_sv", "factors", "surface_factors", "closed"}
    for key in data:
        if key not in allowed:
            raise CatalogueError(f"{origin}: profile '{name}': unknown key '{key}'; allowed: {', '.join(sorted(allowed))}")

    def factors(key: str, valid: tuple[str, ...]) -> dict[str, float]:
        raw = data.get(key) or {}
        if not isinstance(raw, Mapping):
            raise CatalogueError(f"{origin}: profile '{name}': '{key}' must be a mapping")
        out = {}
        for cls, value in raw.items():
            if cls not in valid:
                raise CatalogueError(
                    f"{origin}: profile '{name}': '{key}.{cls}' is not known; use one of: {', '.join(valid)}"
                )
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1.5:
                raise CatalogueError(f"{origin}: profile '{name}': '{key}.{cls}' must be a number in (0, 1.5], got {value!r}")
            out[str(cls)] = float(value)
        return out

    closed = data.get("closed") or []
    if not isinstance(closed, list) or any(c not in ROAD_CLASSES for c in closed):
        raise CatalogueError(
            f"{origin}: profile '{name}': 'closed' must be a list of road classes ({', '.join(ROAD_CLASSES)}), got {closed!r}"
        )
    return SpeedProfile(
        name=name,
        factors=factors("factors", ROAD_CLASSES),
        surface_factors=factors("surface_factors", SURFACES),
        closed=frozenset(closed),
        description=str(data.get("description") or ""),
        description_sv=str(data.get("description_sv") or ""),
    )


@lru_cache(maxsize=1)
def _packaged() -> dict[str, SpeedProfile]:
    data = yaml.safe_load(SEASONS_FILE.read_text(encoding="utf-8"))
    return {name: profile_from_dict(name, spec, origin=str(SEASONS_FILE)) for name, spec in data.items()}


def available_profiles() -> tuple[str, ...]:
    """Names of the packaged profiles."""
    return tuple(_packaged())


def get_profile(profile: str | SpeedProfile | None) -> SpeedProfile:
    """Return a packaged profile by name (``None`` means ``"summer"``), or pass a profile through.

    Examples
    --------
    >>> get_profile("winter").closed
    frozenset({'track'})
    """
    if profile is None:
        profile = "summer"
    if isinstance(profile, SpeedProfile):
        return profile
    profiles = _packaged()
    if profile not in profiles:
        raise CatalogueError(f"unknown season/profile '{profile}'; available: {', '.join(profiles)}")
    return profiles[profile]


def seasonal_classes() -> frozenset[str]:
    """Road classes closed in at least one packaged profile (e.g. forest tracks in winter).

    Sites and places also snap to the nearest road *outside* these classes, so
    closing them can only lengthen travel times: winter catchments are never
    larger than summer ones.
    """
    out: set[str] = set()
    for prof in _packaged().values():
        out |= prof.closed
    return frozenset(out)
