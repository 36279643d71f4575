"""The answer to a filing is built without DRF's fields (`api.serializers.filed`);
it must be exactly what the case detail serializer says of the new case.

Each filing below is read back from the database through the serializer a
read of the case uses, and compared whole: a field the serializer gains, or
one the builder renders differently, fails here.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.selectors import api_case_detail
from api.serializers.cases import CaseDetailSerializer, case_detail_data
from api.serializers.filed import filed_case_data
from complaints.models import Case
from tests.api.conftest import complaint_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


def serialized(reference: str, user) -> dict:
    case = api_case_detail(user=user).get(reference=reference)
    return case_detail_data(case, as_filed=True)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"priority": "high", "desired_outcome": "A new vase.", "channel": "email"},
        {"metadata": {"order": "SO-1", "lines": [1, 2, {"sku": "V-9"}]}},
        {
            "customer": {
                "email": "Grace@Example.com",
                "name": "Grace Hopper",
                "phone": "+44 20 7946 0000",
                "external_ref": "crm-7",
                "language": "de",
            }
        },
    ],
)
def test_the_answer_is_the_serializers_view_of_the_new_case(service, sla_policy, extra):
    response = service.post(URL, complaint_body(**extra), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert body == serialized(case.reference, response.wsgi_request.user)
    assert set(body) == set(CaseDetailSerializer().fields)
    # The policy covers normal priority only: a high one starts no clocks.
    assert len(body["deadlines"]) == (0 if extra.get("priority") == "high" else 2)


def test_with_a_category_team_and_statutory_clocks(service, team, settings):
    from complaints.models import Category

    settings.DEFAULT_REGIME = "fca"
    Category.objects.create(name="Delivery", slug="delivery", default_team=team)
    earlier = (timezone.now() - timedelta(days=3)).isoformat()
    occurred = (timezone.now() - timedelta(days=9)).isoformat()
    body = service.post(
        URL,
        complaint_body(category="delivery", received_at=earlier, occurred_at=occurred),
        format="json",
    ).json()
    assert body["team"] == team.slug
    assert [c["kind"] for c in body["statutory_deadlines"]] == [
        "summary_resolution",
        "final_response",
    ]
    user = service.get("/api/v1/ping/").wsgi_request.user
    assert body == serialized(body["reference"], user)


def test_a_replayed_answer_is_the_first_one(service, sla_policy):
    headers = {"HTTP_IDEMPOTENCY_KEY": "filed-answer-1"}
    first = service.post(URL, complaint_body(), format="json", **headers)
    again = service.post(URL, complaint_body(), format="json", **headers)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_the_builder_refuses_nothing_the_serializer_shows(service, sla_policy):
    body = service.post(URL, complaint_body(), format="json").json()
    case = (
        Case.objects.select_related("api_filing")
        .prefetch_related("deadlines", "statutory_deadlines")
        .get(reference=body["reference"])
    )
    assert filed_case_data(case) == body
