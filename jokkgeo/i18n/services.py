"""Access to services: map titles, legends, table headers and CLI lines (sv, en)."""

TEXTS: dict[str, tuple[str, str]] = {
    # kinds of service (the ``kind`` column of a services layer)
    "services.kind.preschool": ("förskola", "preschool"),
    "services.kind.school": ("grundskola", "school"),
    "services.kind.upper_secondary": ("gymnasieskola", "upper secondary school"),
    "services.kind.health_centre": ("vårdcentral", "health centre"),
    "services.kind.hospital": ("sjukhus", "hospital"),
    "services.kind.pharmacy": ("apotek", "pharmacy"),
    "services.kind.grocery": ("livsmedelsbutik", "grocery store"),
    "services.kind.fuel": ("drivmedel", "fuel station"),
    "services.scenario.today": ("i dag", "today"),
    "services.scenario.growth": ("efter tillväxt", "after growth"),
    # map
    "services.title": ("Tillgång till service", "Access to services"),
    "services.residents_title": (
        "Restid till närmaste {kind} ({season})", "Travel time to the nearest {kind} ({season})"),
    "services.services_title": ("{kind}: invånare per enhet", "{kind}: residents per service"),
    "services.load_class": ("{kind}: {label} invånare", "{kind}: {label} residents"),
    "services.beyond": ("> {minutes} min", "> {minutes} min"),
    "services.unreachable": ("når ingen", "reaches none"),
    # table headers and popups
    "services.col.kind": ("Typ av service", "Kind of service"),
    "services.col.season": ("Säsong", "Season"),
    "services.col.scenario": ("Läge", "Situation"),
    "services.col.minutes": ("Restid högst (min)", "Travel time at most (min)"),
    "services.col.people_in_band": ("Invånare i intervallet", "People in the band"),
    "services.col.people_within": ("Invånare inom tiden", "People within the time"),
    "services.col.share_within": ("Andel inom tiden", "Share within the time"),
    "services.col.working_age_within": ("Varav 20–64 år", "Of whom aged 20–64"),
    "services.col.age_1_5_within": ("Varav 1–5 år", "Of whom aged 1–5"),
    "services.col.age_6_15_within": ("Varav 6–15 år", "Of whom aged 6–15"),
    "services.col.age_65_plus_within": ("Varav 65 år och äldre", "Of whom aged 65 and over"),
    "services.col.n_services": ("Antal enheter", "Number of services"),
    "services.col.people": ("Invånare", "People"),
    "services.col.people_beyond": ("Invånare längre bort än sista gränsen", "People beyond the last band"),
    "services.col.people_unreachable": ("Invånare som inte når någon", "People who reach none"),
    "services.col.mean_minutes": ("Medelrestid (min)", "Mean travel time (min)"),
    "services.col.max_minutes": ("Längsta restid (min)", "Longest travel time (min)"),
    "services.col.rank": ("Rang", "Rank"),
    "services.col.place": ("Plats", "Place"),
    "services.col.place_id": ("Plats-id", "Place id"),
    "services.col.minutes_nearest": ("Restid (min)", "Travel time (min)"),
    "services.col.nearest_service": ("Närmaste enhet", "Nearest service"),
    "services.col.service_id": ("Enhets-id", "Service id"),
    "services.col.name": ("Namn", "Name"),
    "services.col.locality": ("Ort", "Locality"),
    "services.col.capacity": ("Kapacitet", "Capacity"),
    "services.col.residents": ("Invånare som har den närmast", "Residents nearest to it"),
    "services.col.n_places": ("Antal platser", "Number of places"),
    "services.col.newcomers": ("Nyinflyttade", "Newcomers"),
    "services.col.residents_after": ("Invånare efter tillväxt", "Residents after growth"),
    "services.col.per_capacity": ("Invånare per kapacitet", "Residents per capacity"),
    "services.col.per_capacity_after": ("Per kapacitet efter tillväxt", "Per capacity after growth"),
    "services.col.change": ("Förändring", "Change"),
    # notes and CLI lines
    "services.missing_kind": (
        "Servicelagret saknar {kind}: alla invånare räknas som utan tillgång.",
        "The services layer has no {kind}: every resident is counted as without access.",
    ),
    "services.caveat": (
        "Restid med bil på vägnätet till närmaste enhet av varje slag; säger inget om öppettider, "
        "upptagningsområden eller kollektivtrafik. Servicelägen är illustrativa där de saknar källa.",
        "Travel time by car on the road network to the nearest service of each kind; says nothing about "
        "opening hours, catchment rules or public transport. Service positions are illustrative where unsourced.",
    ),
    "services.cli.line": (
        "{kind}, {season}: {within} av {people} invånare ({share}) inom {minutes} min; medel {mean} min; "
        "{unreachable} når ingen",
        "{kind}, {season}: {within} of {people} people ({share}) within {minutes} min; mean {mean} min; "
        "{unreachable} reach none",
    ),
    "services.no_layer": (
        "Tillgång till service beräknades inte: katalogen har inget lager med temat '{theme}'.",
        "Access to services was not computed: the catalogue has no layer of theme '{theme}'.",
    ),
    "services.cli.missing": ("{kind}: ingen enhet i servicelagret", "{kind}: no service in the services layer"),
    "services.step.kinds": (
        "Restid till service: {kinds}; {seasons}; {people} invånare på {places} platser",
        "Access to services: {kinds}; {seasons}; {people} people at {places} places",
    ),
    # comparison summary
    "services.compare.heading": ("Tillgång till service", "Access to services"),
    "services.compare.band": (
        "{kind} inom {minutes} min ({season}): {base} → {scen} invånare ({change})",
        "{kind} within {minutes} min ({season}): {base} → {scen} people ({change})",
    ),
    "services.compare.load": (
        "{name} ({kind}): {base} → {scen} invånare har den närmast ({change})",
        "{name} ({kind}): {base} → {scen} residents nearest to it ({change})",
    ),
    "services.compare.none": ("Ingen förändring i tillgång till service.", "No change in access to services."),
}
