"""Texts of the web-map tools and background: place labels, basemaps, measure, search, print, coordinates.

``KEY: (svenska, English)``.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "tools.place_labels": ("Ortnamn", "Place names"),
    "tools.tiles_failed": (
        "Bakgrundskartan kunde inte hämtas (inget nätverk?); kartan visas utan den.",
        "The background tiles could not be loaded (no network?); the map is shown without them.",
    ),
    "tools.fullscreen": ("Helskärm", "Full screen"),
    "tools.print": ("Skriv ut kartvyn", "Print the current view"),
    "tools.link": ("Länk till denna vy", "Link to this view"),
    "tools.link_copied": ("Länken till vyn finns i adressfältet", "The link to this view is in the address bar"),
    "tools.measure": ("Mät avstånd och area", "Measure distance and area"),
    "tools.measure_hint": (
        "Klicka punkter på kartan; dubbelklicka för att avsluta en linje, klicka på första punkten för att sluta en yta.",
        "Click points on the map; double-click to finish a line, click the first point to close an area.",
    ),
    "tools.measure_clear": ("Rensa", "Clear"),
    "tools.distance": ("Avstånd", "Distance"),
    "tools.area": ("Area", "Area"),
    "tools.search": ("Sök plats eller objekt", "Search places and features"),
    "tools.search_none": ("Inga träffar", "No matches"),
    "tools.minimap": ("Översiktskarta", "Overview map"),
    "tools.coordinates": ("SWEREF 99 TM", "SWEREF 99 TM"),
    "tools.value": ("Värde", "Value"),
    "tools.value_note": (
        "ungefärligt värde i en cell om {cell} km",
        "approximate value in a cell of {cell} km",
    ),
    "tools.no_value": ("inget värde här", "no value here"),
}
