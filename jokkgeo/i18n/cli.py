"""Lines the command-line tool prints (results on stdout, progress on stderr), sv and en."""

TEXTS: dict[str, tuple[str, str]] = {
    # progress (stderr)
    "step.building_network": ("Bygger vägnätet från lagret '{layer}'…", "Building the road network from layer '{layer}'…"),
    "step.network_summary": (
        "{nodes} noder, {arcs} vägbågar; {sites} arbetsplats(er), säsong '{season}', restidsband {bands} min",
        "{nodes} nodes, {arcs} road arcs; {sites} site(s), season '{season}', bands {bands} min",
    ),
    "cli.wrote_layers": ("Skrev {path} ({layers})", "Wrote {path} ({layers})"),
    "cli.read_layers": ("Läste {n} lager; kör {rules} regler ({engine})…",
                        "Read {n} layers; running {rules} rules ({engine} engine)…"),
    "step.compare": ("Jämför {scenario} med {baseline}…", "Comparing {scenario} with {baseline}…"),
    "step.recipe": ("Karta {i}/{n}: {id} – {title}", "Map {i}/{n}: {id} – {title}"),
    "cli.step": ("{what}…", "{what}…"),
    # catchments (stdout)
    "cli.catchments.band": ("{site} {minutes} min: {area} km²", "{site} {minutes} min: {area} km²"),
    "cli.catchments.empty": ("{site} {minutes} min: tomt", "{site} {minutes} min: empty"),
    "cli.catchments.places": ("{layer}: {n}", "{layer}: {n}"),
    "cli.catchments.population": ("befolkning {value}", "population {value}"),
    "cli.catchments.dwellings": ("bostäder {value}", "dwellings {value}"),
    # conflicts (stdout)
    "cli.conflicts.wrote": ("Skrev {path}: {n} konflikter från {rules} regler på {seconds} s ({engine}{threads}).",
                            "Wrote {path}: {n} conflicts from {rules} rules in {seconds} s ({engine}{threads})."),
    "cli.threads.one": (", 1 tråd", ", 1 thread"),
    "cli.threads.many": (", {n} trådar", ", {n} threads"),
    "cli.conflicts.by_dev": ("  {dev}: {n} × {severity}", "  {dev}: {n} × {severity}"),
    "cli.conflicts.crossings": ("Korsningar av flyttleder:", "Crossings of migration routes:"),
    "cli.conflicts.skipped": ("Regler som inte kördes:", "Rules not run:"),
    "cli.written": ("Skrivet:", "Written:"),
    "cli.references": ("Referenser:", "References:"),
    "cli.caveats": ("Förbehåll:", "Caveats:"),
    "severity.major": ("stor konflikt", "major conflict"),
    "severity.moderate": ("måttlig konflikt", "moderate conflict"),
    "severity.minor": ("liten konflikt", "minor conflict"),
    # influence (stdout)
    "cli.influence.grid": ("Rutnät {w}×{h} celler à {res} m över {bounds}", "Grid {w}×{h} cells of {res} m over {bounds}"),
    "cli.influence.wrote": ("Skrev {n} filer till {dir}: {files}", "Wrote {n} files to {dir}: {files}"),
    "cli.influence.shares": ("Andel av varje sameby med sammanvägd påverkan (närmaste) ≥ {level} (ungefärlig):",
                             "Share of each sameby with combined nearest influence ≥ {level} (approximate):"),
    "cli.influence.share": ("  {sameby}: {share} % av {area} km²", "  {sameby}: {share} % of {area} km²"),
    # report (stdout)
    "cli.report.wrote": ("Skrev {path}: {maps} kartor, {figures} figurfiler, {layers} resultatlager i results.gpkg",
                         "Wrote {path}: {maps} maps, {figures} figure files, {layers} result layers in results.gpkg"),
    "cli.report.omitted": ("Utelämnade (känsliga): {layers}", "Left out (restricted): {layers}"),
    "cli.report.note": ("Notering ({recipe}/{type}): {note}", "Note ({recipe}/{type}): {note}"),
}
