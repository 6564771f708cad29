"""`$` in planner text reaches print figures literally (jokkgeo/render/static.py, `mpl_text`).

Kept under tests/io because the `$` escaping in render/static.py belongs to the io engineer.
"""

import geopandas as gpd
from shapely.geometry import Point

from jokkgeo.render.document import MapDocument, MapLayer
from jokkgeo.render.static import figure_bytes, mpl_text, panel_figure, static_figure
from jokkgeo.render.styles import style_from_mapping

X0, Y0 = 740_000.0, 7_370_000.0


def _doc(title: str = "Pris $5 och $10") -> MapDocument:
    pts = gpd.GeoDataFrame({"name": ["Kalle's $ $ bod", "Gállok"]},
                           geometry=[Point(X0 + 5000, Y0 + 5000), Point(X0 + 15000, Y0 + 12000)], crs="EPSG:3006")
    return MapDocument(id="f", title=title, language="sv", description="Kostar $5 eller $ 10",
                       caveats=["Priser i $ är $ungefärliga$"], layers=[
        MapLayer(id="s", title="Kalle's $ $ bod", group="g", data=pts, caveat="Osäkert $1 $2",
                 style=style_from_mapping({"label_field": "name"}, kind="point", title="Kalle's $ $ bod")),
    ])


def _rendered(fig) -> list[str]:
    """Every text of the figure as matplotlib will print it (math parsing as matplotlib does it)."""
    out = []
    for artist in fig.findobj(lambda a: hasattr(a, "_preprocess_math") and hasattr(a, "get_text")):
        shown, is_math = artist._preprocess_math(artist.get_text())
        assert not is_math, artist.get_text()
        out.append(shown)
    return out


def test_mpl_text_escapes_dollars():
    assert mpl_text("Pris $5 och $10") == r"Pris \$5 och \$10"
    assert mpl_text(r"already \$5") == r"already \$5"


def test_dollars_print_literally_and_do_not_abort_the_figure():
    fig, _ = static_figure(_doc(), dpi=50)
    shown = " ".join(_rendered(fig))
    assert "Pris $5 och $10" in shown
    assert "Kalle's $ $ bod" in shown
    assert "Kostar $5 eller $ 10" in shown
    assert "$ungefärliga$" in shown
    assert figure_bytes(fig, "png", dpi=50).startswith(b"\x89PNG")  # drawing does not raise
    assert figure_bytes(fig, "svg").startswith(b"<?xml")


def test_dollars_in_panel_figures():
    fig, _ = panel_figure([_doc(), _doc()], title="Jämför $a och $b", panel_titles=["$1 $2", "$3"],
                          description="$x$")
    shown = " ".join(_rendered(fig))
    assert "Jämför $a och $b" in shown and "$1 $2" in shown and "$x$" in shown
    assert figure_bytes(fig, "png", dpi=40).startswith(b"\x89PNG")
