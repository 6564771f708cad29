"""Text of the in-migration model (``jokkgeo growth``, the report's growth recipe, compare) (sv, en).

``growth.caveat.*``: caveats that travel with every growth result; ``growth.warn.*``: warnings
(English, as the other analyses' warnings); ``growth.col.*``: table headers; ``growth.map.*``:
map layers; ``growth.summary.*``: the comparison summary and CLI lines.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "growth.caveat.not_forecast": (
        "Inte en prognos: scenarioberäkning där varje tal följer av scenarioparametrar (arbetstillfällen, år, "
        "andelar, hushållsstorlek), källbelagda eller uttryckligen antaganden.",
        "Not a forecast: a scenario calculation in which every number follows from scenario parameters (jobs, "
        "years, shares, household size), each sourced or stated as an assumption.",
    ),
    "growth.caveat.decay": (
        "Pendlingsviljan avtar med restiden enligt en logistisk kurva (flack under och brant över cirka 45 min, "
        "efter Sandow & Westin 2010); parametrarna är antaganden som måste kalibreras mot pendlingsdata.",
        "Willingness to commute falls with travel time along a logistic curve (flat below and steep beyond about "
        "45 min, after Sandow & Westin 2010); its parameters are assumptions that must be calibrated on "
        "commuting data.",
    ),
    "growth.caveat.capacity": (
        "Bostadskapacitet = summan av bostäder på bostadsmarken per ort; orter utan bostadsmark räknas som "
        "obegränsade. Hushåll som inte ryms inom räckhåll redovisas som utan bostad.",
        "Housing capacity = the dwellings of the housing land per settlement; settlements without housing land "
        "count as unlimited. Households that cannot be housed within reach are reported as unhoused.",
    ),
    "growth.caveat.pools": (
        "Kollektivtrafik ingår inte (bara bil på vägnätet); arbetsplatser som delar arbetsmarknad delar inte "
        "upp den lokala arbetskraften mellan sig.",
        "Public transport is not modelled (car on the road network only); sites that share a labour market do "
        "not share out the local labour pool.",
    ),
    "growth.warn.no_operation_year": (
        "site {site}: operation jobs but no full_operation_year; not placed in time (0)",
        "site {site}: operation jobs but no full_operation_year; not placed in time (0)",
    ),
    "growth.warn.no_start_year": (
        "site {site}: construction jobs but no start_year; not placed in time (0)",
        "site {site}: construction jobs but no start_year; not placed in time (0)",
    ),
    "growth.warn.no_destination": (
        "site(s) {sites}: no settlement within {minutes} min; their in-migrants are reported as unhoused",
        "site(s) {sites}: no settlement within {minutes} min; their in-migrants are reported as unhoused",
    ),
    "growth.warn.unhoused": (
        "up to {households} in-migrant households in a year cannot be housed within reach (see unhoused_households)",
        "up to {households} in-migrant households in a year cannot be housed within reach (see unhoused_households)",
    ),
    "growth.warn.site_far": (
        "site {site} is more than {km} km from any road; its in-migrants are reported as unhoused",
        "site {site} is more than {km} km from any road; its in-migrants are reported as unhoused",
    ),
    "growth.references": ("Modellens form bygger på:", "The model's form draws on:"),
    # table headers
    "growth.col.settlement_id": ("Ort-id", "Settlement id"),
    "growth.col.name": ("Namn", "Name"),
    "growth.col.settlement": ("Ort", "Settlement"),
    "growth.col.in_study_area": ("I kommunen", "In the municipality"),
    "growth.col.year": ("År", "Year"),
    "growth.col.new_workers": ("Inflyttade arbetstagare", "In-migrant workers"),
    "growth.col.households": ("Hushåll", "Households"),
    "growth.col.new_residents": ("Nyinflyttade", "New residents"),
    "growth.col.dwellings_needed": ("Bostäder som behövs", "Dwellings needed"),
    "growth.col.dwellings_wanted": ("Efterfrågan på bostäder (utan tak)", "Dwellings wanted (no cap)"),
    "growth.col.housing_capacity": ("Bostadskapacitet", "Housing capacity"),
    "growth.col.shortfall_dwellings": ("Underskott bostäder", "Dwelling shortfall"),
    "growth.col.surplus_dwellings": ("Kvar av kapaciteten", "Capacity left"),
    "growth.col.children_1_5": ("Barn 1–5 år", "Children 1–5"),
    "growth.col.children_6_15": ("Barn 6–15 år", "Children 6–15"),
    "growth.col.site_id": ("Arbetsplats-id", "Site id"),
    "growth.col.site": ("Arbetsplats", "Site"),
    "growth.col.jobs": ("Arbetstillfällen", "Jobs"),
    "growth.col.local_hires": ("Rekryterade lokalt", "Local hires"),
    "growth.col.long_distance_commuters": ("Långpendlare", "Long-distance commuters"),
    "growth.col.in_migrant_workers": ("Inflyttande arbetstagare", "In-migrant workers"),
    "growth.col.housed_households": ("Hushåll med bostad", "Housed households"),
    "growth.col.unhoused_households": ("Hushåll utan bostad", "Unhoused households"),
    "growth.col.unhoused_residents": ("Personer utan bostad", "Unhoused persons"),
    "growth.col.share_in_municipality": ("Andel i kommunen", "Share in the municipality"),
    "growth.col.working_age_within_reach": ("Arbetsför ålder inom räckhåll", "Working age within reach"),
    "growth.col.residents": ("Personer", "Persons"),
    "growth.col.minutes": ("Restid (min)", "Travel time (min)"),
    "growth.col.status": ("Status", "Status"),
    "growth.col.jobs_construction": ("Arbetstillfällen bygg", "Construction jobs"),
    "growth.col.jobs_operation": ("Arbetstillfällen drift", "Operation jobs"),
    # map
    "growth.map.newcomers": ("Nyinflyttade {year}", "New residents {year}"),
    "growth.map.class": ("{label} personer", "{label} persons"),
    "growth.map.sites": ("Arbetsplatser med nya jobb", "Sites with new jobs"),
    "growth.map.group": ("Inflyttning", "In-migration"),
    # CLI and comparison summary
    "growth.cli.year": (
        "{year}: {jobs} nya jobb, {migrants} inflyttande arbetstagare, {residents} nyinflyttade, "
        "{unhoused} utan bostad",
        "{year}: {jobs} new jobs, {migrants} in-migrant workers, {residents} new residents, {unhoused} unhoused",
    ),
    "growth.cli.settlement": (
        "  {name}: {residents} nyinflyttade, {dwellings} bostäder (kapacitet {capacity}, underskott {shortfall})",
        "  {name}: {residents} new residents, {dwellings} dwellings (capacity {capacity}, shortfall {shortfall})",
    ),
    "growth.unlimited": ("obegränsad", "unlimited"),
    "growth.summary.head": ("Nyinflyttade per ort (inflyttningsmodellen, år {year})",
                            "New residents per settlement (in-migration model, year {year})"),
    "growth.summary.none": ("Ingen ort får fler eller färre nyinflyttade eller ett annat bostadsunderskott.",
                            "No settlement gets more or fewer new residents or another dwelling shortfall."),
    "growth.summary.row": (
        "{name}: nyinflyttade {r0} → {r1} ({dr}); bostadsunderskott {s0} → {s1}",
        "{name}: new residents {r0} → {r1} ({dr}); dwelling shortfall {s0} → {s1}",
    ),
    "growth.summary.not_run": ("Inflyttningsmodellen kördes inte: {reason}", "The in-migration model was not run: {reason}"),
    "growth.summary.unhoused": ("utan bostad: {u0} → {u1} personer", "unhoused: {u0} → {u1} persons"),
}
