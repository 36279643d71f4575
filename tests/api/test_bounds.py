"""Bounds over the API (CONTRACT §11): dates, text, JSON, amounts, currencies.

Each refusal is a 400 (the serializer) or a 422 (the service), a problem
naming the field, and nothing is left behind: no case, no customer.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.actors import Actor
from complaints.models import Case, OfferLimit
from customers.models import Customer
from customers.services import customer_set_consent
from followups.models import FollowUp
from tests.api.conftest import complaint_body

pytestmark = pytest.mark.django_db

FAR_DATES = [
    "9999-12-31T23:30:00Z",
    "9999-12-31T23:30:00-14:00",  # stored as year 10000 before the bounds held
    "2201-01-01T00:00:00Z",
    "1899-12-31T23:59:00Z",
    "1900-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00+12:00",
]


def post_raw(client, url: str, body: str):
    return client.post(url, data=body, content_type="application/json")


def file_raw(client, body: dict):
    # json.dumps keeps lone surrogates as \ud800 escapes, as a client would send.
    return post_raw(client, "/api/v1/complaints/", json.dumps(body))


def assert_problem(response, status: int, field: str | None = None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    if field is not None:
        assert field in json.dumps(response.json().get("errors", {}))


@pytest.mark.parametrize("when", FAR_DATES)
def test_a_filing_that_happened_outside_1900_to_2200_is_refused(service, when):
    response = file_raw(service, complaint_body(occurred_at=when))

    assert_problem(response, 400, "occurred_at")
    assert not Case.objects.exists()


@pytest.mark.parametrize("when", ["1900-01-01T00:00:00Z", "2200-12-31T23:00:00Z"])
def test_the_edges_of_the_date_range_are_accepted(service, when):
    response = file_raw(service, complaint_body(occurred_at=when))

    assert response.status_code == 201


@pytest.mark.parametrize("when", FAR_DATES)
def test_a_follow_up_due_outside_the_range_is_refused(api_as, agent, make_case, when):
    case = make_case("resolved", assignee=agent)
    customer_set_consent(customer=case.customer, consent=True, by=Actor.system("tests"))

    response = api_as(agent).post(
        f"/api/v1/complaints/{case.reference}/followups/",
        {"due_at": when, "channel": "phone"},
        format="json",
    )

    assert_problem(response, 400, "due_at")
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("name", ["created_after", "created_before"])
@pytest.mark.parametrize("when", ["9999-12-31T23:30:00-14:00", "1800-01-01T00:00:00Z"])
def test_a_list_filter_outside_the_range_is_400(service, name, when):
    response = service.get("/api/v1/complaints/", {name: when})

    assert_problem(response, 400, name)


@pytest.mark.parametrize(
    "metadata",
    [
        {"order": "SO-\u0000-1"},
        {"SO-\u0000": "order"},
        {"order": "\ud800"},
        {"\udfff": 1},
        {"nested": [{"deeper": "\u0000"}]},
        {f"k{n}": n for n in range(201)},
        {"big": "x" * 17_000},
    ],
)
def test_metadata_the_database_cannot_hold_is_400_and_leaves_no_customer(
    service, metadata
):
    response = file_raw(service, complaint_body(metadata=metadata))

    assert_problem(response, 400, "metadata")
    assert not Case.objects.exists()
    assert not Customer.objects.exists()


@pytest.mark.parametrize("depth", [33, 100, 5_000, 100_000])
def test_json_nested_deeper_than_32_is_400(service, depth):
    nested = "[" * depth + "]" * depth
    body = json.dumps(complaint_body())[:-1] + f', "metadata": {{"x": {nested}}}}}'

    response = post_raw(service, "/api/v1/complaints/", body)

    assert_problem(response, 400)
    assert not Customer.objects.exists()


def test_metadata_nested_32_deep_is_accepted(service):
    metadata: dict = {}
    inner = metadata
    for _ in range(29):  # the body, metadata and 29 more objects: 31 levels
        inner["x"] = {}
        inner = inner["x"]

    assert file_raw(service, complaint_body(metadata=metadata)).status_code == 201


def test_a_filing_refused_by_the_service_leaves_no_customer(service, monkeypatch):
    from complaints import services
    from complaints.exceptions import InvalidInput

    def refuse(**kwargs):
        raise InvalidInput("subject", "refused")

    monkeypatch.setattr(services, "case_file", refuse)
    monkeypatch.setattr("api.services.case_file", refuse)

    response = file_raw(service, complaint_body())

    assert_problem(response, 422, "subject")
    assert not Customer.objects.exists()


@pytest.mark.parametrize("q", ["\u0000", "a\u0000b"])
def test_a_search_with_a_nul_is_400(service, q):
    assert_problem(service.get("/api/v1/complaints/", {"q": q}), 400, "q")


@pytest.mark.parametrize(
    "field",
    ["subject", "description", "desired_outcome"],
)
@pytest.mark.parametrize("value", ["a\u0000b", "a\ud800b", "x" * 20_001])
def test_unstorable_text_in_a_filing_is_400(service, field, value):
    assert_problem(file_raw(service, complaint_body(**{field: value})), 400, field)
    assert not Customer.objects.exists()


def test_a_ten_thousand_character_name_is_400_not_a_database_error(service):
    body = complaint_body(customer={"email": "a@example.com", "name": "x" * 10_000})

    assert_problem(file_raw(service, body), 400, "name")


# --- offers ---------------------------------------------------------------


def make_offer(client, case, **body):
    return client.post(
        f"/api/v1/complaints/{case.reference}/offers/", body, format="json"
    )


@pytest.mark.parametrize("currency", ["XYZ", "ABC", "QQQ", "EURO", "eur"])
def test_a_currency_not_in_the_list_is_400(api_as, agent, make_case, currency):
    case = make_case("resolving")

    response = make_offer(
        api_as(agent), case, kind="refund", amount="10", currency=currency
    )

    assert_problem(response, 400, "currency")
    assert not case.offers.exists()


def test_the_currencies_setting_and_offer_limits_make_the_list(
    api_as, agent, make_case, settings
):
    settings.CURRENCIES = ["CHF"]
    OfferLimit.objects.create(kind="refund", currency="JPY", max_amount=1000)
    case = make_case("resolving")
    client = api_as(agent)

    for code, status in (("CHF", 201), ("JPY", 201), ("GBP", 400)):
        response = make_offer(client, case, kind="credit", amount="5", currency=code)
        assert response.status_code == status, code


@pytest.mark.parametrize("kind", ["apology_only", "replacement", "redo"])
def test_a_moneyless_offer_with_an_amount_is_refused(api_as, agent, make_case, kind):
    case = make_case("resolving")

    response = make_offer(api_as(agent), case, kind=kind, amount="50", currency="GBP")

    assert_problem(response, 422, "amount")
    assert not case.offers.exists()


def test_a_currency_without_an_amount_is_refused(api_as, agent, make_case):
    case = make_case("resolving")

    response = make_offer(api_as(agent), case, kind="apology_only", currency="GBP")

    assert_problem(response, 422, "currency")


def test_a_goodwill_gesture_may_carry_money(api_as, agent, make_case):
    case = make_case("resolving")

    response = make_offer(
        api_as(agent), case, kind="goodwill_gesture", amount="20", currency="GBP"
    )

    assert response.status_code == 201
    assert response.json()["amount"] == "20.00"


@pytest.mark.parametrize(
    "amount",
    ["-5", "0", "1000000000000", "1e12", "99999999999999999999", "0.001", "NaN"],
)
def test_amounts_out_of_bounds_are_400(api_as, agent, make_case, amount):
    case = make_case("resolving")

    response = make_offer(
        api_as(agent), case, kind="refund", amount=amount, currency="GBP"
    )

    assert_problem(response, 400, "amount")


def test_a_far_future_follow_up_never_reaches_the_dashboards(
    api_as, agent, manager, make_case
):
    case = make_case("resolved", assignee=agent)
    customer_set_consent(customer=case.customer, consent=True, by=Actor.system("tests"))
    api_as(agent).post(
        f"/api/v1/complaints/{case.reference}/followups/",
        {"due_at": "9999-12-31T23:30:00Z", "channel": "phone"},
        format="json",
    )

    summary = api_as(manager).get("/api/v1/metrics/summary/")
    detail = api_as(agent).get(f"/api/v1/complaints/{case.reference}/")

    assert summary.status_code == 200
    assert detail.status_code == 200


def test_a_soon_follow_up_is_still_accepted(api_as, agent, make_case):
    case = make_case("resolved", assignee=agent)
    customer_set_consent(customer=case.customer, consent=True, by=Actor.system("tests"))

    response = api_as(agent).post(
        f"/api/v1/complaints/{case.reference}/followups/",
        {
            "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
            "channel": "phone",
        },
        format="json",
    )

    assert response.status_code == 201


def test_a_nul_in_the_idempotency_key_or_the_api_key_is_a_4xx(service, key_for):
    from tests.api.conftest import client_with

    keyed = service.post(
        "/api/v1/complaints/",
        complaint_body(),
        format="json",
        HTTP_IDEMPOTENCY_KEY="key\x00",
    )
    nul_key = client_with("abc\x00.def").get("/api/v1/complaints/")

    assert_problem(keyed, 422)
    assert_problem(nul_key, 401)
