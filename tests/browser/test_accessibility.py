"""axe-core in Chromium: no serious or critical violation on the inbox, the
case page and the dashboard at 1280 and 390 px, and nothing wider than a
390 px viewport. axe-core comes from the npm registry (`make axe`)."""

import os
import subprocess
from pathlib import Path

import pytest

from complaints.models import Case
from dashboards.facts import facts_refresh
from tests.factories import StaffFactory
from tests.unit.test_metrics_dataset import build_march

from .conftest import NARROW, WIDE

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "var" / "npm" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        fetched = subprocess.run(
            ["make", "-s", "axe"], cwd=ROOT, capture_output=True, text=True
        )
        if fetched.returncode != 0 or not AXE.exists():
            why = f"`make axe` could not fetch axe-core: {fetched.stderr[-500:]}"
            if os.environ.get("REQUIRE_BROWSER") == "1":
                pytest.fail(why)
            pytest.skip(why)
    return AXE.read_text()


@pytest.fixture
def march_data(transactional_db, team, other_team, agent, lead):
    other_agent = StaffFactory(role="agent", teams=[other_team])
    data = build_march(
        team=team,
        other_team=other_team,
        agent=agent,
        lead=lead,
        other_agent=other_agent,
    )
    facts_refresh()
    return data


def blocking_violations(page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)  # through DevTools: the page's CSP does not apply
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def test_the_agents_pages_pass_axe_and_fit_a_phone(
    open_as, march_data, manager, axe_source
):
    case = Case.objects.exclude(stage="closed").order_by("pk").first()
    page = open_as(manager)
    pages = {
        "inbox": "/?queue=all",
        "case page": case.get_absolute_url(),
        "dashboard": "/dashboard/?from=2026-03-01&to=2026-03-31",
    }
    found = []
    for name, url in pages.items():
        for viewport in (WIDE, NARROW):
            page.set_viewport_size(viewport)
            page.goto(url)
            page.wait_for_load_state("load")
            width = viewport["width"]
            found += [
                f"{name} @{width}: {v}" for v in blocking_violations(page, axe_source)
            ]
            if viewport is NARROW:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    found.append(f"{name} @{width}: {scroll} px wide")
    assert found == [], "\n".join(found)
