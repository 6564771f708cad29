"""Population: column labels, the disclosure note and CLI lines (sv, en)."""

TEXTS: dict[str, tuple[str, str]] = {
    "population.population": ("Invånare", "Residents"),
    "population.working_age": ("I arbetsför ålder (20–64)", "Working age (20–64)"),
    "population.age_1_5": ("1–5 år", "Aged 1–5"),
    "population.age_6_15": ("6–15 år", "Aged 6–15"),
    "population.age_65_plus": ("65 år och äldre", "Aged 65 and over"),
    "population.nearest_label": ("{label} (närmast denna arbetsplats)", "{label} (nearest to this workplace)"),
    "population.cli_working_age": ("varav 20–64 år {value}", "of whom aged 20–64 {value}"),
    "population.disclosure": (
        "Röjandeskydd: antal personer under {threshold} visas som \"< {threshold}\" (i GeoPackage tomt) och övriga "
        "avrundas till hela personer. Summor räknas på de exakta talen, så en summa är inte summan av de "
        "visade cellerna (som i SCB:s rutstatistik).",
        "Disclosure control: counts of people under {threshold} are shown as \"< {threshold}\" (empty in the "
        "GeoPackage) and other counts rounded to whole people. Totals are computed from the exact figures, so a "
        "total is not the sum of the cells shown (as in SCB's grid statistics).",
    ),
}
