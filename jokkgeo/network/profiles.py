"""Season speed profiles: a speed model, per-class speed factors and closed classes, selectable by name.

The packaged profiles live in ``jokkgeo/network/seasons.yaml`` (``summer``,
``winter``, ``winter_open_tracks`` with the realistic ``operating`` speed model;
``signed_limits`` and ``winter_signed_limits`` with every road at its signed
limit, the behaviour before the model). A profile never rebuilds a network: it
only turns the base speeds into a new travel-time array
(:meth:`jokkgeo.network.arrays.RoadNetwork.travel_time`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jokkgeo.config._yaml import loads
from jokkgeo.config.seasons import SURFACES, SeasonSpec, parse_season, parse_seasons
from jokkgeo.errors import CatalogueError
from jokkgeo.network.speeds import OPERATING, ROAD_CLASSES, SPEED_MODELS, SpeedModel

SEASONS_FILE = Path(__file__).with_name("seasons.yaml")
__all__ = ["SURFACES", "SpeedProfile", "available_profiles", "get_profile", "profile_from_dict",
           "profile_from_spec", "seasonal_classes"]


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
    speed_model
        How limits become average speeds and what junctions cost
        (:class:`~jokkgeo.network.speeds.SpeedModel`; default the realistic
        ``operating`` model, :data:`~jokkgeo.network.speeds.SIGNED_LIMITS` for
        speeds equal to the limits). The season factors apply on top.
    """

    name: str
    factors: Mapping[str, float] = field(default_factory=dict)
    surface_factors: Mapping[str, float] = field(default_factory=dict)
    closed: frozenset[str] = frozenset()
    description: str = ""
    description_sv: str = ""
    speed_model: SpeedModel = OPERATING

    @property
    def key(self) -> tuple[Any, ...]:
        """Hashable identity (used to cache weights per profile)."""
        return (
            self.name,
            tuple(sorted(self.factors.items())),
            tuple(sorted(self.surface_factors.items())),
            tuple(sorted(self.closed)),
            self.speed_model,
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form for result parameters and manifests (the speed model included)."""
        return {
            "name": self.name,
            "factors": dict(self.factors),
            "surface_factors": dict(self.surface_factors),
            "closed": sorted(self.closed),
            "description": self.description,
            "speed_model": self.speed_model.as_dict(),
        }


def profile_from_dict(name: str, data: Any, *, origin: str = "profile") -> SpeedProfile:
    """Validate a mapping (as in ``seasons.yaml``) and return a :class:`SpeedProfile`.

    Parameters
    ----------
    name
        Profile name.
    data
        The mapping (schema: :mod:`jokkgeo.config.seasons`).
    origin
        The file it came from (for messages).
    """
    return profile_from_spec(parse_season(name, data, origin, road_classes=ROAD_CLASSES,
                                          speed_models=tuple(SPEED_MODELS)))


def profile_from_spec(spec: SeasonSpec) -> SpeedProfile:
    """The :class:`SpeedProfile` of a validated :class:`~jokkgeo.config.seasons.SeasonSpec`.

    Parameters
    ----------
    spec
        A parsed season profile.
    """
    if spec.speed_model not in SPEED_MODELS:
        raise CatalogueError(f"profile '{spec.name}': key 'speed_model': {spec.speed_model!r} is not a speed model; "
                             f"use one of: {', '.join(SPEED_MODELS)}")
    model = SPEED_MODELS[spec.speed_model]
    if spec.speed_model_overrides:
        model = model.with_overrides(spec.speed_model_overrides)
    return SpeedProfile(
        name=spec.name,
        factors=dict(spec.factors),
        surface_factors=dict(spec.surface_factors),
        closed=spec.closed,
        description=spec.description,
        description_sv=spec.description_sv,
        speed_model=model,
    )


@lru_cache(maxsize=1)
def _packaged() -> dict[str, SpeedProfile]:
    # the packaged defaults (not a user path); user files go through jokkgeo.io.configs.read_seasons
    data = loads(SEASONS_FILE.read_text(encoding="utf-8"), SEASONS_FILE)
    return {n: profile_from_spec(s) for n, s in parse_seasons(data, SEASONS_FILE, road_classes=ROAD_CLASSES,
                                                                 speed_models=tuple(SPEED_MODELS)).items()}


def available_profiles() -> tuple[str, ...]:
    """Names of the packaged profiles."""
    return tuple(_packaged())


def get_profile(profile: str | SpeedProfile | None) -> SpeedProfile:
    """Return a packaged profile by name (``None`` means ``"summer"``), or pass a profile through.

    Parameters
    ----------
    profile
        A profile name, a :class:`SpeedProfile`, or ``None``.

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
