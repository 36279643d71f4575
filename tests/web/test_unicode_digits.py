"""Numbers typed as Unicode digits ("²", "①", "٣") or thousands of digits.

`str.isdigit()` is true for "²" and "①", which `int()` refuses, and for a
5,000-digit string, which `int()` refuses too (Python's digit limit): every
path that reads a whole number from a request reads it through one helper.
"""

import pytest

from config.numbers import whole_number

pytestmark = pytest.mark.django_db

ODD = ["²", "①", "٣", "9" * 5000, "１２"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("0", 0), ("²", None), ("①", None), ("٣", None), ("１２", None)]
    + [("9" * 5000, None), ("", None), ("-1", None), (" 1", None), (None, None)],
)
def test_a_whole_number_is_ascii_digits_only(value, expected):
    assert whole_number(value) == expected


@pytest.mark.parametrize("odd", ODD)
def test_odd_numbers_in_staff_pages_are_never_a_500(agent_client, make_case, odd, team):
    case = make_case("new", subject="Broken kettle")
    assert agent_client.get("/search/", {"q": "kettle", "page": odd}).status_code == 200
    assert agent_client.get("/", {"category": odd, "customer": odd}).status_code == 200
    live = agent_client.get(f"/cases/{case.reference}/live/", {"seen": odd})
    assert live.status_code in (200, 304)
    saved = agent_client.post(
        "/views/", {"name": "Odd", "query": "queue=all", "team": odd}
    )
    assert saved.status_code < 500
    bulk = agent_client.post(
        "/bulk/", {"case": f"{case.reference}:{odd}", "action": "priority"}
    )
    assert bulk.status_code < 500


@pytest.mark.parametrize("odd", ODD)
def test_an_odd_page_size_is_a_400_problem(manager, odd):
    from rest_framework.test import APIClient

    from api.services import api_client_create
    from complaints.actors import Actor

    _client, key = api_client_create(
        name="odd",
        username=manager.get_username(),
        scopes=["complaints:read"],
        by=Actor.system("tests"),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/complaints/", {"page_size": odd})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]
