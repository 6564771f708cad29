"""Print-figure layout (sizes in mm, fonts >= 7 pt), label placement and editable output, on tiny data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.text import Text
from shapely.geometry import LineString, Point, box

from jokkgeo.config.recipes import FigureSpec
from jokkgeo.i18n import place_name
from jokkgeo.render import static_labels as sl
from jokkgeo.render import static_layout as sz
from jokkgeo.render.document import MapDocument, MapLayer
from jokkgeo.render.static import containers, figure_bytes, legend_sections, panel_figure, static_figure
from jokkgeo.render.styles import style_from_mapping

X0, Y0 = 740_000.0, 7_370_000.0


def _doc(n_points: int = 3) -> MapDocument:
    names = ["Jokkmokk", "Vuollerim", "Porjus", "Murjek", "Kåbdalis"][:n_points]
    pts = gpd.GeoDataFrame(
        {"name": names, "name_smj": ["Jåhkåmåhkke", "Vuolleriebme", None, None, None][:n_points],
         "population": [2786, 600, 400, 50, 80][:n_points]},
        geometry=[Point(X0 + 3000 * i, Y0 + 2000 * i) for i in range(n_points)], crs="EPSG:3006")
    road = gpd.GeoDataFrame({"ref": ["E45"]}, geometry=[LineString([(X0, Y0 + 9000), (X0 + 20000, Y0 + 9000)])],
                            crs="EPSG:3006")
    return MapDocument(id="t", title="Testfigur", description="En beskrivning som får ta plats.", language="sv",
                       extent=(X0 - 5000, Y0 - 5000, X0 + 25000, Y0 + 15000), layers=[
        MapLayer(id="settlements", title="Orter", group="g", data=pts,
                 style=style_from_mapping({"label_field": "name"}, kind="point", title="Orter")),
        MapLayer(id="roads", title="Vägar", group="g", data=road,
                 style=style_from_mapping({"label_field": "ref"}, kind="line", title="Vägar")),
    ])


def _texts(fig):
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


# ---- sizes in millimetres ---------------------------------------------------------------------------

def test_page_sizes_in_mm():
    assert sz.page_size_mm("column", width_mm=160) == (160.0, None)
    assert sz.page_size_mm("a4_portrait") == (210.0, 297.0)
    assert sz.page_size_mm("a3_landscape") == (420.0, 297.0)
    w, h = sz.page_size_mm("custom", size_in=(10.0, 5.0))
    assert (w, h) == pytest.approx((254.0, 127.0))


def test_column_layout_by_hand():
    # 160 mm wide, map aspect 1.5: the map is 160 - 2*3 (margins) - 10 (northing ticks) = 144 mm wide and
    # 144 / 1.5 = 96 mm tall; the height is the sum of the parts
    lay = sz.layout(width_mm=160, height_mm=None, n_maps=1, aspect=1.5,
                    parts=sz.Parts(header_mm=10, panel_title_mm=0, legend_mm=(100, 40), footer_mm=8))
    (m,) = lay.maps
    assert (m.w, m.h) == pytest.approx((144.0, 96.0))
    assert lay.height_mm == pytest.approx(3 + 10 + 96 + sz.AXIS_BOTTOM_MM + 40 + sz.GAP_MM + 8 + 3)
    assert lay.legend.y + lay.legend.h <= m.y - sz.AXIS_BOTTOM_MM  # legend under the map, not beside it
    assert lay.inset is not None and lay.inset.x + lay.inset.w == pytest.approx(160 - 3)
    assert lay.legend.x + lay.legend.w <= lay.north.x  # legend, north arrow and locator side by side
    assert lay.north.x + lay.north.w <= lay.inset.x


def test_tall_extent_is_capped():
    assert sz.map_height_mm(100, 0.2) == pytest.approx(125)  # at most 1.25 × the width
    assert sz.map_height_mm(100, 5.0) == pytest.approx(55)   # at least 0.55 × the width


def test_figure_is_its_target_width_and_the_map_dominates():
    fig, ax = static_figure(_doc(), figure=FigureSpec(width_mm=120), dpi=72)
    w_mm, h_mm = fig.get_size_inches() * 25.4
    assert w_mm == pytest.approx(120)
    bb = ax.get_position()
    assert bb.width * w_mm == pytest.approx(120 - 2 * 3 - 10)
    assert bb.width * bb.height > 0.4  # the map takes well over a third of the figure


@pytest.mark.parametrize("figure", [FigureSpec(), FigureSpec(page="a4_portrait"), FigureSpec(page="a4_landscape"),
                                    FigureSpec(width_mm=90)])
def test_no_text_below_7_pt(figure):
    fig, _ = static_figure(_doc(), figure=figure, dpi=72)
    sizes = {t.get_text(): t.get_fontsize() for t in _texts(fig)}
    assert min(sizes.values()) >= sz.MIN_TEXT_PT, sorted(sizes.items(), key=lambda kv: kv[1])[:3]
    assert sizes["Testfigur"] > 9  # titles larger


def test_panels_share_extent_and_keep_7_pt():
    fig, axes = panel_figure([_doc(), _doc(2)], title="Jämförelse", panel_titles=["A", "B"], dpi=72)
    assert axes[0].get_xlim() == axes[1].get_xlim() and axes[0].get_ylim() == axes[1].get_ylim()
    assert min(t.get_fontsize() for t in _texts(fig)) >= 7


def test_subtitle_is_wrapped_not_shortened():
    doc = _doc()
    doc.description = "ord " * 60 + "SLUT"
    fig, _ = static_figure(doc, dpi=72)
    sub = [t.get_text() for t in fig.texts if "SLUT" in t.get_text()]
    assert sub and "…" not in sub[0] and sub[0].count("\n") >= 1


def test_legend_sections_keep_headings_with_their_rows():
    groups = [("A", [("a1", 1), ("a2", 1)]), ("B", [("b1", 1)]), (None, [("C", 1)]), ("D", [("d1", 1)])]
    cols = legend_sections(groups, 2)
    # 8 lines, 4 per column: A (3 lines) and B would make 5 > 4 × 1.05, so B opens the second column
    assert cols == [[groups[0]], groups[1:]]
    assert legend_sections(groups, 1) == [groups]


# ---- labels --------------------------------------------------------------------------------------------

def test_sami_names_join_the_label():
    assert place_name("Jokkmokk", ["Jåhkåmåhkke", None, None]) == "Jokkmokk / Jåhkåmåhkke"
    assert place_name("Murjek", [None, float("nan")]) == "Murjek"
    assert place_name(None, ["x"]) is None


def _req(text, x, y, prio):
    return sl.LabelRequest(text, np.array([[x, y]], dtype=float), "point", (prio,), radius_pt=2.0)


def test_greedy_placement_by_hand():
    # 1 px = 1 pt; labels 40 × 10 px. A at (100, 100) takes its first place, east of the symbol:
    # x from 100 + 2 + 1.5 = 103.5 (minus the 1 pt pad) to 143.5 (+1).
    # B at (110, 100) is 10 px right of A: its east, NE and SE places hit A's box, so it goes to the
    # second ring (a leader line) or west/north/south — anywhere but over A.
    # C at (380, 100): its east side runs out of the 400 px frame, so it is placed west.
    reqs = [_req("A", 100, 100, 0), _req("B", 110, 100, 1), _req("C", 380, 100, 2)]
    placed = sl.arrange_labels(reqs, to_px=lambda a: np.asarray(a), sizes_px=np.array([[40, 10]] * 3),
                             frame_px=(0, 0, 400, 300), obstacles_px=np.zeros((0, 4)), px_per_pt=1.0)
    boxes = {p.request.text: p.box for p in placed}
    assert boxes["A"][0] == pytest.approx(102.5) and boxes["A"][2] == pytest.approx(144.5)
    ax0, ay0, ax1, ay1 = boxes["A"]
    bx0, by0, bx1, by1 = boxes["B"]
    assert bx1 <= ax0 or bx0 >= ax1 or by1 <= ay0 or by0 >= ay1
    assert boxes["C"][2] <= 380  # west of its point, inside the frame


def test_lower_priority_label_is_left_out_not_overlapped():
    # a frame just big enough for one label: the second one has nowhere to go
    reqs = [_req("A", 10, 10, 0), _req("B", 11, 10, 1)]
    placed = sl.arrange_labels(reqs, to_px=lambda a: np.asarray(a), sizes_px=np.array([[30, 8], [30, 8]]),
                             frame_px=(0, 0, 50, 22), obstacles_px=np.zeros((0, 4)), px_per_pt=1.0)
    assert [p.request.text for p in placed] == ["A"]


def test_labels_avoid_symbols():
    # a symbol box right of A blocks the east places
    reqs = [_req("A", 100, 100, 0)]
    obstacle = np.array([[103, 90, 160, 110]])
    (p,) = sl.arrange_labels(reqs, to_px=lambda a: np.asarray(a), sizes_px=np.array([[40, 10]]),
                           frame_px=(0, 0, 400, 300), obstacles_px=obstacle, px_per_pt=1.0)
    x0, y0, x1, y1 = p.box
    assert not (x0 < 160 and x1 > 103 and y0 < 110 and y1 > 90)


def test_collect_labels_priorities_and_road_numbers():
    doc = _doc(3)
    reqs = sl.collect_labels(doc.layers, doc.extent)
    texts = [r.text for r in reqs]
    assert texts[:3] == ["Jokkmokk / Jåhkåmåhkke", "Vuollerim / Vuolleriebme", "Porjus"]  # by population
    assert texts[-1] == "E45" and texts.count("E45") == 1


def test_area_holding_another_class_is_found():
    geoms = np.array([box(0, 0, 10, 10), box(2, 2, 4, 4), box(20, 20, 22, 22), box(5, 5, 6, 6)], dtype=object)
    assert containers(geoms, np.array(["världsarv", "park", "park", "världsarv"], dtype=object)).tolist() == \
        [True, False, False, False]  # the big one holds a park; it does not count holding its own class
    assert not containers(geoms, np.array(["a"] * 4, dtype=object)).any()


# ---- editable output -------------------------------------------------------------------------------------

def test_svg_keeps_labels_as_text_and_pdf_embeds_truetype():
    fig, _ = static_figure(_doc(), dpi=72)
    svg = figure_bytes(fig, "svg").decode("utf-8")
    assert 'id="jokkgeo-label-0-0"' in svg
    assert "Jokkmokk / Jåhkåmåhkke" in svg  # the label is a <text> an author can edit
    assert "<text" in svg and 'id="jokkgeo-frame-0"' in svg
    pdf = figure_bytes(fig, "pdf")
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType (Type 42) embedded


def test_extent_grows_to_hold_the_sites():
    doc = _doc()
    far = gpd.GeoDataFrame({"name": ["Luleå"], "site_id": ["lulea"]}, geometry=[Point(X0 + 60000, Y0 - 30000)],
                           crs="EPSG:3006")
    doc.layers.append(MapLayer(id="investment_sites", title="Investeringar", group="g", data=far,
                               style=style_from_mapping({"label_field": "name"}, kind="point", title="I")))
    _fig, ax = static_figure(doc, dpi=72)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < X0 + 60000 < x1 and y0 < Y0 - 30000 < y1
    assert x1 - (X0 + 60000) > 0.03 * (x1 - x0)  # with a margin


def test_landscape_page_puts_the_legend_beside_the_map():
    outline = gpd.GeoDataFrame(geometry=[box(X0 - 50000, Y0 - 50000, X0 + 50000, Y0 + 50000)], crs="EPSG:3006")
    fig, _ = static_figure(_doc(), figure=FigureSpec(page="a4_landscape"), dpi=50, locator=outline)
    lay = fig.jokkgeo_layout
    (m,) = lay.maps
    assert lay.side_legend and lay.legend.x >= m.x + m.w
    assert lay.footer.x + lay.footer.w <= lay.legend.x  # the footnote stays under the map
    assert lay.legend.y >= sz.MARGIN_MM - 1e-6 and lay.inset.y + lay.inset.h <= lay.height_mm


def test_locator_map_from_the_boundary_layer_only_when_there_is_one():
    doc = _doc()
    fig, _ = static_figure(doc, dpi=50)
    assert fig.jokkgeo_layout.inset is None  # nothing to locate the frame on: no empty box
    outline = gpd.GeoDataFrame({"is_study_area": [True, False]},
                               geometry=[box(X0 - 50000, Y0 - 50000, X0 + 50000, Y0 + 50000),
                                         box(X0 + 50000, Y0 - 50000, X0 + 120000, Y0 + 50000)], crs="EPSG:3006")
    fig, _ = static_figure(doc, dpi=50, locator=outline)
    lay = fig.jokkgeo_layout
    assert lay.inset is not None and lay.inset.w == pytest.approx(sz.INSET_MM)
    [iax] = [a for a in fig.axes if a.get_gid() == "jokkgeo-locator"]
    (x0, x1), (y0, y1) = iax.get_xlim(), iax.get_ylim()
    assert x0 < X0 - 50000 and x1 > X0 + 120000 and y0 < Y0 - 50000 and y1 > Y0 + 50000  # holds the outline


def test_changed_area_is_labelled_with_its_layer_title():
    doc = _doc()
    new = gpd.GeoDataFrame(geometry=[box(X0 + 10000, Y0 - 2000, X0 + 14000, Y0 + 1000)], crs="EPSG:3006")
    doc.layers.append(MapLayer(id="new_housing", title="Nytt bostadsområde (illustrativt)", group="Scenario",
                               data=new, style=style_from_mapping({}, kind="polygon", title="N")))
    reqs = sl.collect_labels(doc.layers, doc.extent, change_groups=("Scenario",))
    assert reqs[0].text == "Nytt bostadsområde" and reqs[0].style == "bold" and reqs[0].far  # first, no tail
