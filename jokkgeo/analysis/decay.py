"""Zone-of-influence decay shapes and their band means (pure functions).

Decay shapes
------------
All shapes give the influence ``f(d)`` of a feature at distance ``d`` (metres,
``d = 0`` inside or on the feature) for a zone-of-influence radius ``r`` (the
largest of ``zones_m``, or ``radius_m``), after the shapes of NINA's *oneimpact*
R package. Every shape is 1 at ``d = 0`` and is cut to 0 beyond ``r``:

* ``step``:        ``f(d) = 1`` for ``d <= r``.
* ``linear``:      ``f(d) = 1 - d / r``.
* ``exponential``: ``f(d) = exp(-λ d)`` with ``λ = ln(20) / r``, so ``f(r) = 0.05``
  (oneimpact's ``zoi_limit = 0.05``); the half-influence distance is ``r·ln 2/ln 20``.
* ``gaussian``:    ``f(d) = exp(-d² / (2 σ²))`` with ``σ = r / sqrt(2 ln 20)``, so
  ``f(r) = 0.05``.

:func:`decay` evaluates a shape; :func:`band_mean_influence` gives its mean over a
distance band ``[a, b]`` (closed forms), used to weight zone areas.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import erf

from jokkgeo.config.rules import DECAY_SHAPES

ZOI_LIMIT = 0.05
"""Influence of the exponential and Gaussian shapes at the zone-of-influence radius."""


def _check_shape(shape: str) -> None:
    if shape not in DECAY_SHAPES:
        raise ValueError(f"decay shape '{shape}' is not one of: {', '.join(DECAY_SHAPES)}")


def decay(distance_m: Any, *, shape: str, radius_m: float) -> np.ndarray:
    """Influence (0–1) at ``distance_m`` for a decay ``shape`` and zone radius ``radius_m``.

    Parameters
    ----------
    distance_m
        Distances in metres (scalar or array); 0 means inside/on the feature.
    shape
        ``"step"``, ``"linear"``, ``"exponential"`` or ``"gaussian"`` (see module docs).
    radius_m
        Zone-of-influence radius in metres; influence is 0 beyond it.

    Returns
    -------
    numpy.ndarray
        Influence values, float64, same shape as ``distance_m``.

    Examples
    --------
    >>> float(decay(500.0, shape="linear", radius_m=1000.0))
    0.5
    >>> round(float(decay(1000.0, shape="exponential", radius_m=1000.0)), 6)
    0.05
    """
    _check_shape(shape)
    if radius_m <= 0:
        raise ValueError(f"radius_m must be positive, got {radius_m}")
    d = np.asarray(distance_m, dtype="float64")
    if shape == "step":
        out = np.ones_like(d)
    elif shape == "linear":
        out = 1.0 - d / radius_m
    elif shape == "exponential":
        out = np.exp(-math.log(1.0 / ZOI_LIMIT) * d / radius_m)
    else:
        sigma = radius_m / math.sqrt(2.0 * math.log(1.0 / ZOI_LIMIT))
        out = np.exp(-(d**2) / (2.0 * sigma**2))
    return np.where(d <= radius_m, out, 0.0)


def band_mean_influence(inner_m: float, outer_m: float, *, shape: str, radius_m: float) -> float:
    """Mean of :func:`decay` over distances ``inner_m``–``outer_m`` (closed form).

    This is the weight given to the area of a distance band when computing an
    influence-weighted area. It averages over *distance*, not over area, so for
    a point source in a large polygon it is an approximation of the exact
    area-weighted mean (exact for ``step``; for ``linear`` over ``[0, r]`` it gives
    1/2 where the area-weighted mean is 1/3). Bands narrow the gap.

    Parameters
    ----------
    inner_m, outer_m
        Band limits in metres (``inner_m <= outer_m``).
    shape
        Decay shape (:data:`jokkgeo.config.rules.DECAY_SHAPES`).
    radius_m
        Zone-of-influence radius in metres (influence 0 beyond it).

    Examples
    --------
    >>> band_mean_influence(0, 100, shape="linear", radius_m=200)
    0.75
    >>> band_mean_influence(100, 300, shape="step", radius_m=200)  # half the band lies past the radius
    0.5
    """
    _check_shape(shape)
    a, b, r = float(inner_m), float(min(outer_m, radius_m)), float(radius_m)
    if b <= a:
        return float(decay(a, shape=shape, radius_m=r)) if outer_m == inner_m else 0.0
    if shape == "step":
        value = 1.0
    elif shape == "linear":
        value = 1.0 - (a + b) / (2.0 * r)
    elif shape == "exponential":
        lam = math.log(1.0 / ZOI_LIMIT) / r
        value = (math.exp(-lam * a) - math.exp(-lam * b)) / (lam * (b - a))
    else:
        sigma = r / math.sqrt(2.0 * math.log(1.0 / ZOI_LIMIT))
        s2 = sigma * math.sqrt(2.0)
        value = sigma * math.sqrt(math.pi / 2.0) * (erf(b / s2) - erf(a / s2)) / (b - a)
    # bands reaching past the radius get 0 for that part
    return value * (b - a) / (float(outer_m) - a)


# ------------------------------------------------------------------ commuting decay (time, not distance)

COMMUTING_SHAPES: tuple[str, ...] = ("logistic", "exponential", "step")
"""Shapes of :func:`commuting_decay` (a function of travel *minutes*, not of distance)."""


def commuting_decay(minutes: Any, *, shape: str = "logistic", midpoint_minutes: float = 55.0,
                    steepness_per_minute: float = 0.15, max_minutes: float = 90.0) -> np.ndarray:
    """Willingness to commute (0–1) over a trip of ``minutes``: 1 at 0 min, never rising, 0 beyond ``max_minutes``.

    * ``logistic`` (default): ``f(t) = (1 + exp(-k·m)) / (1 + exp(k·(t - m)))`` with midpoint
      ``m = midpoint_minutes`` and steepness ``k = steepness_per_minute``: flat for short trips,
      steep around ``m``. The default (m = 55 min, k = 0.15/min: f(30) ≈ 0.98, f(45) ≈ 0.82,
      f(60) ≈ 0.32, f(75) ≈ 0.05) takes its shape from Sandow & Westin (2010): in northern Sweden
      the inclination to commute declines rapidly beyond about 45 minutes. The numbers are an
      assumption and must be calibrated on commuting data (SCB RAMS).
    * ``exponential``: ``f(t) = exp(-k·t)``.
    * ``step``: 1 up to ``max_minutes``.

    NaN (unreachable) gives 0.

    Parameters
    ----------
    minutes
        Travel times in minutes (scalar or array).
    shape
        ``"logistic"``, ``"exponential"`` or ``"step"``.
    midpoint_minutes
        Logistic midpoint (minutes).
    steepness_per_minute
        Logistic steepness or exponential rate (per minute, > 0).
    max_minutes
        Trips longer than this get 0.

    Examples
    --------
    >>> round(float(commuting_decay(45.0)), 3)
    0.818
    >>> float(commuting_decay(95.0))
    0.0
    """
    if shape not in COMMUTING_SHAPES:
        raise ValueError(f"commuting decay shape '{shape}' is not one of: {', '.join(COMMUTING_SHAPES)}")
    if not steepness_per_minute > 0 or not max_minutes > 0:
        raise ValueError("steepness_per_minute and max_minutes must be positive")
    t = np.asarray(minutes, dtype="float64")
    ok = np.isfinite(t) & (t <= max_minutes)
    tt = np.where(ok, np.maximum(t, 0.0), 0.0)
    k, m = float(steepness_per_minute), float(midpoint_minutes)
    if shape == "logistic":
        out = (1.0 + np.exp(-k * m)) / (1.0 + np.exp(k * (tt - m)))
    elif shape == "exponential":
        out = np.exp(-k * tt)
    else:
        out = np.ones_like(tt)
    return np.where(ok, out, 0.0)
