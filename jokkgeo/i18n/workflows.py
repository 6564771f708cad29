"""Notes the workflows and the report bundle give planners (sv, en)."""

TEXTS: dict[str, tuple[str, str]] = {
    "influence.no_study_area": (
        "Katalogen har inget lager '{layer}' med studieområdet: rutnätet täcker alla lagrens utbredning.",
        "The catalogue has no '{layer}' layer with the study area: the grid covers the extent of all layers.",
    ),
    "influence.no_zones": (
        "Katalogen har inget lager '{layer}': andelar per sameby beräknas inte.",
        "The catalogue has no '{layer}' layer: no shares per sameby are computed.",
    ),
    "conflicts.skipped_rule": (
        "Regeln {rule} kördes inte: inget lager för {side} i de valda lagren.",
        "Rule {rule} was not run: no {side} layer among the chosen layers.",
    ),
    "conflicts.side.development": ("exploatering", "development"),
    "conflicts.side.sensitive": ("känsligt intresse", "sensitive"),
    "conflicts.side.development+sensitive": ("exploatering eller känsligt intresse", "development or sensitive"),
    "catchments.unreachable": (
        "{count} platser når ingen arbetsplats inom {minutes} min (se tabellen unreachable_places).",
        "{count} places reach no workplace within {minutes} min (see the table unreachable_places).",
    ),
}
