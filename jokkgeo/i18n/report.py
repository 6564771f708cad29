"""Text of the report bundle's index page (sv, en)."""

TEXTS: dict[str, tuple[str, str]] = {
    "index.heading": ('Kartor och figurer', 'Maps and figures'),
    "index.public": ('Publik version', 'Public version'),
    "index.public_note": ('Känsliga lager är utelämnade.', 'Restricted layers are left out.'),
    "index.map": ('Interaktiv karta', 'Interactive map'),
    "index.figure": ('Figur', 'Figure'),
    "index.tables": ('Tabeller', 'Tables'),
    "index.rasters": ('Rasterytor (GeoTIFF, EPSG:3006)', 'Raster surfaces (GeoTIFF, EPSG:3006)'),
    "index.results": ('Resultat och underlag', 'Results and inputs'),
    "index.results_gpkg": ('alla analysresultat som namngivna lager, EPSG:3006 (öppnas i QGIS)', 'all analysis results as named layers, EPSG:3006 (opens in QGIS)'),
    "index.manifest": ('indata med kontrollsummor och licenser, parametrar, versioner, förbehåll, körtid', 'inputs with checksums and licences, parameters, versions, caveats, time of run'),
    "index.sources": ('Källor', 'Sources'),
    "index.intro": ('Interaktiva kartor (öppnas i webbläsaren utan nätverk) och tryckfärdiga figurer från jokkgeo. Alla analyser i SWEREF 99 TM (EPSG:3006); restider och zoner är ungefärliga.', 'Interactive maps (open in a browser with no network) and print-ready figures made by jokkgeo. All analyses in SWEREF 99 TM (EPSG:3006); travel times and zones are approximate.'),
}
