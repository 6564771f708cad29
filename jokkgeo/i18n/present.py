"""Text of the scenario-comparison summary and difference map (sv, en).

``summary.*``: the written summary (:func:`jokkgeo.present.comparison.comparison_summary`);
``compare.group.*``, ``compare.status.*``: the difference map's layer groups and legend classes;
``severity_word.*``: severity inside a sentence.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "summary.head": ('Scenariojämförelse: {scen} jämfört med {base}', 'Scenario comparison: {scen} against {base}'),
    "summary.changes": ('Ändringar i scenariot', 'Changes in the scenario'),
    "summary.no_longer": ('inte längre:', 'no longer:'),
    "summary.season": ('årstid {season}', 'season {season}'),
    "summary.params": ('analysparametrar: {params}', 'analysis parameters: {params}'),
    "summary.added": ('lager tillagt', 'layer added'),
    "summary.appended": ('tillägg i lagret', 'features added to layer'),
    "summary.filtered": ('lagret filtrerat', 'layer filtered'),
    "summary.roads_changed": ('vägar ändrade', 'roads changed'),
    "summary.features_changed": ('objekt ändrade', 'features changed'),
    "summary.removed": ('lager borttaget', 'layer removed'),
    "summary.catch": ('Restidsområden per arbetsplats (ungefärliga)', 'Travel-time catchments per workplace (approximate)'),
    "summary.catch_none": ('Inga förändringar av restidsområdenas yta, befolkning, bostäder eller bostadsmark.', 'No change in catchment area, population, dwellings or housing land.'),
    "summary.catch_row": ('{site}, ≤ {m} min: yta {da} km² ({a0} → {a1} km²); befolkning {dp}; bostäder {dd}; bostadsmark {dh} ha', '{site}, ≤ {m} min: area {da} km² ({a0} → {a1} km²); population {dp}; dwellings {dd}; housing land {dh} ha'),
    "summary.access": ('Orter och bostadsområden som får eller förlorar tillgång inom ett restidsband', 'Places and housing areas that gain or lose access within a travel-time band'),
    "summary.access_none": ('Ingen ort eller inget bostadsområde byter restidsband.', 'No place or housing area changes travel-time band.'),
    "summary.access_count": ('{gained} får och {lost} förlorar tillgång (räknat per plats, arbetsplats och band).', '{gained} gain and {lost} lose access (counted per place, workplace and band).'),
    "summary.gained_row": ('{place} når {site} inom {m} min ({t0} → {t1} min)', '{place} reaches {site} within {m} min ({t0} → {t1} min)'),
    "summary.lost_row": ('{place} når inte längre {site} inom {m} min ({t0} → {t1} min)', '{place} no longer reaches {site} within {m} min ({t0} → {t1} min)'),
    "summary.unreachable": ('nås ej', 'unreachable'),
    "summary.new_place": ('ny plats', 'new place'),
    "summary.removed_place": ('borttagen plats', 'removed place'),
    "summary.conf": ('Markanvändningskonflikter', 'Land-use conflicts'),
    "summary.conf_none": ('Inga nya, borttagna eller ändrade konflikter.', 'No new, removed or changed conflicts.'),
    "summary.conf_count": ('{new} nya ({sev}), {removed} borttagna, {changed} ändrade (räknat per regel och objektpar).', '{new} new ({sev}), {removed} removed, {changed} changed (counted per rule and feature pair).'),
    "summary.conf_new": ('ny: {dev} – {sens} (regel {rule}, {severity})', 'new: {dev} – {sens} (rule {rule}, {severity})'),
    "summary.conf_removed": ('borttagen: {dev} – {sens} (regel {rule}, {severity})', 'removed: {dev} – {sens} (rule {rule}, {severity})'),
    "summary.conf_changed": ('ändrad: {dev} – {sens} (regel {rule}): {s0} → {s1}', 'changed: {dev} – {sens} (rule {rule}): {s0} → {s1}'),
    "summary.same": ('Samebyar: påverkad andel (sammanvägd påverkan ≥ {level}) och linjär infrastrukturtäthet', 'Samebyar: influenced share (combined influence ≥ {level}) and linear-infrastructure density'),
    "summary.same_none": ('Ingen förändring av påverkad andel eller infrastrukturtäthet i någon sameby.', 'No change in influenced share or infrastructure density in any sameby.'),
    "summary.same_row": ('{sameby}: påverkad andel {a0} % → {a1} % ({da} procentenheter); täthet {d0} → {d1} km/km²', '{sameby}: influenced share {a0} % → {a1} % ({da} percentage points); density {d0} → {d1} km/km²'),
    "summary.cross": ('Korsningar av flyttleder', 'Migration-route crossings'),
    "summary.cross_none": ('Inga nya eller borttagna korsningar av flyttleder.', 'No new or removed migration-route crossings.'),
    "summary.cross_count": ('{new} nya och {removed} borttagna korsningar.', '{new} new and {removed} removed crossings.'),
    "summary.cross_row": ('{status}: {route} korsas av {infra}', '{status}: {route} crossed by {infra}'),
    "summary.new": ('ny', 'new'),
    "summary.removed_word": ('borttagen', 'removed'),
    "summary.nothing": ('Scenariot ger inga skillnader alls mot jämförelsealternativet.', 'The scenario gives no differences at all from the comparison case.'),
    "summary.caveats": ('Förbehåll', 'Caveats'),
    "summary.approx": ('Restider, zoner och ytor är ungefärliga modellresultat.', 'Travel times, zones and areas are approximate model results.'),
    "summary.more": ('… och {n} till (se tabellen {table}).', '… and {n} more (see table {table}).'),
    "severity_word.major": ('stor', 'major'),
    "severity_word.moderate": ('måttlig', 'moderate'),
    "severity_word.minor": ('liten', 'minor'),
    "compare.group.baseline": ('Nuläge', 'Baseline'),
    "compare.group.scenario": ('Scenario', 'Scenario'),
    "compare.group.differences": ('Skillnader', 'Differences'),
    "compare.status.gained": ('Vunnen yta', 'Gained area'),
    "compare.status.lost": ('Förlorad yta', 'Lost area'),
    "compare.status.new_conflict": ('Ny konflikt', 'New conflict'),
    "compare.status.changed_conflict": ('Ändrad allvarlighet', 'Changed severity'),
    "compare.status.removed_conflict": ('Borttagen konflikt', 'Removed conflict'),
    "compare.status.new_crossing": ('Ny korsning', 'New crossing'),
    "compare.status.removed_crossing": ('Borttagen korsning', 'Removed crossing'),
    "compare.status": ('Status', 'Status'),
    "compare.pane_title": ('{group}: {label}', '{group}: {label}'),
    "compare.pane_title_scenario": ('{group}: {label} – {with_diff}', '{group}: {label} – {with_diff}'),
}

TEXTS.update({
    "report.popup.rule_id": ("Regel", "Rule"),
    "report.popup.dev_label": ("Exploatering", "Development"),
    "report.popup.sens_label": ("Känsligt område", "Sensitive feature"),
    "report.popup.severity": ("Allvarlighet", "Severity"),
    "report.popup.distance_m": ("Avstånd (m)", "Distance (m)"),
    "report.popup.zoi_area_m2": ("Påverkad yta (m²)", "Affected area (m²)"),
    "report.popup.zoi_length_m": ("Påverkad längd (m)", "Affected length (m)"),
    "report.popup.reference": ("Referens", "Reference"),
})

TEXTS.update({
    "report.minutes_unit": ("min", "min"),
})

TEXTS.update({
    "meta.result": ("Resultatet '{name}' av analysen {type} i kartan '{recipe}'.",
                    "Result '{name}' of the {type} analysis in map '{recipe}'."),
    "meta.title": ("{recipe}: {name}", "{recipe}: {name}"),
    "meta.command_title": ("jokkgeo {command}", "jokkgeo {command}"),
    "meta.command": ("Resultat av kommandot jokkgeo {command} (EPSG:3006).",
                     "Result of the command jokkgeo {command} (EPSG:3006)."),
    "meta.extents": ("Kartutsnitt", "Map extents"),
    "meta.extents_description": ("Utbredningen av varje karta i rapporten.", "The extent of every map of the report."),
})
