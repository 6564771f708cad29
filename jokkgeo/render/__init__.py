"""Renderers: one :class:`~jokkgeo.render.document.MapDocument` drawn two ways.

- :mod:`jokkgeo.render.styles` — layer styles and legend entries as plain data
- :mod:`jokkgeo.render.document` — ``MapDocument`` / ``MapLayer`` / ``RasterImage``
- :mod:`jokkgeo.render.web` — self-contained folium/Leaflet HTML (no network)
- :mod:`jokkgeo.render.static` — matplotlib print figures (PNG/SVG/PDF)

Heavy libraries (folium, matplotlib) are imported lazily inside the functions.
"""
