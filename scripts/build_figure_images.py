"""Write the default study's print figures, at report-column width, as small PNGs for the docs.

    python scripts/build_figure_images.py            # -> docs/img/figure_<recipe id>.png

Each figure is laid out for its recipe's target width (160 mm) exactly as ``jokkgeo report``
lays it out, rendered at 100 dpi (about 630 px wide, enough to read on screen) and stored
with a 256-colour palette so the files stay small. The report itself writes 300 dpi PNGs.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DPI = 100


def main() -> None:
    from PIL import Image

    from jokkgeo.io.configs import read_catalogue, read_recipes
    from jokkgeo.render.compare import comparison_figure_of
    from jokkgeo.render.static import figure_bytes, static_figure
    from jokkgeo.report.runners import RECIPE_TYPES, RecipeContext, run_recipe
    from jokkgeo.settings import Settings
    from jokkgeo.study.store import LayerStore

    settings = Settings(project_root=ROOT)
    catalogue = read_catalogue(settings.catalog_dir, root=ROOT)
    store = LayerStore(catalogue, language="sv")
    ctx = RecipeContext(settings=settings, store=store)
    locator = store.layer("boundary") if "boundary" in catalogue else None
    out = ROOT / "docs" / "img"
    for recipe in read_recipes(ROOT / "maps", layer_ids=list(catalogue), known_types=RECIPE_TYPES):
        run = run_recipe(recipe, ctx)
        titles = next((o.parameters["pane_titles"] for _s, o in run.outputs if "pane_titles" in o.parameters), None)
        if titles is not None:
            fig, _ = comparison_figure_of(run.document, titles=titles, figure=recipe.figure, locator=locator, dpi=DPI)
        else:
            fig, _ = static_figure(run.document, figure=recipe.figure, locator=locator, dpi=DPI)
        img = Image.open(io.BytesIO(figure_bytes(fig, "png", dpi=DPI))).convert("RGB")
        path = out / f"figure_{recipe.id}.png"
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} kB")  # noqa: T201  (a script)


if __name__ == "__main__":
    main()
