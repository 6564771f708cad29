"""Main routes of the default study: modelled driving times beside known (route-planner) times.

Regenerates the route-times table of README.md / docs/network.md::

    PYTHONPATH=. .venv/bin/python scripts/route_times.py            # Markdown table (English)
    PYTHONPATH=. .venv/bin/python scripts/route_times.py --csv      # the same as CSV

Times are computed through the library exactly as the analyses compute them: the default
catalogue's road layer (``data/roads.osm``) read with ``read_road_network``, the settlement
points of the ``settlements`` layer (SCB tätort centre points or approximate village points),
snapped to the nearest road with the off-road access leg at 30 km/h, and ``accessibility``
from Jokkmokk (``direction="from_site"``) under each season profile. Routes are found by
settlement *name*, so the table works whatever roads the data holds.

The *known* times are approximate: see :data:`ROUTES` for what each one rests on. None was
verified against a route planner offline; treat them as typical figures to calibrate against.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
ORIGIN = "Jokkmokk"
SEASONS = ("summer", "winter", "signed_limits")
TOLERANCE = 0.15
"""Largest relative difference of a modelled summer time from the known time (tests/test_route_times.py)."""
MEAN_TOLERANCE = 0.05
"""Largest mean relative difference over all routes (the model must not be biased fast or slow)."""

ROUTES: tuple[dict[str, Any], ...] = (
    # known_min: a typical driving time Jokkmokk -> destination by car in summer (minutes).
    {"to": "Luleå", "known_min": 135, "road": "rv 97", "km": 175,
     "basis": "typical route-planner time ≈ 2 h 15 min for ≈ 175 km on rv 97 (approximate, not verified offline)"},
    {"to": "Boden", "known_min": 105, "road": "rv 97", "km": 140,
     "basis": "typical route-planner time ≈ 1 h 45 min (approximate, not verified offline)"},
    {"to": "Gällivare", "known_min": 70, "road": "E 45", "km": 95,
     "basis": "typical route-planner time ≈ 1 h 10 min for ≈ 95 km (45 + 50 km, data/src/roads.yaml) "
              "(approximate, not verified offline)"},
    {"to": "Arvidsjaur", "known_min": 118, "road": "E 45", "km": 160,
     "basis": "derived: myrouteapp.com 'R13 Arjeplog to Jokkmokk' (via Arvidsjaur and E45) gives 244.9 km in "
              "3 h 01 min, 81 km/h on average; 160 km at that speed = 118 min"},
    {"to": "Kvikkjokk", "known_min": 90, "road": "805", "km": 114,
     "basis": "typical route-planner time ≈ 1 h 30 min for 114 km (kvikkjokk.nu); the bus takes "
              "'approximately two hours' (sjoneall.net) — approximate, not verified offline"},
    {"to": "Porjus", "known_min": 35, "road": "E 45", "km": 45,
     "basis": "typical route-planner time ≈ 35 min for 45 km (touren-wegweiser.de) "
              "(approximate, not verified offline)"},
    {"to": "Vuollerim", "known_min": 35, "road": "rv 97", "km": 42,
     "basis": "typical route-planner time ≈ 35 min for ≈ 40 km (n-o-r-g-e.de: '40 km Fahrt') "
              "(approximate, not verified offline)"},
)
"""The main routes from Jokkmokk and what their known times rest on."""


def route_times(root: Path = REPO, seasons: tuple[str, ...] = SEASONS) -> pd.DataFrame:
    """Modelled minutes Jokkmokk -> each destination of :data:`ROUTES`, per season, beside the known times.

    Parameters
    ----------
    root
        Project folder with ``layers/`` (the default study: this repository).
    seasons
        Season profiles to compute (``signed_limits``: every road at its signed limit, as before
        the speed model).

    Returns
    -------
    pandas.DataFrame
        One row per route: ``to``, ``road``, ``km``, ``known_min``, ``minutes_<season>`` and
        ``diff_summer`` (relative difference of the summer time from the known time).
    """
    from jokkgeo.analysis.accessibility import accessibility
    from jokkgeo.io.configs import read_catalogue
    from jokkgeo.io.roadgraph import read_road_network
    from jokkgeo.io.vector import read_layer

    cat = read_catalogue(root / "layers")
    network = read_road_network(cat["roads"])
    settlements = read_layer(cat["settlements"]).gdf
    names = settlements["name"].tolist()
    missing = [r["to"] for r in ROUTES if r["to"] not in names] + ([ORIGIN] if ORIGIN not in names else [])
    if missing:
        raise SystemExit(f"settlements layer: no settlement named {', '.join(missing)}")
    origin = settlements[settlements["name"] == ORIGIN].iloc[[0]].assign(site_id=ORIGIN)
    dest = settlements[settlements["name"].isin([r["to"] for r in ROUTES])].drop_duplicates("name")
    table = pd.DataFrame(ROUTES)[["to", "road", "km", "known_min"]]
    for season in seasons:
        res = accessibility(network, origin, dest, minutes=[600], profile=season, direction="from_site",
                            per_site=False)
        minutes = dict(zip(dest["name"], res.places["minutes_nearest"], strict=True))
        table[f"minutes_{season}"] = table["to"].map(minutes)
    if "minutes_summer" in table:
        table["diff_summer"] = table["minutes_summer"] / table["known_min"] - 1
    return table


def _hm(minutes: float) -> str:
    m = int(round(minutes))
    return f"{m // 60} h {m % 60:02d}" if m >= 60 else f"{m} min"


def markdown(table: pd.DataFrame) -> str:
    """The README table (English) of :func:`route_times`.

    Parameters
    ----------
    table
        Output of :func:`route_times` with the summer, winter and signed-limits columns.
    """
    lines = [
        "| Jokkmokk to | road | known time (approx.) | modelled summer | difference | modelled winter "
        "| signed limits (old) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        lines.append(
            f"| {row.to} | {row.road} | {_hm(row.known_min)} | {_hm(row.minutes_summer)} | "
            f"{row.diff_summer:+.0%} | {_hm(row.minutes_winter)} | {_hm(row.minutes_signed_limits)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the route table (Markdown, or CSV with ``--csv``).

    Parameters
    ----------
    argv
        Command-line arguments (default ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a Markdown table")
    parser.add_argument("--root", type=Path, default=REPO, help="project folder with layers/ (default: this repo)")
    args = parser.parse_args(argv)
    table = route_times(args.root)
    if args.csv:
        table.to_csv(sys.stdout, index=False, float_format="%.1f")
    else:
        print(markdown(table))
        print()
        for r in ROUTES:
            print(f"- {r['to']}: {r['basis']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
