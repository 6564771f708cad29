"""Drawing a scenario comparison side by side: baseline pane and scenario-with-differences pane.

The comparison's :class:`~jokkgeo.render.document.MapDocument` (built from the comparison's
data by :func:`jokkgeo.present.comparison.comparison_document`) has three layer groups —
*Nuläge/Baseline*, *Scenario* and *Skillnader/Differences*. :func:`comparison_panes` splits
it into a baseline pane and a scenario-with-differences pane, drawn side by side by
:func:`comparison_html` (two synchronised Leaflet maps in one self-contained offline page
with escaped values, :func:`jokkgeo.render.web.synced_maps_html`) and
:func:`comparison_figure_of` (two panels sharing one legend,
:func:`jokkgeo.render.static.panel_figure`), so the page and the print figure show the same
thing. The pane titles come from the caller (:func:`jokkgeo.present.comparison.pane_titles`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from jokkgeo import i18n
from jokkgeo.render.document import MapDocument


def group_names(language: str) -> tuple[str, str, str]:
    """The three layer groups of a comparison map: baseline, scenario, differences.

    Parameters
    ----------
    language
        ``"sv"`` or ``"en"``.
    """
    return (i18n.text("compare.group.baseline", language), i18n.text("compare.group.scenario", language),
            i18n.text("compare.group.differences", language))


def comparison_panes(doc: MapDocument) -> tuple[MapDocument, MapDocument]:
    """Split a comparison document into the baseline pane and the scenario pane.

    Left: the *Nuläge/Baseline* group (baseline catchment bands, shown, and context).
    Right: the *Scenario* and *Skillnader/Differences* groups plus the same context layers.
    The layer objects are shared, so both renderers draw them with the same styles.

    Parameters
    ----------
    doc
        The comparison document (:func:`jokkgeo.present.comparison.comparison_document`); its
        ``language`` names the groups.
    """
    g_base, g_scen, g_diff = group_names(doc.language)
    is_bands = [lay.group == g_base and lay.id.startswith("catchments_baseline") for lay in doc.layers]
    # context: every layer outside the scenario/difference groups (a report recipe adds its own)
    context = [lay for lay, band in zip(doc.layers, is_bands, strict=True)
               if not band and lay.group not in (g_scen, g_diff)]
    left = [replace(lay, show=True) for lay, band in zip(doc.layers, is_bands, strict=True) if band] + context
    right = [lay for lay in doc.layers if lay.group in (g_diff, g_scen)] + context
    base = replace(doc, id=f"{doc.id}_baseline", layers=left)
    scen = replace(doc, id=f"{doc.id}_scenario", layers=right)
    return base, scen


def comparison_html(doc: MapDocument, *, titles: tuple[str, str], summary: Sequence[str] = ()) -> str:
    """The comparison as one offline page: baseline and scenario side by side, synchronised.

    Parameters
    ----------
    doc
        The comparison document (:func:`jokkgeo.present.comparison.comparison_document`).
    titles
        Title strips of the baseline and scenario panes
        (:func:`jokkgeo.present.comparison.pane_titles`).
    summary
        What changed, one line each (shown above the legend).

    Returns
    -------
    str
        The page (see :func:`jokkgeo.render.web.synced_maps_html`; legend and caveat box shared).
    """
    from jokkgeo.render.web import synced_maps_html

    return synced_maps_html(comparison_panes(doc), title=doc.title, description=doc.description,
                            pane_titles=titles, summary=summary)


def comparison_figure_of(doc: MapDocument, *, titles: tuple[str, str], **kwargs: Any) -> tuple[Any, Any]:
    """Two-panel figure of a comparison document (see :func:`jokkgeo.render.static.panel_figure`).

    Parameters
    ----------
    doc
        The comparison document.
    titles
        Titles of the baseline and scenario panels.
    **kwargs
        Passed to :func:`~jokkgeo.render.static.panel_figure` (``figure``, ``dpi``,
        ``locator``). The scenario group is the change: its routes are labelled and kept in the frame.
    """
    from jokkgeo.render.static import panel_figure

    kwargs.setdefault("change_groups", (group_names(doc.language)[1],))
    return panel_figure(comparison_panes(doc), title=doc.title, description=doc.description,
                        panel_titles=titles, **kwargs)


__all__ = ["comparison_figure_of", "comparison_html", "comparison_panes", "group_names"]
