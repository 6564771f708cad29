"""Colour-blind-safe class colours shared by the web maps and the print figures.

:func:`palette` gives the colours of one kind of classes (catchment bands, conflict
severity, scenario gain/loss, unordered categories such as samebyar). Every palette is
chosen so that neighbouring classes stay apart for a deuteranope (the commonest colour
vision deficiency, about 5 % of men): :func:`simulate_deuteranopia` shows a colour as a
deuteranope sees it (Machado, Oliveira & Fernandes 2009, severity 1.0, applied to linear
sRGB), and :func:`delta_e` measures the difference of two colours in CIEDE2000 units.
The tests check that neighbouring classes of every palette differ by at least
:data:`MIN_DELTA_E` after the simulation (all pairs for ``categorical``).

The API is shared with the print figures (:mod:`jokkgeo.render.static`): keep
``palette(kind, n)``, ``simulate_deuteranopia(colors)``, ``delta_e(a, b)`` and
``min_neighbour_delta_e(colors)`` stable.

Examples
--------
>>> palette("gain_loss", 2)
('#2166ac', '#e66101')
>>> min_neighbour_delta_e(palette("severity", 4)) >= MIN_DELTA_E
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PALETTE_KINDS: tuple[str, ...] = ("sequential_bands", "severity", "gain_loss", "categorical")
"""Kinds of class palettes :func:`palette` knows."""

MIN_DELTA_E = 10.0
"""Smallest CIEDE2000 difference between neighbouring classes after the deuteranopia
simulation. About 2 is a just-noticeable difference side by side; 10 keeps classes apart
as small map patches and legend swatches seen apart (a common rule of thumb for
categorical map colours)."""

# Catchment bands, closest (darkest) first: matplotlib's viridis (van der Walt & Smith 2015),
# sampled end to end. Lightness rises monotonically and the hue path avoids red-green, so
# neighbouring bands stay apart for deuteranopes up to 6 classes (ΔE00 >= 10; 7 classes: 9.7).
BAND_CMAP = "viridis"
"""Colour map the band palette is sampled from."""

# Severity, worst first: major, moderate, minor, then "no conflict". The three conflict
# classes run dark red-brown -> orange -> pale yellow (lightness carries the order, which a
# deuteranope keeps); "no conflict" is blue, not green (red and green merge for deuteranopes).
_SEVERITY: tuple[str, ...] = ("#7f0000", "#e34a33", "#fdd49e", "#4393c3")

# Gain / loss / unchanged: blue vs orange (ColorBrewer PuOr ends) and a neutral grey.
_GAIN_LOSS: tuple[str, ...] = ("#2166ac", "#e66101", "#bababa")

# Unordered classes (samebyar, settlement kinds): Okabe & Ito (2008) colour-universal design,
# ordered so that any prefix keeps all pairs apart for a deuteranope (black last: it hides
# fills and outlines).
_CATEGORICAL: tuple[str, ...] = ("#0072b2", "#e69f00", "#56b4e9", "#cc79a7", "#009e73", "#f0e442",
                                 "#d55e00", "#000000")

# Machado, G. M., Oliveira, M. M. & Fernandes, L. A. F. (2009). A physiologically-based model for
# simulation of color vision deficiency. IEEE TVCG 15(6): 1291-1298. Deuteranomaly, severity 1.0.
MACHADO_DEUTERANOPIA = np.array([
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
])
"""Machado et al. (2009) deuteranopia matrix (severity 1.0), for linear sRGB."""


def palette(kind: str, n: int) -> tuple[str, ...]:
    """``n`` class colours (``#rrggbb``) of one kind, colour-blind safe.

    Parameters
    ----------
    kind
        ``"sequential_bands"`` (travel-time bands, closest/darkest first; up to 6
        classes meet :data:`MIN_DELTA_E`, more are allowed but closer), ``"severity"``
        (major, moderate, minor[, no conflict]: 1–4 classes, worst first),
        ``"gain_loss"`` (gained, lost[, unchanged]: 1–3) or
        ``"categorical"`` (unordered classes such as samebyar: 1–8).
    n
        Number of classes.

    Returns
    -------
    tuple of str
        Hex colours, in class order.

    Raises
    ------
    ValueError
        Unknown kind, or more classes than the kind has.

    Examples
    --------
    >>> palette("severity", 3)
    ('#7f0000', '#e34a33', '#fdd49e')
    """
    if kind not in PALETTE_KINDS:
        raise ValueError(f"palette kind {kind!r} is unknown; use one of {', '.join(PALETTE_KINDS)}")
    if n < 1:
        raise ValueError(f"palette {kind!r}: n must be at least 1, got {n}")
    if kind == "sequential_bands":
        return _sample(BAND_CMAP, n)
    table = {"severity": _SEVERITY, "gain_loss": _GAIN_LOSS, "categorical": _CATEGORICAL}[kind]
    if n > len(table):
        raise ValueError(f"palette {kind!r} has at most {len(table)} classes, asked for {n}; "
                         "merge classes or tell them apart by symbol and label")
    return table[:n]


def _sample(cmap: str, n: int) -> tuple[str, ...]:
    """``n`` colours sampled end to end from a matplotlib colour map (one: its middle)."""
    import matplotlib

    cm = matplotlib.colormaps[cmap]
    where = np.linspace(0.0, 1.0, n) if n > 1 else np.asarray([0.5])
    return tuple(_hex(np.asarray(cm(float(x)))[:3]) for x in where)


# --- colour arithmetic (vectorised over rows) ----------------------------------------------


def _rgb(color: str) -> np.ndarray:
    """``#rrggbb`` (or ``#rgb``) -> sRGB in 0..1."""
    h = color.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        raise ValueError(f"expected a colour like #1f77b4, got {color!r}")
    return np.asarray([int(h[i:i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255.0


def _hex(rgb: np.ndarray) -> str:
    v = np.clip(np.round(np.asarray(rgb, dtype=float) * 255.0), 0, 255).astype(int)
    return "#{:02x}{:02x}{:02x}".format(*v)


def _to_linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])  # D65


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours given as rows of 0..1 values.

    Parameters
    ----------
    rgb
        Array of shape ``(n, 3)``.
    """
    xyz = _to_linear(np.asarray(rgb, dtype=float)) @ _RGB_TO_XYZ.T / _WHITE
    eps = 216 / 24389
    f = np.where(xyz > eps, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """sRGB (0..1, clipped) of CIELAB (D65) colours given as rows.

    Parameters
    ----------
    lab
        Array of shape ``(n, 3)``.
    """
    lab = np.asarray(lab, dtype=float)
    fy = (lab[:, 0] + 16) / 116
    f = np.stack([fy + lab[:, 1] / 500, fy, fy - lab[:, 2] / 200], axis=1)
    eps = 6 / 29
    xyz = np.where(f > eps, f ** 3, (116 * f - 16) * 27 / 24389) * _WHITE
    return _to_srgb(xyz @ np.linalg.inv(_RGB_TO_XYZ).T)


def simulate_deuteranopia(colors: Sequence[str]) -> tuple[str, ...]:
    """The colours as a deuteranope sees them (Machado et al. 2009, severity 1.0).

    The matrix is applied to linear sRGB (as colorspacious and DaltonLens do) and the
    result clipped to the sRGB gamut.

    Parameters
    ----------
    colors
        Hex colours (``#rrggbb``).

    Examples
    --------
    >>> simulate_deuteranopia(["#ffffff", "#000000"])
    ('#ffffff', '#000000')
    """
    if not len(colors):
        return ()
    rgb = np.asarray([_rgb(c) for c in colors])
    sim = _to_srgb(_to_linear(rgb) @ MACHADO_DEUTERANOPIA.T)
    return tuple(_hex(c) for c in sim)


def delta_e(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """CIEDE2000 colour differences of ``a[i]`` and ``b[i]`` (Sharma, Wu & Dalal 2005).

    Parameters
    ----------
    a, b
        Hex colours of equal length.

    Examples
    --------
    >>> float(delta_e(["#000000"], ["#000000"])[0])
    0.0
    """
    lab1 = srgb_to_lab(np.asarray([_rgb(c) for c in a]).reshape(-1, 3))
    lab2 = srgb_to_lab(np.asarray([_rgb(c) for c in b]).reshape(-1, 3))
    return ciede2000(lab1, lab2)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 differences of CIELAB rows ``lab1[i]`` and ``lab2[i]`` (kL = kC = kH = 1).

    Parameters
    ----------
    lab1, lab2
        Arrays of shape ``(n, 3)``.
    """
    lab1, lab2 = np.asarray(lab1, dtype=float).reshape(-1, 3), np.asarray(lab2, dtype=float).reshape(-1, 3)
    L1, a1, b1 = lab1.T
    L2, a2, b2 = lab2.T
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    cbar7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(cbar7 / (cbar7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl = L2 - L1
    dc = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    lbar = (L1 + L2) / 2
    cbarp = (c1p + c2p) / 2
    hsum = h1p + h2p
    hbar = np.where(np.abs(h1p - h2p) > 180, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2), hsum / 2)
    hbar = np.where(c1p * c2p == 0, hsum, hbar)
    t = (1 - 0.17 * np.cos(np.radians(hbar - 30)) + 0.24 * np.cos(np.radians(2 * hbar))
         + 0.32 * np.cos(np.radians(3 * hbar + 6)) - 0.20 * np.cos(np.radians(4 * hbar - 63)))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    sc = 1 + 0.045 * cbarp
    sh = 1 + 0.015 * cbarp * t
    dtheta = 30 * np.exp(-(((hbar - 275) / 25) ** 2))
    cbarp7 = cbarp ** 7
    rt = -2 * np.sqrt(cbarp7 / (cbarp7 + 25.0 ** 7)) * np.sin(np.radians(2 * dtheta))
    return np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh))


def min_neighbour_delta_e(colors: Sequence[str], *, deuteranopia: bool = True,
                          all_pairs: bool = False) -> float:
    """Smallest CIEDE2000 difference between neighbouring colours (or all pairs).

    Parameters
    ----------
    colors
        Class colours in class order.
    deuteranopia
        Compare the colours as a deuteranope sees them (:func:`simulate_deuteranopia`).
    all_pairs
        Compare every pair, not only neighbours (unordered classes).

    Examples
    --------
    >>> round(min_neighbour_delta_e(["#000000", "#ffffff"]))
    100
    """
    cols = list(simulate_deuteranopia(colors) if deuteranopia else colors)
    if len(cols) < 2:
        return float("inf")
    if all_pairs:
        i, j = np.triu_indices(len(cols), k=1)
    else:
        i = np.arange(len(cols) - 1)
        j = i + 1
    return float(delta_e([cols[k] for k in i], [cols[k] for k in j]).min())


__all__ = ["BAND_CMAP", "MIN_DELTA_E", "PALETTE_KINDS", "ciede2000", "delta_e", "lab_to_srgb",
           "min_neighbour_delta_e", "palette", "simulate_deuteranopia", "srgb_to_lab"]
