"""One path for state changes (STYLE.md): only `complaints/lifecycle/` moves a
case's stage or an offer's status.

The check reads the syntax tree of every Python file of the project except
tests, migrations and benchmarks (which bulk-load rows by design), so a write
is found however it is spelled or laid out, and a comment, a string or a read
is never mistaken for one. It reports:

- an assignment to `<anything>.stage` (plain, augmented or annotated, also
  inside a tuple target), `setattr(x, "stage", …)`, and `stage=` given to a
  queryset `.update()`/`.create()`/`.get_or_create()`/`.update_or_create()`
  or to the `Case(...)` constructor;
- an assignment to `<name>.status` or `setattr(x, "status", …)`, unless the
  file is the one writer of that other status (ALLOWED_STATUS_WRITERS: the
  follow-ups, the notification outbox, the webhook outbox, problems, letter
  approvals);
- `status=` given to a queryset `.update()` whose chain starts at a model the
  file may not write the status of (ALLOWED_STATUS_UPDATES), which always
  includes `Offer` and a case's `offers`.
"""

import ast
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
    "regimes/approvals.py": {"approval"},
    "regimes/sending.py": {"approval"},
}
# file → models whose status that file may set with a queryset `.update()`.
ALLOWED_STATUS_UPDATES = {
    "followups/services.py": {"FollowUp"},
    "notifications/services.py": {"Outbox"},
    "webhooks/delivery.py": {"WebhookSubscription", "WebhookDelivery"},
    "webhooks/services.py": {"WebhookDelivery", "WebhookSubscription"},
    "regimes/approvals.py": {"LetterApproval"},
}
# file → owners whose `.stage` is not a case's (an exception naming a refused move).
ALLOWED_STAGE_OWNERS = {"complaints/exceptions.py": {"self"}}
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create"}


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


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        found = []
        for target in node.targets:
            found += _flatten(target)
        return found
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return _flatten(node.target)
    return []


def _flatten(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        return [t for element in target.elts for t in _flatten(element)]
    return [target]


def _chain_names(node: ast.expr) -> set[str]:
    """Every name and attribute along a call chain: `Offer.objects.filter(…)`."""
    names = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            if isinstance(node, ast.Name):
                names.add(node.id)
            return names


def _owner(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def violations(relative: str, source: str) -> list[str]:
    """Describe every stage or status write in `source` that is not allowed."""
    allowed_names = ALLOWED_STATUS_WRITERS.get(relative, set())
    allowed_models = ALLOWED_STATUS_UPDATES.get(relative, set())
    stage_owners = ALLOWED_STAGE_OWNERS.get(relative, set())
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in _targets(node):
            if not isinstance(target, ast.Attribute):
                continue
            owner = _owner(target.value)
            if (target.attr == "stage" and owner not in stage_owners) or (
                target.attr == "status" and owner not in allowed_names
            ):
                found.append(node)
        if isinstance(node, ast.Call) and _writes(node, allowed_names, allowed_models):
            found.append(node)
    return [f"{relative}:{n.lineno}: {ast.unparse(n).splitlines()[0]}" for n in found]


def _writes(call: ast.Call, allowed_names: set, allowed_models: set) -> bool:
    """Whether `call` writes a stage, or a status this file may not write."""
    func = call.func
    keywords = {k.arg for k in call.keywords}
    if isinstance(func, ast.Name) and func.id == "setattr" and len(call.args) > 1:
        field = call.args[1]
        name = field.value if isinstance(field, ast.Constant) else None
        return name == "stage" or (
            name == "status" and _owner(call.args[0]) not in allowed_names
        )
    if isinstance(func, ast.Name) and func.id == "Case":
        return "stage" in keywords
    if not isinstance(func, ast.Attribute) or func.attr not in WRITING_CALLS:
        return False
    if "stage" in keywords:
        return True
    if func.attr == "update" and "status" in keywords:
        chain = _chain_names(func.value)
        return bool({"Offer", "offers"} & chain) or not chain & allowed_models
    return False


def test_nothing_outside_the_lifecycle_writes_a_stage_or_an_offer_status():
    files = project_files()
    assert Path("complaints/services.py") in files  # the scan does see the code
    assert Path("complaints/lifecycle/stages.py") not in files

    found = []
    for relative in files:
        found += violations(str(relative), (ROOT / relative).read_text())

    assert found == []


def test_the_lifecycle_itself_is_where_the_writes_are():
    """The scan would catch the lifecycle's own writes: it is blind to nothing."""
    stages = (ROOT / LIFECYCLE / "stages.py").read_text()
    offers = (ROOT / LIFECYCLE / "offers.py").read_text()

    assert violations("web/views.py", stages)
    assert violations("web/views.py", offers)


@pytest.mark.parametrize(
    "code",
    [
        "case.stage = Stage.CLOSED",
        "self.case.stage='resolved'",
        "case.stage: str = 'closed'",
        "case.version, case.stage = 2, 'closed'",
        "setattr(case, 'stage', to)",
        'Case.objects.filter(pk=pk).update(\n    stage="closed")',
        "Case.objects.create(customer=c, stage='closed')",
        "Case(customer=c, stage='closed').save()",
        "offer.status = OfferStatus.ACCEPTED",
        "o.status = 'fulfilled'",
        "Offer.objects.filter(case=case).update(status='withdrawn')",
        "case.offers.filter(status='proposed').update(status='withdrawn')",
        'setattr(offer, "status", "accepted")',
        "FollowUp.objects.filter(pk=1).update(status='done')",
    ],
)
def test_the_scan_catches_each_way_of_writing_state(code):
    assert violations("web/views.py", code)


@pytest.mark.parametrize(
    "code",
    [
        "if case.stage == Stage.CLOSED:\n    pass",
        "cases.filter(stage=Stage.NEW)",
        "stage = case.stage",
        "# case.stage = 'closed'",
        "note = 'case.stage = closed'",
        "followup.status = FollowUpStatus.DONE",
        "FollowUp.objects.filter(pk__in=ids).update(status='cancelled')",
        "Case.objects.filter(stage='new').update(priority='high')",
    ],
)
def test_the_scan_lets_reads_and_allowed_writers_pass(code):
    assert not violations("followups/services.py", code)


def test_only_the_exception_may_name_a_stage_on_itself():
    assert not violations("complaints/exceptions.py", "self.stage = stage")
    assert violations("complaints/services.py", "self.stage = stage")


def test_an_allowed_writer_may_not_write_an_offer_status():
    code = "Offer.objects.filter(pk=1).update(status='withdrawn')"
    assert violations("followups/services.py", code)


VERSIONS = "complaints/versions.py"


def case_row_writes(source: str) -> list[int]:
    """Lines that lock a case row or bump a version by hand (not via VERSIONS)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        target = getattr(node, "target", None)
        if (
            isinstance(node, ast.AugAssign)
            and isinstance(target, ast.Attribute)
            and target.attr == "version"
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "select_for_update"
            and "Case" in _chain_names(node.func.value)
        ):
            lines.append(node.lineno)
    return lines


def test_cases_are_locked_and_versioned_by_one_helper_each():
    found = [
        f"{relative}:{line}"
        for relative in project_files() + sorted(LIFECYCLE.glob("*.py"))
        if str(relative) != VERSIONS
        for line in case_row_writes((ROOT / relative).read_text())
    ]

    assert found == []
    assert case_row_writes("case.version += 1")
    assert case_row_writes("Case.objects.select_for_update().get(pk=1)")


def test_a_case_edit_cannot_carry_a_stage(make_case, agent):
    case = make_case("new")
    assert "stage" not in EDITABLE

    with pytest.raises(DomainError) as caught:
        case_update(case=case, by=agent, stage="closed")

    assert caught.value.missing == ["stage"]
    case.refresh_from_db()
    assert case.stage == "new"
