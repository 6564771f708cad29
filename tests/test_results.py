"""The one result contract: every analysis result carries a Provenance."""

import dataclasses

from jokkgeo.results import Provenance, ProvenanceFields


def test_result_types_carry_provenance_and_its_shortcuts():
    from jokkgeo.analysis.accessibility import AccessibilityResult
    from jokkgeo.analysis.catchments import CatchmentResult
    from jokkgeo.analysis.conflicts import ConflictResult
    from jokkgeo.analysis.crossings import CrossingResult
    from jokkgeo.analysis.screening import ScreeningResult
    from jokkgeo.analysis.surfaces import SurfaceResult
    from jokkgeo.workflows.comparison import Comparison, StudyResults

    for cls in (AccessibilityResult, CatchmentResult, ConflictResult, CrossingResult, ScreeningResult, SurfaceResult):
        assert issubclass(cls, ProvenanceFields), cls
        assert "provenance" in {f.name for f in dataclasses.fields(cls)}, cls
    for cls in (Comparison, StudyResults):
        assert isinstance(cls.__dict__["provenance"], property), cls


def test_shortcuts_read_the_provenance():
    class R(ProvenanceFields):
        def __init__(self, p):
            self.provenance = p

    r = R(Provenance(parameters={"minutes": [15]}, caveats=("a",), citations={"k": "K (2020)"}, warnings=("w",)))
    assert (r.params, r.caveats, r.citations, r.warnings) == ({"minutes": [15]}, ["a"], {"k": "K (2020)"}, ["w"])
    r.caveats.append("changed")  # a copy: the result stays as it was
    assert r.caveats == ["a"]
