"""Settlement popups on a travel-time map show the minutes to each site (issue 14)."""

import re

import yaml

from jokkgeo.report import build_report
from jokkgeo.settings import Settings


def test_settlement_popups_get_minutes_to_each_site(project_factory, tmp_path):
    root = project_factory("minutes")
    recipe = {"title": "Restid", "layers": ["settlements", "roads"], "extent": "study_area",
              "analyses": [{"type": "catchments", "sites": "investment_sites", "minutes": [30, 60],
                            "cell_m": 500, "buffer_m": 1000}],
              "figure": {"formats": ["png"], "dpi": 60}}
    for old in (root / "maps").glob("*.yaml"):
        old.unlink()
    (root / "maps" / "restid.yaml").write_text(yaml.safe_dump(recipe, allow_unicode=True), encoding="utf-8")
    build_report(tmp_path / "rep", settings=Settings(project_root=root), figures=False)
    page = (tmp_path / "rep" / "maps" / "restid.html").read_text(encoding="utf-8")
    assert "Restid till Kallak/Gállok" in page  # the popup row label, named by the site
    # every toy settlement (4, all near the roads) gets whole minutes as its last popup row
    rows = re.findall('"p":\\[[^\\]]*"(\\d+)\u00a0min"\\]', page)
    assert len(rows) == 4 and all(int(m) >= 0 for m in rows)
