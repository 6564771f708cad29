"""What travels with every written result: title, description, caveats, sources, restricted flag.

:func:`result_metadata` builds the :class:`~jokkgeo.io.write.LayerMetadata` of an output
derived from catalogue layers (:meth:`LayerMetadata.from_spec` of each input) and an
analysis result's provenance (caveats, citations), so a colleague receiving only
``results.gpkg``, a CSV table or a GeoTIFF sees the caveats and whether it is restricted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from jokkgeo.io.write import LayerMetadata


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(i) for i in items if str(i).strip()))


def result_metadata(title: str, description: str, *, specs: Sequence[Any] = (), provenance: Any = None,
                    caveats: Sequence[str] = (), language: str = "sv",
                    restricted: bool | None = None) -> LayerMetadata:
    """Metadata of an output derived from ``specs`` by an analysis with ``provenance``.

    Parameters
    ----------
    title, description
        Short title and one sentence on what the output holds.
    specs
        The catalogue layer specs the output was derived from (their caveats, sources and
        flags: :meth:`~jokkgeo.io.write.LayerMetadata.from_spec`).
    provenance
        The result's :class:`~jokkgeo.results.Provenance` (caveats and citations), or ``None``.
    caveats
        Further caveats (e.g. the report section's).
    language
        ``"sv"`` or ``"en"``.
    restricted
        Override; default: ``True`` when any input is restricted.

    Returns
    -------
    LayerMetadata
        Caveats: the result's, then the inputs'; sources: the citations, then the inputs'.

    Examples
    --------
    >>> from jokkgeo.results import Provenance
    >>> m = result_metadata("Konflikter", "Överlapp", provenance=Provenance(caveats=("Schematiskt.",),
    ...                     citations={"a": "Author 2020"}))
    >>> m.caveats, m.sources, m.restricted
    (('Schematiskt.',), ('Author 2020',), False)
    """
    per_input = [LayerMetadata.from_spec(spec, language=language) for spec in specs]
    own_caveats = tuple(getattr(provenance, "caveats", ()) or ())
    citations = dict(getattr(provenance, "citations", {}) or {})
    flag = any(m.restricted for m in per_input) if restricted is None else restricted
    return LayerMetadata(
        title=title,
        description=description,
        caveats=_unique([*own_caveats, *caveats, *(f"{m.title}: {c}" for m in per_input for c in m.caveats)]),
        sources=_unique([*(v for _, v in sorted(citations.items())),
                         *(f"{m.title}: {s}" for m in per_input for s in m.sources)]),
        restricted=flag,
    )


def command_metadata(command: str, *, specs: Sequence[Any] = (), provenance: Any = None,
                     caveats: Sequence[str] = (), language: str = "sv") -> LayerMetadata:
    """Metadata of what ``jokkgeo <command>`` writes (every layer, table and raster of the run).

    Parameters
    ----------
    command
        The command name (``catchments``, ``conflicts``, ``influence``, ``compare``).
    specs, provenance, caveats, language
        As for :func:`result_metadata`.
    """
    from jokkgeo import i18n

    return result_metadata(i18n.text("meta.command_title", language, command=command),
                           i18n.text("meta.command", language, command=command), specs=specs,
                           provenance=provenance, caveats=caveats, language=language)


def comparison_specs(comp: Any) -> list[Any]:
    """The layer specs both studies of a comparison used (each id once; scenario additions included).

    Parameters
    ----------
    comp
        A :class:`~jokkgeo.workflows.comparison.Comparison`.
    """
    found: dict[str, Any] = {}
    for res in (comp.baseline, comp.scenario):
        study = res.study
        for lid in study.layer_ids:
            for spec in (study.spec(lid), *study.extra_specs.get(lid, ())):
                found.setdefault(spec.id, spec)
    return list(found.values())


__all__ = ["command_metadata", "comparison_specs", "result_metadata"]
