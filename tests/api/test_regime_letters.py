"""Letters (CONTRACT §15): required contents per regime, immutability, sending."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Event
from notifications.models import Outbox
from regimes.letters import letter_render
from regimes.models import Letter, RegimeRoute, StatutoryDeadline
from regimes.selectors import regime_version
from tests.api.conftest import complaint_body

pytestmark = pytest.mark.django_db

CONTEXT = {
    "customer_name": "Ada",
    "reference": "C-2026-000001",
    "firm": "Redress",
    "today": "1 December 2026",
    "received": "1 December 2026",
    "final_due": "26 January 2027",
    "outcome_label": "upheld",
    "resolution": "We refunded the fee.",
    "referral_window_ends": "1 June 2027",
}
OUTCOME_KIND = "final_response"


def file_under(client, settings, code: str) -> str:
    settings.DEFAULT_REGIME = code
    response = client.post("/api/v1/complaints/", complaint_body(), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["regime"] == code
    return response.json()["reference"]


def url(reference: str) -> str:
    return f"/api/v1/complaints/{reference}/letters/"


def requirements():
    """(regime, kind, code, phrases) for every phrase requirement shipped."""
    cases = []
    for code in ("fca", "fca_payments", "asic", "cfpb"):
        regime = regime_version(code=code)
        for kind, spec in regime.letters.items():
            for rule in spec["required"]:
                cases.append((code, kind, rule["code"]))
    return cases


def without(text: str, phrases: list[str]) -> str:
    for phrase in phrases:
        text = re.sub(re.escape(phrase), "", text, flags=re.IGNORECASE)
    return text


@pytest.fixture
def staff_api(api_as, manager):
    return api_as(manager)


def test_each_shipped_regime_requires_contents():
    codes = set(requirements())
    for needed in (
        "outcome",
        "ombudsman_referral_right",
        "ombudsman_time_limit",
        "ombudsman_contact",
    ):
        assert ("fca", "final_response", needed) in codes
    assert ("fca", "summary_resolution", "ombudsman_referral_right") in codes
    assert ("fca", "summary_resolution", "ombudsman_contact") in codes
    assert ("asic", "final_response", "afca_referral_right") in codes
    assert ("asic", "final_response", "afca_contact") in codes


@pytest.mark.parametrize(
    ("code", "kind", "requirement"),
    [
        ("fca", "final_response", "outcome"),
        ("fca", "final_response", "ombudsman_referral_right"),
        ("fca", "final_response", "ombudsman_time_limit"),
        ("fca", "final_response", "ombudsman_contact"),
        ("fca", "final_response", "ombudsman_leaflet"),
        ("fca", "final_response", "time_limit_waiver"),
        ("fca", "summary_resolution", "ombudsman_referral_right"),
        ("fca", "summary_resolution", "ombudsman_contact"),
        ("fca", "holding", "delay_reasons"),
        ("fca", "holding", "expected_date"),
        ("fca", "holding", "ombudsman_referral_right"),
        ("fca", "holding", "ombudsman_contact"),
        ("fca", "acknowledgement", "final_response_timing"),
        ("fca_payments", "acknowledgement", "final_response_timing"),
        ("fca_payments", "holding", "expected_date"),
        ("fca_payments", "final_response", "ombudsman_time_limit"),
        ("asic", "final_response", "outcome"),
        ("asic", "final_response", "afca_referral_right"),
        ("asic", "final_response", "afca_contact"),
        ("asic", "holding", "delay_reasons"),
        ("asic", "holding", "afca_referral_right"),
        ("asic", "holding", "afca_contact"),
        ("cfpb", "final_response", "outcome"),
        ("cfpb", "final_response", "steps_taken"),
        ("cfpb", "holding", "steps_taken"),
    ],
)
def test_a_letter_lacking_one_content_is_refused_then_accepted_complete(
    service, staff_api, settings, code, kind, requirement
):
    reference = file_under(service, settings, code)
    spec = regime_version(code=code).letters[kind]
    complete = letter_render(spec["template"], CONTEXT)
    rule = next(r for r in spec["required"] if r["code"] == requirement)
    outcome = "upheld" if kind == OUTCOME_KIND else None
    if rule.get("field") == "outcome":
        payload = {"kind": kind, "body": complete}
    else:
        payload = {"kind": kind, "body": without(complete, rule["any"])}
        if outcome:
            payload["outcome"] = outcome
    refused = staff_api.post(url(reference), payload, format="json")
    assert refused.status_code == 422, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["missing"] == [requirement]
    assert not Letter.objects.exists()

    accepted = {"kind": kind, "body": complete}
    if outcome:
        accepted["outcome"] = outcome
    response = staff_api.post(url(reference), accepted, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["body"] == complete


def test_without_body_the_template_is_rendered_kept_hashed_and_emailed(
    service, staff_api, settings
):
    reference = file_under(service, settings, "fca")
    response = staff_api.post(
        url(reference), {"kind": "final_response", "outcome": "upheld"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    letter = Letter.objects.get(pk=body["id"])
    assert "financial-ombudsman.org.uk" in letter.body
    assert "Ada Lovelace" in letter.body
    assert letter.sha256 == hashlib.sha256(letter.body.encode()).hexdigest()
    assert bytes(letter.pdf).startswith(b"%PDF")
    assert letter.pdf_sha256 == hashlib.sha256(bytes(letter.pdf)).hexdigest()
    mail = Outbox.objects.get(key=f"letter:{letter.pk}")
    assert mail.to == "ada@example.com"
    assert letter.body in mail.body
    assert Event.objects.filter(case=letter.case, kind="letter_sent").count() == 1
    # The final clock is met; the case shows the outcome and the referral window.
    final = StatutoryDeadline.objects.get(case=letter.case, kind="final_response")
    assert final.met_at is not None and final.next_check_at is None
    case = staff_api.get(f"/api/v1/complaints/{reference}/").json()
    assert case["outcome"] == "upheld"
    assert case["referral_window_ends"] is not None
    ends = letter.referral_window_ends.astimezone(timezone.get_current_timezone())
    sent = letter.sent_at
    assert timedelta(days=180) < ends - sent < timedelta(days=185)
    clocks = {c["kind"]: c for c in case["statutory_deadlines"]}
    assert clocks["final_response"]["met_at"] is not None
    assert clocks["final_response"]["breached"] is False
    listed = staff_api.get(url(reference)).json()
    assert [row["id"] for row in listed] == [letter.pk]


def test_a_sent_letter_never_changes(service, staff_api, settings):
    reference = file_under(service, settings, "fca")
    staff_api.post(url(reference), {"kind": "acknowledgement"}, format="json")
    letter = Letter.objects.get()
    letter.body = "Something else"
    with pytest.raises(ValueError, match="never changes"):
        letter.save()
    with pytest.raises(ValueError, match="never changes"):
        Letter.objects.filter(pk=letter.pk).update(body="x")
    with pytest.raises(ValueError, match="never changes"):
        letter.delete()
    assert Letter.objects.get().body != "Something else"


def test_summary_resolution_is_refused_once_its_window_closed(
    service, staff_api, settings
):
    reference = file_under(service, settings, "fca")
    window = StatutoryDeadline.objects.get(
        case__reference=reference, kind="summary_resolution"
    )
    StatutoryDeadline.objects.filter(pk=window.pk).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    response = staff_api.post(
        url(reference), {"kind": "summary_resolution"}, format="json"
    )
    assert response.status_code == 409
    assert not Letter.objects.exists()


def test_a_summary_resolution_in_time_meets_the_final_clock(
    service, staff_api, settings
):
    reference = file_under(service, settings, "fca")
    response = staff_api.post(
        url(reference), {"kind": "summary_resolution"}, format="json"
    )
    assert response.status_code == 201, response.content
    met = StatutoryDeadline.objects.filter(case__reference=reference).values_list(
        "kind", "met_by"
    )
    assert dict(met) == {
        "summary_resolution": "summary_resolution",
        "final_response": "summary_resolution",
    }


def test_a_timely_holding_reply_extends_the_payments_clock(
    service, staff_api, settings
):
    reference = file_under(service, settings, "fca_payments")
    clock = StatutoryDeadline.objects.get(case__reference=reference)
    before = clock.due_at
    response = staff_api.post(url(reference), {"kind": "holding"}, format="json")
    assert response.status_code == 201, response.content
    clock.refresh_from_db()
    assert clock.met_at is None
    # 20 more business days: at least four weeks later.
    assert clock.due_at - before >= timedelta(days=28)


def test_a_regime_without_the_letter_refuses_it(service, staff_api, settings):
    reference = file_under(service, settings, "asic")
    response = staff_api.post(
        url(reference), {"kind": "summary_resolution"}, format="json"
    )
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "nonsense"},
        {"kind": "final_response", "outcome": "maybe"},
        {"kind": "holding", "body": "a\x00b"},
        {"kind": "holding", "body": "x" * 20_001},
        '{"kind": "holding", "body": "lone \\ud800 surrogate"}',
        ["not", "an", "object"],
    ],
)
def test_bad_letter_input_is_a_4xx_never_a_500(service, staff_api, settings, payload):
    reference = file_under(service, settings, "fca")
    if isinstance(payload, str):  # raw JSON the test client could not encode
        response = staff_api.post(
            url(reference), payload, content_type="application/json"
        )
    else:
        response = staff_api.post(url(reference), payload, format="json")
    assert response.status_code in (400, 422)
    assert not Letter.objects.exists()


def test_a_category_routes_the_regime_before_the_team(
    service, settings, team, other_team
):
    from complaints.models import Category

    category = Category.objects.create(name="Cards", slug="cards", default_team=team)
    RegimeRoute.objects.create(category=category, regime="fca_payments")
    RegimeRoute.objects.create(team=team, regime="asic")
    settings.DEFAULT_REGIME = "cfpb"
    post = service.post
    by_category = post(
        "/api/v1/complaints/", complaint_body(category="cards"), format="json"
    ).json()
    assert by_category["regime"] == "fca_payments"
    category.regime_route.delete()
    by_team = post(
        "/api/v1/complaints/", complaint_body(category="cards"), format="json"
    ).json()
    assert by_team["regime"] == "asic"
    by_default = post("/api/v1/complaints/", complaint_body(), format="json").json()
    assert by_default["regime"] == "cfpb"


class TestWhoMaySee:
    def test_another_service_client_gets_404(self, service, api_as, settings):
        reference = file_under(service, settings, "fca")
        stranger = api_as(scopes=["complaints:read", "cases:manage"])
        assert stranger.get(url(reference)).status_code == 404
        sent = stranger.post(url(reference), {"kind": "acknowledgement"}, format="json")
        assert sent.status_code == 404
        assert not Letter.objects.exists()

    def test_the_filing_client_reads_its_letters(self, service, staff_api, settings):
        reference = file_under(service, settings, "fca")
        staff_api.post(url(reference), {"kind": "acknowledgement"}, format="json")
        assert len(service.get(url(reference)).json()) == 1

    def test_reading_needs_no_manage_scope_but_sending_does(self, api_as, settings):
        reader = api_as(scopes=["complaints:write", "complaints:read"])
        reference = file_under(reader, settings, "fca")
        assert reader.get(url(reference)).status_code == 200
        sent = reader.post(url(reference), {"kind": "acknowledgement"}, format="json")
        assert sent.status_code == 403

    def test_an_agent_of_another_team_gets_404(
        self, service, api_as, settings, other_team
    ):
        from tests.factories import StaffFactory

        reference = file_under(service, settings, "fca")
        outsider = api_as(StaffFactory(role="agent", teams=[other_team]))
        assert outsider.get(url(reference)).status_code == 404
