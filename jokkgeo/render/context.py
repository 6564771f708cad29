"""Geographic context of a map: background layers, place labels and tile backgrounds.

A :class:`MapContext` rides on every :class:`~jokkgeo.render.document.MapDocument`
(``doc.context``). It is not part of the legend: the web map draws its layers in a pane
under all analysis layers (and lists them under *Bakgrund* in the layer control), writes
the place labels permanently at suitable zooms and offers the tile backgrounds; a print
figure draws the same layers with :func:`draw_context`.

The report fills it from the catalogue (every layer of theme ``context`` -- in the default
study Natural Earth lakes, sea and coast -- and labels from the settlements layers):
:func:`jokkgeo.present.context.map_context`.

Examples
--------
>>> PlaceLabel.of("Jokkmokk", "Jåhkåmåhkke", 0.0, 0.0).text
'Jokkmokk / Jåhkåmåhkke'
>>> PlaceLabel.of("Boden", None, 0.0, 0.0).text
'Boden'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jokkgeo.config.recipes import BasemapSpec

LABEL_MIN_ZOOM: tuple[int, ...] = (0, 9)
"""Web-map zoom from which labels of each rank are shown (rank 0: tätorter and regional
centres, always; rank 1: villages, from zoom 9, about 1:1 million)."""


@dataclass(frozen=True)
class PlaceLabel:
    """A permanent place label: plain text (escaped when drawn) at a point in EPSG:3006."""

    text: str
    x: float
    y: float
    rank: int = 0
    """0: main places (always shown); 1: villages (closer zooms)."""

    @classmethod
    def of(cls, name: str, local_name: str | None, x: float, y: float, rank: int = 0) -> PlaceLabel:
        """A label ``"name / local name"`` (just ``name`` when the local name is empty or the same).

        Parameters
        ----------
        name
            The Swedish name.
        local_name
            The Sámi (or other) name, if any.
        x, y
            Position in EPSG:3006 (m).
        rank
            0 for main places, 1 for villages.
        """
        from jokkgeo.i18n import place_name

        return cls(text=place_name(name, [local_name]) or str(name), x=float(x), y=float(y), rank=int(rank))


@dataclass
class MapContext:
    """Background of a map: context layers (bottom first), place labels and tile backgrounds."""

    layers: list[Any] = field(default_factory=list)
    """:class:`~jokkgeo.render.document.MapLayer` objects (``document`` imports this module)."""
    labels: list[PlaceLabel] = field(default_factory=list)
    basemap: BasemapSpec = field(default_factory=BasemapSpec)


_RANK = {"raster": 0, "polygon": 1, "line": 2, "point": 3}


def context_layers(doc: Any) -> list[Any]:
    """The context layers of a document, bottom first (rasters, polygons, lines, points; then ``z_order``).

    For print figures: draw these before the document's own layers (or call :func:`draw_context`).

    Parameters
    ----------
    doc
        The :class:`~jokkgeo.render.document.MapDocument`.
    """
    indexed = list(enumerate(doc.context.layers))
    indexed.sort(key=lambda p: (_RANK.get(p[1].style.kind, 1), p[1].style.z_order, p[0]))
    return [lay for _, lay in indexed]


def draw_context(ax: Any, doc: Any, *, zorder: float = 0.5, labels: bool = False,
                 fontsize: float = 6.5) -> list[Any]:
    """Draw the context layers (and optionally the labels) of ``doc`` on matplotlib axes in EPSG:3006.

    Layers are drawn bottom first at ``zorder`` (plus a small step per layer), under the analysis
    layers (drawn from zorder 1). Keeps the axes limits. Returns the artists drawn.

    Parameters
    ----------
    ax
        Matplotlib axes in EPSG:3006 metres.
    doc
        The map document (its ``context``).
    zorder
        Base zorder of the context.
    labels
        Also write the rank-0 place labels (print figures usually place their own).
    fontsize
        Label size (points).
    """
    import geopandas as gpd

    artists: list[Any] = []
    limits = (ax.get_xlim(), ax.get_ylim())
    keep_limits = ax.has_data()
    for i, lay in enumerate(context_layers(doc)):
        if lay.data is None or lay.data.empty:
            continue
        st = lay.style
        z = zorder + 0.01 * i
        gdf = gpd.GeoDataFrame(geometry=lay.data.geometry, crs=lay.data.crs)
        before = set(ax.get_children())
        if st.kind == "polygon":
            gdf.plot(ax=ax, facecolor=st.fill_color, edgecolor=st.color if st.weight > 0 else "none",
                     linewidth=st.weight * 0.5, alpha=st.fill_opacity, zorder=z)
        elif st.kind == "line":
            gdf.plot(ax=ax, color=st.color, linewidth=st.weight * 0.6, alpha=st.opacity, zorder=z)
        else:
            gdf.plot(ax=ax, color=st.fill_color, markersize=4, zorder=z)
        artists.extend(a for a in ax.get_children() if a not in before)
    if labels:
        for lab in doc.context.labels:
            if lab.rank == 0:
                artists.append(ax.annotate(lab.text, (lab.x, lab.y), xytext=(3, 3), textcoords="offset points",
                                           fontsize=fontsize, color="#333333", zorder=zorder + 0.4))
    if keep_limits:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    return artists


__all__ = ["LABEL_MIN_ZOOM", "MapContext", "PlaceLabel", "context_layers", "draw_context"]
