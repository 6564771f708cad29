"""Reusable click options, so every command spells them the same way."""

from __future__ import annotations

from pathlib import Path

import click

from jokkgeo.settings import Settings, default_project_root

catalog_option = click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of layer specs (default: layers/ of the project).",
)
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace existing outputs.")
allow_outside_option = click.option(
    "--allow-outside", is_flag=True, help="Let config files reference data outside the project folder."
)
language_option = click.option(
    "--lang", "language", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
    help="Language of titles, legends and report text.",
)


def make_settings(catalog_dir: Path | None, *, overwrite: bool = False, allow_outside: bool = False,
                  language: str = "sv") -> tuple[Settings, Path]:
    """Settings plus the catalogue folder; the project root is the catalogue's parent."""
    if catalog_dir is None:
        root = default_project_root()
        catalog_dir = root / "layers"
    else:
        root = catalog_dir.resolve().parent
    settings = Settings(project_root=root, overwrite=overwrite, allow_outside=allow_outside, language=language)
    return settings, catalog_dir
