"""Caveats and warnings that travel with analysis results (conflicts, surfaces, crossings).

``KEY: (svenska, English)``. The reindeer caveat names both duties: samråd with the
sameby concerned and the municipality's duty to consult under Lag (2022:66) om
konsultation i frågor som rör det samiska folket.
"""

TEXTS: dict[str, tuple[str, str]] = {
    "caveat.reindeer": (
        "Renskötselns markanvändningsdata beskriver ett idealiserat normalår; områden som inte visas "
        "kan vara avgörande vissa år. Underlaget ska användas i dialog med samebyn och samråd med "
        "berörd sameby krävs alltid (Sametinget, RiM). Kommunen är dessutom skyldig att konsultera "
        "samiska företrädare (Sametinget, berörda samebyar och andra samiska organisationer) i ärenden "
        "som kan få särskild betydelse för samerna, enligt lagen (2022:66) om konsultation i frågor som "
        "rör det samiska folket.",
        "Reindeer-husbandry land-use data describe an idealised normal year; areas not shown can be "
        "decisive in some years. Use the data in dialogue with the sameby; consultation (samråd) with "
        "the sameby concerned is always required (Sametinget, RiM). The municipality also has a duty to "
        "consult Sámi representatives (the Sámi Parliament, the samebyar concerned and other Sámi "
        "organisations) in matters of particular importance to the Sámi, under Lag (2022:66) om "
        "konsultation i frågor som rör det samiska folket (the Act on consultation in matters concerning "
        "the Sámi people).",
    ),
    "caveat.illustrative": (
        "Illustrativa (schematiska) data, inte verkliga gränser eller leder: {layers}.",
        "Illustrative (schematic) data, not real boundaries or routes: {layers}.",
    ),
    "caveat.surface_cells": (
        "Ytorna är ungefärliga på cellnivå (avstånd mellan cellcentra).",
        "Surfaces are approximate at the scale of one cell (distances between cell centres).",
    ),
    # rules that had nothing to run on (conflicts: skipped_rules; surfaces, crossings)
    "skipped.no_development_layer": (
        "Regeln {rule} kördes inte: inget utvecklingslager ({selector}) finns bland indata.",
        "Rule {rule} was skipped: no development layer ({selector}) among the inputs.",
    ),
    "skipped.no_sensitive_layer": (
        "Regeln {rule} kördes inte: inget känsligt lager ({selector}) finns bland indata.",
        "Rule {rule} was skipped: no sensitive layer ({selector}) among the inputs.",
    ),
    "skipped.no_development_features": (
        "Regeln {rule} kördes inte: utvecklingslagren ({selector}) har inga objekt som passar regelns urval.",
        "Rule {rule} was skipped: the development layers ({selector}) hold no features its filter matches.",
    ),
    "skipped.no_sensitive_features": (
        "Regeln {rule} kördes inte: de känsliga lagren ({selector}) har inga objekt som passar regelns urval.",
        "Rule {rule} was skipped: the sensitive layers ({selector}) hold no features its filter matches.",
    ),
    "skipped.same_layer": (
        "Regeln {rule} kördes inte: utvecklings- och känsligt lager är samma lager ({selector}).",
        "Rule {rule} was skipped: the development and sensitive layers are the same layer ({selector}).",
    ),
    "skipped.surface_no_features": (
        "Påverkansytan {rule} beräknades inte: inga objekt ({selector}) bland indata.",
        "Influence surface {rule} was not computed: no features ({selector}) among the inputs.",
    ),
    "skipped.crossings_no_routes": (
        "Korsningar av flyttleder beräknades inte: inget flyttledslager ({selector}) bland indata.",
        "Migration-route crossings were not computed: no route layer ({selector}) among the inputs.",
    ),
}
