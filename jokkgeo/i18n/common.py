"""Texts shared by every subject: units, yes/no, seasons, general words.

``KEY: (svenska, English)``. Keep Swedish terms of the trade (sameby,
riksintresse, tätort, samråd) and Sámi place names as they are.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "minutes_short": ("{value} min", "{value} min"),
    "km2": ("{value} km²", "{value} km²"),
    "season.summer": ("sommar", "summer"),
    "season.winter": ("vinter", "winter"),
    "season.winter_open_tracks": ("vinter (öppna skogsbilvägar)", "winter (forest tracks open)"),
}
