"""Popup rows: labels, units, number formats and coded values in Swedish and English."""

import pandas as pd
import pytest

from jokkgeo.config.styles import PopupField, parse_popup
from jokkgeo.errors import CatalogueError
from jokkgeo.render.popups import column_strings, format_value, short_citation, shown_fields

NB = "\u00a0"  # between a number and its unit
THIN = "\u202f"  # Swedish thousands


def _rows(frame, popup=(), language="sv", class_labels=None):
    fields = shown_fields(popup, frame, language)
    return {f.label: column_strings(frame, f, language, class_labels=class_labels if f.field == "kind" else None)
            for f in fields}


def test_numbers_years_areas_and_shares_in_swedish():
    assert format_value(138_973_139.32, "area_km2", "sv") == f"139{NB}km²"  # the evidence's 138 973 139,32 m²
    assert format_value(52_000, "area_km2", "sv") == f"52{THIN}000{NB}m²"  # under 0.1 km²: m²
    assert format_value(2.5, "area_km2", "sv", field="official_area_km2") == f"2,5{NB}km²"
    assert format_value(5, "area_km2", "sv", field="area_ha") == f"50{THIN}000{NB}m²"
    assert format_value(25, "area_km2", "sv", field="area_ha") == f"0,25{NB}km²"
    assert format_value(2020.0, "year", "sv") == "2020"  # not "2 020"
    assert format_value(12_345.6, "count", "sv") == f"12{THIN}346"
    assert format_value(3456.0, "length_km", "sv") == f"3,5{NB}km"
    assert format_value(850.0, "length_km", "sv") == f"850{NB}m"
    assert format_value(0.256, "percent", "sv") == f"26{NB}%"
    assert format_value(0.05, "percent", "en") == f"5{NB}%"
    assert format_value(3.14159, "number", "sv", unit="MW") == f"3,14{NB}MW"
    assert format_value(None, "number", "sv") == ""
    assert format_value(float("nan"), "year", "sv") == ""


def test_default_labels_units_and_translated_values():
    frame = pd.DataFrame({"name": ["Jokkmokk"], "kind": ["tatort"], "population": [2766.0],
                          "population_year": [2020.0], "highway": ["trunk"], "maxspeed": ["90"],
                          "severity": ["major"], "status": ["under_construction"], "season": ["winter"]})
    sv = _rows(frame)
    assert sv == {"Namn": ["Jokkmokk"], "Slag": ["tätort"], "Befolkning": [f"2{THIN}766"],
                  "Befolkning, år": ["2020"], "Vägklass": ["Europaväg/riksväg (stamväg)"],
                  "Hastighetsgräns": [f"90{NB}km/h"], "Allvarlighet": ["stor"], "Status": ["under byggnad"],
                  "Årstid": ["vinter"]}
    en = _rows(frame, language="en")
    assert en["Severity"] == ["major"] and en["Population, year"] == ["2020"] and en["Kind"] == ["urban area (tätort)"]


def test_layer_class_labels_win_and_unknown_codes_become_words():
    frame = pd.DataFrame({"kind": ["tatort", "some_new_kind"]})
    rows = _rows(frame, class_labels={"tatort": "Tätort (SCB)"})
    assert rows["Slag"] == ["Tätort (SCB)", "Some new kind"]


def test_ids_give_way_to_names_and_citations_to_short_references():
    frame = pd.DataFrame({"site_id": ["kallak"], "site_name": ["Kallak/Gállok"], "area_id": ["jokkmokk_v"],
                          "name": ["Kallak"], "reference": ["vistnes2008"],
                          "citation": ["Vistnes, I. & Nellemann, C. (2008). The matter of scales. Polar Biology."]})
    rows = _rows(frame, popup=parse_popup(["site_id", "area_id", "name", "reference"]))
    assert rows == {"Arbetsplats": ["Kallak/Gállok"], "Namn": ["Kallak"],
                    "Referens": ["Vistnes, I. &amp; Nellemann, C. (2008)"]}  # escaped
    assert short_citation("Skarin, A. (2014). Title.") == "Skarin, A. (2014)"
    no_cite = pd.DataFrame({"reference": ["niebuhr2022"]})
    assert _rows(no_cite, popup=parse_popup(["reference"]))["Referens"] == ["Niebuhr 2022"]


def test_configured_label_unit_format_and_hidden():
    frame = pd.DataFrame({"population": [1234.4], "zoi": [2_500_000.0], "secret": ["x"],
                          "jobs_operation": [120], "jobs_operation_assumed": [True]})
    popup = parse_popup([{"field": "population", "label": "Invånare", "label_en": "Inhabitants"},
                         {"field": "zoi", "label": "Zon", "format": "area_km2"},
                         {"field": "secret", "hidden": True},
                         "jobs_operation"])
    assert _rows(frame, popup) == {"Invånare": [f"1{THIN}234"], "Zon": [f"2,5{NB}km²"],
                                   "Arbetstillfällen i drift": ["120 (antagande)"]}
    assert list(_rows(frame, popup, language="en"))[0] == "Inhabitants"


def test_values_are_escaped_never_evaluated():
    frame = pd.DataFrame({"name": ["<script>x</script>", "{{ 7*7 }}"]})
    assert _rows(frame)["Namn"] == ["&lt;script&gt;x&lt;/script&gt;", "{{ 7*7 }}"]


def test_code_built_pairs_keep_their_label_and_unit():
    frame = pd.DataFrame({"distance_m": [1500.0]})
    assert _rows(frame, popup=(("distance_m", "Avstånd till väg"),)) == {"Avstånd till väg": [f"1,5{NB}km"]}


def test_default_popup_leaves_out_bookkeeping_columns():
    frame = pd.DataFrame({"name": ["A"], "severity_rank": [3], "route_id": ["r1"], "scenario_layer": ["x"],
                          "in_study_area": [True], "note": ["n"]})
    assert [f.field for f in shown_fields((), frame, "sv")] == ["name", "note"]


@pytest.mark.parametrize(("raw", "match"), [
    ([{"label": "x"}], "field"),
    ([{"field": "a", "format": "fancy"}], "format"),
    ([{"field": "a", "colour": "red"}], "colour"),
    ([{"field": "a", "hidden": "yes"}], "hidden"),
    (42, "expected a list"),
])
def test_bad_popup_entries_name_the_key(raw, match):
    with pytest.raises(CatalogueError, match=match) as err:
        parse_popup(raw, "layers/x.yaml")
    assert "layers/x.yaml" in str(err.value) and "style.popup" in str(err.value)


def test_popup_field_label_in_english_falls_back_to_swedish():
    assert PopupField("a", label="Etikett").label_in("en") == "Etikett"
    assert PopupField("a", label="Etikett", label_en="Label").label_in("en") == "Label"
