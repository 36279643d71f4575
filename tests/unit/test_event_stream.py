"""The one stream of domain events: enumerated kinds, published after commit.

Every state change records an `EventKind` (a scan of the source proves no call
site passes a free string), and `complaints.events` hands committed events to
subscribers — never those of a rolled-back change.
"""

import ast
from pathlib import Path

import pytest
from django.db import transaction

from complaints import events as stream
from complaints.actors import Actor
from complaints.models import Event, EventKind
from complaints.services import case_escalate
from complaints.timeline import record_event, record_events
from web.templatetags.redress_web import event_text

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "tests", "migrations", "var", "node_modules", "static"}


def _sources():
    for path in ROOT.rglob("*.py"):
        if not SKIP_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def _is_kind(node: ast.AST, params: dict[str, str]) -> bool:
    """`EventKind.MEMBER`, a parameter annotated `EventKind`, or a choice
    (`a if c else b`) between two of those."""
    if isinstance(node, ast.IfExp):
        return _is_kind(node.body, params) and _is_kind(node.orelse, params)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "EventKind" and node.attr in EventKind.names
    if isinstance(node, ast.Name):
        return params.get(node.id) == "EventKind"
    return False


class _KindSites(ast.NodeVisitor):
    """Collect (call, kind expression, enclosing function's annotations)."""

    def __init__(self) -> None:
        self.params: list[dict[str, str]] = [{}]
        self.sites: list[tuple[ast.Call, ast.AST, dict[str, str]]] = []

    def visit_FunctionDef(self, node) -> None:
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        self.params.append(
            {a.arg: a.annotation.id for a in args if isinstance(a.annotation, ast.Name)}
        )
        self.generic_visit(node)
        self.params.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, call: ast.Call) -> None:
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
        kind = None
        if name == "record_event" and len(call.args) >= 2:
            kind = call.args[1]
        elif name == "_move" and len(call.args) >= 5:
            kind = call.args[4]
        elif (
            name == "append"
            and getattr(call.func.value, "attr", None) == "events"
            and call.args
            and isinstance(call.args[0], ast.Tuple)
        ):
            kind = call.args[0].elts[1]
        if kind is not None:
            self.sites.append((call, kind, self.params[-1]))
        self.generic_visit(call)


def _kind_arguments(tree: ast.AST):
    """Yield (call, kind expression, annotated params) of every place a kind goes."""
    visitor = _KindSites()
    visitor.visit(tree)
    yield from visitor.sites


def test_every_call_site_records_an_enumerated_kind():
    checked, bad = 0, []
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for call, kind, params in _kind_arguments(tree):
            checked += 1
            if not _is_kind(kind, params):
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                bad.append(f"{where}: {ast.unparse(kind)}")
    assert not bad, "kinds must be EventKind members:\n" + "\n".join(bad)
    assert checked >= 20  # the scan really found the call sites


def test_every_kind_recorded_in_the_code_is_worded_on_the_timeline():
    for kind in EventKind:
        text = event_text(Event(kind=kind, data={}))
        assert text and "_" not in text, kind


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["stage_changed", "made_up", 3])
def test_a_kind_that_is_not_an_event_kind_is_refused(make_case, kind):
    case = make_case("new")
    with pytest.raises(TypeError):
        record_event(case, kind, by=Actor.system("test"))
    with pytest.raises(TypeError):
        record_events([(case, kind, {})], by=Actor.system("test"))
    assert list(case.events.values_list("kind", flat=True)) == ["case_filed"]


def test_subscribing_to_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        stream.subscribe("stage_change", lambda events: None)


@pytest.fixture
def received():
    """Subscribe a recorder to every kind and to escalations; unsubscribe after."""
    got: dict[str, list] = {"all": [], "escalated": []}

    def everything(events):
        got["all"].append([e.kind for e in events])

    def escalations(events):
        got["escalated"].extend(e.after for e in events)

    stream.subscribe(stream.ALL, everything)
    stream.subscribe(EventKind.ESCALATED, escalations)
    yield got
    stream.unsubscribe(stream.ALL, everything)
    stream.unsubscribe(EventKind.ESCALATED, escalations)


@pytest.mark.django_db
def test_events_are_published_after_commit_and_only_then(
    make_case, manager, received, django_capture_on_commit_callbacks
):
    case = make_case("new")
    with django_capture_on_commit_callbacks(execute=True):
        case_escalate(case=case, level=1, by=manager, reason="loud")
        assert received["escalated"] == []  # not before the commit
    assert received["escalated"] == [1]
    assert ["escalated"] in received["all"]


@pytest.mark.django_db
def test_a_rolled_back_change_publishes_nothing(
    make_case, manager, received, django_capture_on_commit_callbacks
):
    case = make_case("new")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                case_escalate(case=case, level=2, by=manager, reason="x")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert received == {"all": [], "escalated": []}


@pytest.mark.django_db
def test_a_failing_subscriber_stops_neither_the_others_nor_the_caller(
    make_case, manager, received, django_capture_on_commit_callbacks
):
    def broken(events):
        raise RuntimeError("subscriber bug")

    stream.subscribe(EventKind.ESCALATED, broken)
    try:
        case = make_case("new")
        with django_capture_on_commit_callbacks(execute=True):
            case_escalate(case=case, level=1, by=manager, reason="loud")
    finally:
        stream.unsubscribe(EventKind.ESCALATED, broken)
    assert received["escalated"] == [1]


@pytest.mark.django_db
def test_a_batch_is_published_once(
    make_case, received, django_capture_on_commit_callbacks
):
    first, second = make_case("new"), make_case("new")
    with django_capture_on_commit_callbacks(execute=True):
        record_events(
            [
                (first, EventKind.SLA_WARNING, {}),
                (second, EventKind.SLA_WARNING, {}),
            ],
            by=Actor.system("test"),
        )
    assert received["all"] == [["sla_warning", "sla_warning"]]
