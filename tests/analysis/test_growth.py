"""The in-migration model on hand-solved cases: jobs over time, who fills them, where they live.

Every expected value is worked out by hand below (written as arithmetic), never copied from a run.
Common case unless said otherwise: site ``s`` with 130 operation jobs; local share 0.2 (26 hires),
long-distance share 0.1 (13 commuters), so 130 - 26 - 13 = 91 in-migrant workers / 1.3 per household
= 70 households of 2 persons. Destinations A (population 300, 3 services), B (100, 0 services),
C (600, beyond the 90-minute limit); services exponent 0.5, so A = 300·(1+3)^0.5 = 600, B = 100.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jokkgeo.analysis.decay import commuting_decay
from jokkgeo.analysis.growth import GrowthParameters, balance, in_migration, jobs_by_year
from jokkgeo.errors import AnalysisError

NAN = float("nan")


def params(**kw: object) -> GrowthParameters:
    base: dict[str, object] = dict(local_share=0.2, long_distance_share_operation=0.1, local_cap_share=None,
                                   workers_per_household=1.3, persons_per_household=2.0, decay_shape="step",
                                   services_exponent=0.5, share_age_1_5=0.06, share_age_6_15=0.12)
    base.update(kw)
    return GrowthParameters(**base)  # type: ignore[arg-type]


def jobs(per_site: dict[str, float], year: int = 2030) -> pd.DataFrame:
    return pd.DataFrame({"site_id": list(per_site), "year": year, "jobs_construction": 0.0,
                         "jobs_operation": [float(v) for v in per_site.values()]})


def destinations(capacity: dict[str, float] | None = None) -> pd.DataFrame:
    capacity = capacity or {}
    ids = ["A", "B", "C"]
    return pd.DataFrame({"settlement_id": ids, "name": ["Aby", "Bby", "Cby"], "population": [300.0, 100.0, 600.0],
                         "services": [3, 0, 0], "housing_capacity": [capacity.get(i, NAN) for i in ids],
                         "in_study_area": [True, False, True]})


def minutes(**per_site: list[float]) -> pd.DataFrame:
    return pd.DataFrame(per_site, index=["A", "B", "C"])


def by_settlement(result, column: str = "households") -> dict[str, float]:
    return dict(zip(result.settlements["settlement_id"], result.settlements[column], strict=True))


# ------------------------------------------------------------------------------------------ jobs


def inventory() -> pd.DataFrame:
    return pd.DataFrame({
        "site_id": ["plan", "gone", "pause", "run", "build"],
        "status": ["planned", "cancelled", "paused", "operating", "under_construction"],
        "jobs_construction": [100, 100, 100, NAN, 50],
        "jobs_operation": [40, 40, 40, 500, NAN],
        "start_year": [2026, 2026, 2026, NAN, 2025],
        "full_operation_year": [2028, 2028, 2028, NAN, 2027],
    })


def test_jobs_by_year_phases_and_statuses() -> None:
    table = jobs_by_year(inventory(), [2025, 2026, 2027, 2028], include_operating=False)
    jobs_of = {sid: g["jobs"].tolist() for sid, g in table.groupby("site_id")}
    assert jobs_of["plan"] == [0, 100, 100, 40]  # construction 2026-2027, operation from 2028
    assert jobs_of["gone"] == [0, 0, 0, 0]  # cancelled
    assert jobs_of["pause"] == [0, 0, 0, 0]  # paused, paused_share 0
    assert jobs_of["run"] == [0, 0, 0, 0]  # operating: existing jobs, not new ones
    assert jobs_of["build"] == [50, 50, 0, 0]  # construction 2025-2026; no operation figure
    assert list(table.columns) == ["site_id", "year", "status", "jobs_construction", "jobs_operation", "jobs"]


def test_jobs_by_year_paused_share_and_operating() -> None:
    table = jobs_by_year(inventory(), [2028], paused_share=0.5, include_operating=True)
    jobs_of = dict(zip(table["site_id"], table["jobs"], strict=True))
    assert jobs_of["pause"] == 40 * 0.5
    assert jobs_of["run"] == 500


def test_jobs_by_year_errors_and_old_column() -> None:
    with pytest.raises(AnalysisError, match="status.*'closed'"):
        jobs_by_year(pd.DataFrame({"site_id": ["x"], "status": ["closed"]}), [2030])
    old = pd.DataFrame({"site_id": ["x"], "jobs": [250], "full_operation_year": [2029]})
    assert jobs_by_year(old, [2028, 2029])["jobs"].tolist() == [0, 250]  # status missing: planned
    warnings: list[str] = []
    jobs_by_year(pd.DataFrame({"site_id": ["y"], "jobs_operation": [10]}), [2030], warnings=warnings)
    assert any("full_operation_year" in w for w in warnings)


# ------------------------------------------------------------------------------------------ allocation


def test_hand_solved_allocation_without_capacity() -> None:
    res = in_migration(jobs({"s": 130}), destinations(), minutes(s=[20.0, 40.0, 100.0]), params=params())
    site = res.sites.iloc[0]
    assert site["local_hires"] == pytest.approx(130 * 0.2)
    assert site["long_distance_commuters"] == pytest.approx(130 * 0.1)
    assert site["in_migrant_workers"] == pytest.approx(130 - 26 - 13)
    assert site["households"] == pytest.approx(91 / 1.3)
    hh = by_settlement(res)
    # A = 300*sqrt(4) = 600, B = 100*sqrt(1) = 100, C beyond 90 min: shares 6/7 and 1/7 of 70
    assert hh["A"] == pytest.approx(70 * 600 / 700)
    assert hh["B"] == pytest.approx(70 * 100 / 700)
    assert hh["C"] == 0
    a = res.settlements.set_index("settlement_id").loc["A"]
    assert a["new_residents"] == pytest.approx(60 * 2.0)
    assert a["children_1_5"] == pytest.approx(120 * 0.06)
    assert a["children_6_15"] == pytest.approx(120 * 0.12)
    assert a["dwellings_needed"] == pytest.approx(60)
    assert np.isnan(a["housing_capacity"]) and np.isnan(a["surplus_dwellings"])  # unknown = unlimited
    assert site["share_in_municipality"] == pytest.approx(60 / 70)  # A inside, B outside
    assert site["unhoused_households"] == pytest.approx(0)
    assert res.flows["households"].sum() == pytest.approx(70)
    assert any("Not a forecast" in c or "Inte en prognos" in c for c in res.caveats)
    assert "Sandow & Westin 2010" in res.citations and res.params["sources"]["local_share"] == "assumption"


def test_logistic_decay_hand_solved() -> None:
    # two equally attractive places (A: 300·2 = 600; B given 600 by population 600, no services) at 30 and 60 min
    dest = destinations().assign(population=[300.0, 600.0, 600.0])
    res = in_migration(jobs({"s": 130}), dest, minutes(s=[30.0, 60.0, NAN]), params=params(decay_shape="logistic"))
    k, m = 0.15, 55.0
    f30 = (1 + math.exp(-k * m)) / (1 + math.exp(k * (30 - m)))
    f60 = (1 + math.exp(-k * m)) / (1 + math.exp(k * (60 - m)))
    hh = by_settlement(res)
    assert hh["A"] == pytest.approx(70 * f30 / (f30 + f60))
    assert hh["B"] == pytest.approx(70 * f60 / (f30 + f60))
    assert float(commuting_decay(30.0)) == pytest.approx(f30)


def test_local_hires_capped_by_working_age_within_reach() -> None:
    res = in_migration(jobs({"s": 130}), destinations(), minutes(s=[20.0, 40.0, 100.0]),
                       working_age_within_reach={"s": 200.0}, params=params(local_cap_share=0.05))
    site = res.sites.iloc[0]
    assert site["local_hires"] == pytest.approx(200 * 0.05)  # 10 < 130 * 0.2 = 26
    assert site["in_migrant_workers"] == pytest.approx(130 - 10 - 13)


def test_capacity_balancing_one_site() -> None:
    # A holds 40 dwellings: k_A with 70·600k/(600k+100) = 40 -> k = 2/9; A gets 40, B the other 30
    res = in_migration(jobs({"s": 130}), destinations({"A": 40}), minutes(s=[20.0, 40.0, 100.0]), params=params())
    hh = by_settlement(res)
    assert hh["A"] == pytest.approx(40, rel=1e-6)
    assert hh["B"] == pytest.approx(30, rel=1e-6)
    a = res.settlements.set_index("settlement_id").loc["A"]
    assert a["dwellings_wanted"] == pytest.approx(60)  # the demand before the cap
    assert a["shortfall_dwellings"] == pytest.approx(60 - 40)
    assert a["surplus_dwellings"] == pytest.approx(0, abs=1e-6)
    assert res.sites["unhoused_households"].iloc[0] == pytest.approx(0, abs=1e-6)


def test_capacity_balancing_two_sites() -> None:
    # s1: 70 households, reaches A and B; s2: 130·0.5 = 65 jobs -> (65 - 13 - 6.5)/1.3 = 35 households, reaches
    # only A. A holds 50: s2 puts all 35 there, so s1 may put 15: 70·600k/(600k+100) = 15 -> k = 1/22; B gets 55.
    res = in_migration(jobs({"s1": 130, "s2": 65}), destinations({"A": 50}),
                       minutes(s1=[20.0, 40.0, 100.0], s2=[30.0, 95.0, 100.0]), params=params())
    flows = res.flows.set_index(["site_id", "settlement_id"])["households"]
    assert flows[("s2", "A")] == pytest.approx(35, rel=1e-6)
    assert flows[("s1", "A")] == pytest.approx(15, rel=1e-6)
    assert flows[("s1", "B")] == pytest.approx(55, rel=1e-6)
    assert by_settlement(res)["A"] == pytest.approx(50, rel=1e-6)


def test_unhoused_are_reported_not_dropped() -> None:
    # s2's 35 households reach only A (capacity 20): 15 cannot be housed; s1 moves all 70 to B
    res = in_migration(jobs({"s1": 130, "s2": 65}), destinations({"A": 20}),
                       minutes(s1=[20.0, 40.0, 100.0], s2=[30.0, 95.0, 100.0]), params=params())
    sites = res.sites.set_index("site_id")
    assert sites.loc["s2", "housed_households"] == pytest.approx(20, rel=1e-6)
    assert sites.loc["s2", "unhoused_households"] == pytest.approx(15, rel=1e-6)
    assert sites.loc["s2", "unhoused_residents"] == pytest.approx(15 * 2.0, rel=1e-6)
    assert sites.loc["s1", "unhoused_households"] == pytest.approx(0, abs=1e-6)
    assert by_settlement(res)["B"] == pytest.approx(70, rel=1e-6)
    assert any("cannot be housed" in w for w in res.warnings)


def test_site_reaching_nothing_is_all_unhoused() -> None:
    res = in_migration(jobs({"s": 130, "far": 130}), destinations(), minutes(s=[20.0, 40.0, 100.0]), params=params())
    far = res.sites.set_index("site_id").loc["far"]
    assert far["unhoused_households"] == pytest.approx(70)
    assert any("far" in w and "no settlement" in w for w in res.warnings)


def _scenario(scale: float = 1.0, t_a: float = 20.0, caps: dict[str, float] | None = None, decay: str = "logistic"):
    return in_migration(jobs({"s1": 130 * scale, "s2": 65 * scale, "s3": 40 * scale}), destinations(caps),
                        minutes(s1=[t_a, 40.0, 70.0], s2=[30.0, 85.0, 50.0], s3=[60.0, 20.0, 80.0]),
                        params=params(decay_shape=decay))


@pytest.mark.parametrize("caps", [None, {"A": 50}, {"A": 30, "B": 20}, {"A": 10, "B": 10, "C": 10}])
def test_conservation(caps: dict[str, float] | None) -> None:
    res = _scenario(caps=caps)
    sites = res.sites
    assert (sites["housed_households"] + sites["unhoused_households"]).to_numpy() == pytest.approx(
        sites["households"].to_numpy())
    assert res.settlements["households"].sum() + sites["unhoused_households"].sum() == pytest.approx(
        sites["households"].sum())
    assert (res.settlements["dwellings_needed"] <= res.settlements["housing_capacity"].fillna(np.inf) + 1e-6).all()


@pytest.mark.parametrize("caps", [None, {"A": 50}, {"A": 30, "B": 20}, {"A": 10, "B": 10, "C": 10}])
def test_more_jobs_never_fewer_newcomers(caps: dict[str, float] | None) -> None:
    before = _scenario(1.0, caps=caps).settlements["new_residents"].to_numpy()
    for scale in (1.2, 2.0, 5.0):
        after = _scenario(scale, caps=caps).settlements["new_residents"].to_numpy()
        assert (after >= before - 1e-6).all(), (scale, before, after)


@pytest.mark.parametrize("decay", ["logistic", "exponential"])
def test_longer_trip_never_attracts_more(decay: str) -> None:
    shares = [by_settlement(_scenario(t_a=t, decay=decay))["A"] for t in (10.0, 30.0, 45.0, 60.0, 80.0, 95.0)]
    assert all(b <= a + 1e-9 for a, b in zip(shares, shares[1:], strict=False)), shares


def test_balance_conserves_and_fits() -> None:
    demand = np.array([[70.0, 35.0], [10.0, 0.0]])
    weights = np.array([[600.0, 100.0], [600.0, 0.0]])
    housed, unhoused = balance(demand, weights, np.array([50.0, np.inf]))
    assert housed.sum(axis=2) + unhoused == pytest.approx(demand)
    assert housed[0, :, 0].sum() == pytest.approx(50, rel=1e-6)


def test_parameters_are_checked() -> None:
    with pytest.raises(AnalysisError, match="local_share"):
        GrowthParameters(local_share=1.5)
    with pytest.raises(AnalysisError, match="> 1"):
        GrowthParameters(local_share=0.6, long_distance_share_operation=0.5)
    with pytest.raises(AnalysisError, match="key 'bogus'"):
        GrowthParameters.from_mapping({"bogus": 1})
    assert GrowthParameters.from_mapping({"local_share": 0.1}).local_share == 0.1


def test_growth_changes_compare_only_the_years_both_ran() -> None:
    from types import SimpleNamespace

    from jokkgeo.analysis.growth import growth_changes

    def result(rows: list[tuple[str, int, float]]) -> SimpleNamespace:
        frame = pd.DataFrame(rows, columns=["settlement_id", "year", "new_residents"])
        return SimpleNamespace(settlements=frame.assign(name=frame["settlement_id"], dwellings_needed=0.0,
                                                        shortfall_dwellings=0.0))

    base = result([("a", 2026, 70.0), ("a", 2030, 10.0)])
    scen = result([("a", 2030, 25.0), ("a", 2035, 5.0)])
    out = growth_changes(base, scen)
    assert out[["year", "new_residents_change"]].values.tolist() == [[2030, 15.0]]
    assert growth_changes(base, None)["new_residents_change"].tolist() == [-70.0, -10.0]
