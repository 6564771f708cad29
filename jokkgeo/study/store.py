"""The one place that loads the layers of a run, with one cache.

:class:`LayerStore` is shared by everything one run does (the CLI command, every
recipe of a report, the baseline and scenario studies of a comparison):

- each catalogue layer is read once (:func:`jokkgeo.io.vector.read_layer`);
- scenario layers that are not in the catalogue are read once per spec;
- in a public bundle (``public=True``) restricted layers are refused through
  :meth:`LayerStore.allowed` and recorded in :attr:`LayerStore.omitted`;
- the layers actually used (:attr:`LayerStore.used`) and the loaders' warnings
  (:attr:`LayerStore.load_notes`) are recorded for the manifest;
- population-theme layers come out with the standard columns (``population``,
  ``working_age``, ``age_1_5``, ``age_6_15``, ``age_65_plus`` where known): SCB grid
  tables become cells, polygon counts are spread as the spec says, and every
  conversion is logged and recorded in :attr:`LayerStore.load_notes` and in the
  frame's ``attrs["population_notes"]`` (:func:`jokkgeo.analysis.population.population_layer`);
- :attr:`LayerStore.shared` holds objects derived from layers that several
  analyses of one run reuse (e.g. a road network built from a line layer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import geopandas as gpd

from jokkgeo.errors import AnalysisError, CatalogueError

log = logging.getLogger(__name__)

Loader = Callable[[Any], Any]
"""``LayerSpec -> GeoDataFrame`` (EPSG:3006); replaces the file reader (tests, in-memory data)."""


def spec_token(spec: Any) -> str:
    """A text fingerprint of a layer spec (equal specs give equal tokens).

    Parameters
    ----------
    spec
        A layer spec.
    """
    return repr(spec)


class LayerStore:
    """The layers of one run: read once, restricted layers kept out of public outputs.

    Parameters
    ----------
    catalogue
        Layer id -> :class:`jokkgeo.config.layers.LayerSpec` (a :class:`~jokkgeo.config.layers.Catalogue`
        or any mapping). May be empty when only :meth:`get` is used.
    public
        Refuse restricted layers (:meth:`allowed` returns False and records the omission).
    language
        Language of the omission notes (``"sv"`` or ``"en"``).
    loader
        Replaces the file reader: ``spec -> GeoDataFrame`` (load warnings are then not recorded).
    """

    def __init__(
        self,
        catalogue: Mapping[str, Any] | None = None,
        *,
        public: bool = False,
        language: str = "sv",
        loader: Loader | None = None,
    ) -> None:
        self.catalogue = catalogue if catalogue is not None else {}
        self.public = public
        self.language = language
        self._loader = loader
        self._loaded: dict[str, Any] = {}
        self._frames: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        """Catalogue layers read in this run (id -> spec), for the manifest's inputs."""
        self.omitted: dict[str, str] = {}
        """Restricted layers left out of a public run (id -> reason)."""
        self.load_notes: dict[str, list[str]] = {}
        """Loader warnings per layer id (repairs, dropped features)."""
        self.shared: dict[str, Any] = {}
        """Objects shared between analyses of one run (e.g. ``network:<roads id>``)."""
        self.n_loaded = 0
        """How many layer files were read (each at most once)."""

    # ------------------------------------------------------------------ catalogue layers
    def has(self, layer_id: str) -> bool:
        """Whether the catalogue has a layer ``layer_id`` (works for any mapping of specs).

        Parameters
        ----------
        layer_id
            A layer id.
        """
        return layer_id in set(self.catalogue)

    def allowed(self, layer_id: str) -> bool:
        """False for a restricted layer in a public run (and records the omission).

        Parameters
        ----------
        layer_id
            A catalogue layer id.
        """
        spec = self.catalogue[layer_id]
        if self.public and spec.restricted:
            self.omitted.setdefault(layer_id, f"{spec.label(self.language)}: sensitivity restricted")
            return False
        return True

    def _read(self, spec: Any) -> Any:
        self.n_loaded += 1
        log.info("loading layer %s", spec.id)
        population = getattr(spec, "theme", None) == "population"
        if self._loader is not None:
            from types import SimpleNamespace

            loaded: Any = SimpleNamespace(gdf=self._loader(spec), report=None)
        elif population:
            from jokkgeo.io.population import read_population

            loaded = read_population(spec)
            if getattr(getattr(spec, "population", None), "grid", None) is not None:
                self.load_notes.setdefault(spec.id, []).extend(f"population: {n}" for n in loaded.report.notes)
        else:
            from jokkgeo.io.vector import read_layer

            loaded = read_layer(spec)
        if population:
            loaded.gdf = self._population(spec, loaded.gdf)
        return loaded

    def _population(self, spec: Any, gdf: Any) -> Any:
        """The standard population columns (and spreading) of a population-theme layer; notes recorded."""
        from pathlib import Path

        from jokkgeo.analysis.population import population_layer

        block = getattr(spec, "population", None)
        origin = f"{spec.spec_path} (layer '{spec.id}')"
        onto = None
        spread = getattr(block, "spread", None)
        if spread is not None:
            if spread.onto == spec.id or not self.has(spread.onto):
                raise CatalogueError(
                    f"{spec.spec_path}: key 'population.spread.onto': no layer '{spread.onto}' to spread onto in "
                    f"the catalogue; name a roads or points layer, one of: {', '.join(sorted(self.catalogue))}")
            onto = self.layer(spread.onto)
        source = getattr(getattr(spec, "source", None), "path", None)
        gdf, notes = population_layer(gdf, block, origin=origin, onto=onto,
                                      available_in=Path(source).name if source else "")
        if notes:
            gdf.attrs["population_notes"] = list(notes)
            self.load_notes.setdefault(spec.id, []).extend(f"population: {n}" for n in notes)
            for note in notes:
                log.info("%s: %s", origin, note)
        return gdf

    def loaded(self, layer_id: str) -> Any:
        """The :class:`jokkgeo.io.vector.LoadedLayer` of a catalogue layer (read once, recorded as used).

        Parameters
        ----------
        layer_id
            A catalogue layer id.
        """
        if not self.has(layer_id):
            raise CatalogueError(
                f"no layer with id '{layer_id}' in the catalogue; available: {', '.join(sorted(self.catalogue))}"
            )
        if layer_id not in self._loaded:
            spec = self.catalogue[layer_id]
            loaded = self._read(spec)
            self._loaded[layer_id] = loaded
            self._frames[spec_token(spec)] = loaded.gdf
            report = getattr(loaded, "report", None)
            warnings = list(getattr(report, "warnings", []) or [])
            if warnings:
                self.load_notes[layer_id] = warnings + self.load_notes.get(layer_id, [])
        self.used[layer_id] = self.catalogue[layer_id]
        return self._loaded[layer_id]

    def layer(self, layer_id: str, where: Mapping[str, Sequence[Any]] | None = None) -> gpd.GeoDataFrame:
        """A catalogue layer in EPSG:3006, optionally filtered by ``where`` (equality/membership).

        Parameters
        ----------
        layer_id
            A catalogue layer id.
        where
            Column -> allowed values.
        """
        gdf = self.loaded(layer_id).gdf
        for column, values in (where or {}).items():
            if column not in gdf.columns:
                raise AnalysisError(
                    f"layer '{layer_id}': no column '{column}' to filter on; "
                    f"columns: {', '.join(map(str, gdf.columns))}"
                )
            gdf = gdf[gdf[column].isin(list(values))]
        return gdf

    def flags(self, layer_ids: Sequence[str]) -> tuple[bool, bool]:
        """``(illustrative, restricted)``: whether any of the layers is illustrative / restricted.

        Parameters
        ----------
        layer_ids
            Catalogue layer ids.
        """
        specs = [self.catalogue[i] for i in layer_ids]
        return any(s.illustrative for s in specs), any(s.restricted for s in specs)

    # ------------------------------------------------------------------ any layer spec
    def get(self, spec: Any) -> Any:
        """The data of any layer spec (catalogue or scenario layer), read once per spec.

        Parameters
        ----------
        spec
            A layer spec.
        """
        if self.has(spec.id) and self.catalogue[spec.id] is spec:
            return self.loaded(spec.id).gdf  # shared with the catalogue reads, recorded as an input
        key = spec_token(spec)
        if key not in self._frames:
            self._frames[key] = self._read(spec).gdf
        return self._frames[key]


__all__ = ["LayerStore", "Loader", "spec_token"]
