"""A public bundle's map that lost restricted layers says so and no longer names them in its title."""

from pathlib import Path
from types import SimpleNamespace

from jokkgeo.config.recipes import Recipe
from jokkgeo.report.runners import public_title


def _spec(title, theme="reindeer_herding"):
    return SimpleNamespace(label=lambda lang: title, theme=theme)


def _recipe(**kw):
    return Recipe(id="r", title=kw.pop("title"), path=Path("maps/r.yaml"), **kw)


def test_title_naming_the_left_out_theme_becomes_neutral_and_the_map_says_why():
    recipe = _recipe(title="Kallak – konflikter med rennäringen", description="Zoner mot samebyarnas land")
    title, note = public_title(recipe, [_spec("Samebyar i Jokkmokks kommun")], "sv")
    assert "renn" not in title.lower() and title == "Karta (publik version)"
    assert note == "Publik version: känsliga lager har tagits bort från kartan."  # description named samebyar


def test_recipe_public_title_wins_and_unrelated_titles_stay():
    recipe = _recipe(title="Kallak – konflikter med rennäringen", title_public="Kallak (publik)",
                     title_public_en="Kallak (public)", description="Vägar och gruvor")
    assert public_title(recipe, [_spec("Kalvningsland")], "en")[0] == "Kallak (public)"
    title, note = public_title(_recipe(title="Vägar och gruvor", description="Vägnät"), [_spec("Kalvningsland")], "sv")
    assert title == "Vägar och gruvor" and note.endswith("kartan. Vägnät")
