"""Texts of the print figures (footnotes, locator map).

``KEY: (svenska, English)``.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "fig.more_caveats": (
        "Ytterligare {n} förbehåll står i rapportens avsnitt om förbehåll.",
        "{n} further caveats are in the report's caveat section.",
    ),
    "fig.all_caveats": (
        "Alla förbehåll står i rapportens avsnitt om förbehåll.",
        "All caveats are in the report's caveat section.",
    ),
    "fig.locator": ("Läge", "Location"),
}
