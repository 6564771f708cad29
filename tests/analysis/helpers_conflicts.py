"""Tiny in-code fixtures shared by the conflict tests (layer specs without files)."""

from __future__ import annotations

import math
from pathlib import Path

from jokkgeo.config.layers import LayerSpec, SourceSpec


def spec(layer_id: str, theme: str, geometry_type: str = "Polygon", *, illustrative: bool = False,
         restricted: bool = False, caveat: str | None = None) -> LayerSpec:
    return LayerSpec(
        id=layer_id, title=f"{layer_id} (test)", theme=theme, source=SourceSpec(path=Path(f"{layer_id}.gpkg")),
        geometry_type=geometry_type, provenance="test", licence="CC0", attribution="test", accuracy_m=1.0,
        spec_path=Path(f"{layer_id}.yaml"), illustrative=illustrative,
        sensitivity="restricted" if restricted else "public", caveat=caveat,
    )


def ngon_area(r: float, quad_segs: int = 16) -> float:
    """Area of shapely's buffer of a point: a regular polygon with 4*quad_segs sides."""
    n = 4 * quad_segs
    return n / 2 * r * r * math.sin(2 * math.pi / n)


def one_rule(zones, decay="step", severity="major", dev="dev", sens="sens", rid="r"):
    from jokkgeo.config.rules import parse_rules

    return parse_rules({"references": {"ref": "Test reference (2024)."}, "rules": [
        {"id": rid, "development": {"layer": dev}, "sensitive": {"layer": sens}, "zones_m": list(zones),
         "decay": decay, "severity": severity, "reference": "ref"}]}, "test_rules.yaml")
