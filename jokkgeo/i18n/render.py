"""Texts of the map renderers: legend, layer control, caveat box, axes of printed maps.

``KEY: (svenska, English)``.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "illustrative": ("Illustrativ/schematisk", "Illustrative/schematic"),
    "restricted": ("Känsliga uppgifter", "Sensitive data"),
    "caveats": ("Förbehåll", "Caveats"),
    "sources": ("Källor", "Sources"),
    "legend": ("Teckenförklaring", "Legend"),
    "layers": ("Lager", "Layers"),
    "background": ("Bakgrund", "Background"),
    "no_background": ("Ingen bakgrund (offline)", "No background (offline)"),
    "osm": ("OpenStreetMap (kräver nätverk)", "OpenStreetMap (needs network)"),
    "illustrative_note": (
        "Illustrativa/schematiska lager visar ungefärliga lägen, inte uppmätta gränser",
        "Illustrative/schematic layers show approximate locations, not surveyed boundaries",
    ),
    "restricted_note": (
        "Kartan innehåller känsliga uppgifter; sprid inte utan tillstånd",
        "This map contains sensitive data; do not share without permission",
    ),
    "approximate": (
        "Restider och zoner är ungefärliga modellresultat.",
        "Travel times and zones are approximate model results.",
    ),
    "crs": ("SWEREF 99 TM (EPSG:3006)", "SWEREF 99 TM (EPSG:3006)"),
    "north": ("N", "N"),
    "made_with": ("Framställd med jokkgeo", "Made with jokkgeo"),
    "easting": ("E (m, SWEREF 99 TM)", "E (m, SWEREF 99 TM)"),
    "northing": ("N (m, SWEREF 99 TM)", "N (m, SWEREF 99 TM)"),
    # print figures (jokkgeo.render.static)
    "fig.more_caveats": (
        "Ytterligare {n} förbehåll står i rapportens avsnitt om förbehåll.",
        "{n} further caveats are in the report's caveat section.",
    ),
}
