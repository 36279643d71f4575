"""The API's `q` is the global search: same selector as the search page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Case, Stage
from complaints.services import message_post
from tests.api.conftest import complaint_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
FILE = "/api/v1/complaints/"


def refs(client, q: str) -> list[str]:
    answer = client.get(FILE, {"q": q})
    assert answer.status_code == 200, answer.content
    return [row["reference"] for row in answer.json()["results"]]


def test_q_finds_a_long_closed_case_by_a_message_word(api_as, manager, make_case):
    case = make_case(Stage.CLOSED)
    message_post(
        by=manager, case=case, body="Bring the wombat back.", visibility="internal"
    )
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - timedelta(days=40)
    )
    assert refs(api_as(manager), "wombat") == [case.reference]


def test_q_finds_by_phone_fragment(api_as, manager, make_case):
    from tests.factories import CustomerFactory

    case = make_case(customer=CustomerFactory(phone="+44 7700 900555"))
    assert refs(api_as(manager), "7700 900") == [case.reference]


def test_a_service_client_never_finds_by_another_clients_data(api_as):
    mine, theirs = api_as(), api_as()
    theirs.post(
        FILE,
        complaint_body(
            customer={"email": "zebulon@gmail.com", "name": "Zebulon Quartermaine"}
        ),
        format="json",
    )
    mine.post(
        FILE,
        complaint_body(customer={"email": "zebulon@gmail.com", "name": "Z."}),
        format="json",
    )
    # The stored customer is shared (matched by email); its name is theirs.
    assert refs(mine, "Quartermaine") == []
    assert len(refs(mine, "zebulon@gmail")) == 1
    assert len(refs(theirs, "Quartermaine")) == 1


def test_a_service_client_does_not_find_internal_notes(service):
    reference = service.post(FILE, complaint_body(), format="json").json()["reference"]
    for body, visibility in (("Sasquatch", "internal"), ("Yeti", "customer")):
        service.post(
            f"{FILE}{reference}/messages/",
            {"body": body, "visibility": visibility},
            format="json",
        )
    assert refs(service, "sasquatch") == []
    assert refs(service, "yeti") == [reference]


@pytest.mark.parametrize("q", ["\x00", "a\x00b", "%", "' OR 1=1 --", "<->"])
def test_odd_q_is_never_a_500(api_as, manager, make_case, q):
    make_case()
    assert api_as(manager).get(FILE, {"q": q}).status_code in (200, 400)


def test_a_huge_q_is_refused(api_as, manager):
    answer = api_as(manager).get(FILE, {"q": "x" * 100_000})
    assert answer.status_code == 400


def test_q_finds_a_phone_typed_without_its_spaces(api_as, manager, make_case):
    from tests.factories import CustomerFactory

    case = make_case(customer=CustomerFactory(phone="+44 7700 900777"))
    make_case(customer=CustomerFactory(phone="+44 7700 800777"))
    assert refs(api_as(manager), "7700900777") == [case.reference]
