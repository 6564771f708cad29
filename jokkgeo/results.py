"""The one result contract: provenance every analysis result carries.

Every result type (catchments, accessibility, conflicts, crossings, surfaces,
screening, comparison, …) has a ``provenance`` attribute holding a
:class:`Provenance`: the parameters it ran with, the input layers it used, the
caveats and citations that must travel with it, and warnings raised on the way.
Presentation (pane titles, summaries, the manifest) is built from these fields,
never parsed back out of formatted text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Provenance:
    """Where a result came from and what must travel with it.

    Parameters
    ----------
    parameters
        The options the analysis ran with (JSON-able values; units in names).
    inputs
        Ids of the input layers used, in the order given.
    caveats
        Texts a reader must see wherever the result is shown (already in the
        run's language).
    citations
        ``key -> full reference`` of the literature behind rules and parameters.
    warnings
        Things that went wrong but did not stop the run (skipped rules, dropped
        places, unreachable sites).

    Examples
    --------
    >>> p = Provenance(parameters={"minutes": [15, 30]}, inputs=("roads",), caveats=("Ungefärligt.",))
    >>> q = p.merged(Provenance(inputs=("roads", "sites"), warnings=("1 site unreachable",)))
    >>> q.inputs, q.warnings
    (('roads', 'sites'), ('1 site unreachable',))
    """

    parameters: Mapping[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    citations: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def merged(self, other: Provenance) -> Provenance:
        """Both provenances in one: parameters of ``other`` win, lists keep first occurrences.

        Parameters
        ----------
        other
            The provenance to add.
        """
        return Provenance(
            parameters={**self.parameters, **other.parameters},
            inputs=_unique(self.inputs, other.inputs),
            caveats=_unique(self.caveats, other.caveats),
            citations={**self.citations, **other.citations},
            warnings=_unique(self.warnings, other.warnings),
        )

    def with_warnings(self, *warnings: str) -> Provenance:
        """A copy with ``warnings`` added (duplicates dropped).

        Parameters
        ----------
        *warnings
            Warning texts.
        """
        return Provenance(self.parameters, self.inputs, self.caveats, self.citations,
                          _unique(self.warnings, warnings))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for ``manifest.json`` and GeoPackage metadata)."""
        return {
            "parameters": dict(self.parameters),
            "inputs": list(self.inputs),
            "caveats": list(self.caveats),
            "citations": dict(self.citations),
            "warnings": list(self.warnings),
        }


class Result(Protocol):
    """Anything an analysis returns: it carries a :class:`Provenance`."""

    provenance: Provenance


class ProvenanceFields:
    """Read-only shortcuts to a result's :class:`Provenance` (``params``, ``citations``, ``caveats``, ``warnings``).

    Mixed into the analysis result dataclasses, whose ``provenance`` field holds the data.
    """

    provenance: Provenance

    @property
    def params(self) -> dict[str, Any]:
        """The parameters of the run (``provenance.parameters``)."""
        return self.provenance.parameters  # type: ignore[return-value]

    @property
    def citations(self) -> dict[str, str]:
        """Reference key -> full citation (``provenance.citations``)."""
        return self.provenance.citations  # type: ignore[return-value]

    @property
    def caveats(self) -> list[str]:
        """Texts every output using this result must show (``provenance.caveats``)."""
        return list(self.provenance.caveats)

    @property
    def warnings(self) -> list[str]:
        """What went wrong without stopping the run (``provenance.warnings``)."""
        return list(self.provenance.warnings)


def _unique(*groups: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        for item in group:
            if item not in out:
                out.append(item)
    return tuple(out)
