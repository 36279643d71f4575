"""One path for state changes (STYLE.md): only `complaints/lifecycle/` moves a
case's stage or an offer's status.

The scan reads every Python file of the project except tests, migrations and
benchmarks (which bulk-load rows by design) and looks for writes of `stage`
or `status`. Other status fields have their own single writer, listed in
ALLOWED_STATUS_WRITERS: follow-ups in `followups/services.py`, the
notification outbox in `notifications/services.py`, the webhook outbox in
`webhooks/delivery.py`, problems in `service_recovery/problems.py`.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from complaints.exceptions import DomainError
from complaints.services import EDITABLE, case_update

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "tests", "migrations", "bench", "var", "node_modules", ".git"}
LIFECYCLE = Path("complaints/lifecycle")
# file → names of the objects whose `.status` that file may assign.
ALLOWED_STATUS_WRITERS = {
    "followups/services.py": {"followup"},
    "notifications/services.py": {"row"},
    "webhooks/delivery.py": {"delivery"},
    "service_recovery/problems.py": {"problem"},
}

STAGE_WRITES = [
    re.compile(r"\.stage\s*=(?!=)"),
    re.compile(r"setattr\([^,]+,\s*[\"']stage[\"']"),
    re.compile(r"\.update\([^)]*\bstage\s*=", re.S),
]
STATUS_ASSIGN = re.compile(r"\b(\w+)\.status\s*=(?!=)")
OFFER_STATUS_WRITES = [
    re.compile(r"setattr\([^,]+,\s*[\"']status[\"']"),
    re.compile(r"Offer\.objects[^;]*?\.update\([^)]*\bstatus\s*=", re.S),
    re.compile(r"offers\.[^;\n]*update\([^)]*\bstatus\s*=", re.S),
]


def project_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS & set(relative.parts[:-1]):
            continue
        if relative.is_relative_to(LIFECYCLE):
            continue
        files.append(relative)
    return sorted(files)


def violations(relative: str, source: str) -> list[str]:
    """Describe every stage or status write in `source` that is not allowed."""
    found = []
    for pattern in STAGE_WRITES + OFFER_STATUS_WRITES:
        found += [match.group(0) for match in pattern.finditer(source)]
    allowed = ALLOWED_STATUS_WRITERS.get(relative, set())
    for match in STATUS_ASSIGN.finditer(source):
        if match.group(1) not in allowed:
            found.append(match.group(0))
    return [f"{relative}: {text.strip()}" for text in found]


def test_nothing_outside_the_lifecycle_writes_a_stage_or_an_offer_status():
    files = project_files()
    assert Path("complaints/services.py") in files  # the scan does see the code

    found = []
    for relative in files:
        found += violations(str(relative), (ROOT / relative).read_text())

    assert found == []


@pytest.mark.parametrize(
    "line",
    [
        "case.stage = Stage.CLOSED",
        "self.case.stage='resolved'",
        "setattr(case, 'stage', to)",
        'Case.objects.filter(pk=pk).update(\n    stage="closed")',
        "offer.status = OfferStatus.ACCEPTED",
        "o.status = 'fulfilled'",
        "Offer.objects.filter(case=case).update(status='withdrawn')",
        "case.offers.filter(status='proposed').update(status='withdrawn')",
        'setattr(offer, "status", "accepted")',
    ],
)
def test_the_scan_catches_each_way_of_writing_state(line):
    assert violations("web/views.py", line)


@pytest.mark.parametrize(
    "line",
    [
        "if case.stage == Stage.CLOSED:",
        "cases.filter(stage=Stage.NEW)",
        "stage = case.stage",
        "followup.status = FollowUpStatus.DONE",
    ],
)
def test_the_scan_lets_reads_and_allowed_writers_pass(line):
    assert not violations("followups/services.py", line)


def test_a_case_edit_cannot_carry_a_stage(make_case, agent):
    case = make_case("new")
    assert "stage" not in EDITABLE

    with pytest.raises(DomainError) as caught:
        case_update(case=case, by=agent, stage="closed")

    assert caught.value.missing == ["stage"]
    case.refresh_from_db()
    assert case.stage == "new"
