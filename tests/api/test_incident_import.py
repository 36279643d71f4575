"""Linking an incident's customers from a CSV of emails or external refs.

Through `POST /api/v1/incidents/{id}/customers/import/` and the incident page:
every row is reported (linked, unknown, duplicate, invalid) and a bad row
never loses the others; refs resolve across API clients only to customers
the manager may see, and a ref two clients use for different people is not
guessed.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.services import api_client_create
from complaints.actors import Actor
from customers.services import customer_match_or_create
from service_recovery import incident_import
from service_recovery.incidents import incident_create, incident_link_customers
from service_recovery.models import IncidentCustomer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(manager):
    return incident_create(
        title="Courier lost a van", customer_message="Your parcel is late.", by=manager
    )


@pytest.fixture
def people(incident, manager):
    shop, _ = api_client_create(
        name="shop",
        username=None,
        scopes=["complaints:write"],
        by=Actor.system("tests"),
    )
    crm, _ = api_client_create(
        name="crm", username=None, scopes=["complaints:write"], by=Actor.system("tests")
    )
    ada = CustomerFactory(email="ada@example.com")
    bob, _ = customer_match_or_create(
        email="bob@example.com",
        name="Bob",
        external_ref="SHOP-7",
        client=shop,
        by=Actor.system("tests"),
    )
    # Two clients' ids collide: "42" names Cy at the shop and Di at the CRM.
    cy, _ = customer_match_or_create(
        email="cy@example.com",
        name="Cy",
        external_ref="42",
        client=shop,
        by=Actor.system("tests"),
    )
    di, _ = customer_match_or_create(
        email="di@example.com",
        name="Di",
        external_ref="42",
        client=crm,
        by=Actor.system("tests"),
    )
    ed = CustomerFactory(email="ed@example.com")
    incident_link_customers(incident=incident, customers=[ed], by=manager)
    return {"ada": ada, "bob": bob, "cy": cy, "di": di, "ed": ed}


CSV = "\n".join(
    [
        "email",
        "ADA@example.com",
        "SHOP-7",
        "nobody@example.com",
        "ada@example.com",
        "not-an-address@",
        '"",""',
        "42",
        "ed@example.com",
        "x" * 101,
        "\x01bell",
    ]
)
EXPECTED = [
    (2, "linked"),
    (3, "linked"),
    (4, "unknown"),
    (5, "duplicate"),
    (6, "invalid"),
    (7, "invalid"),
    (8, "unknown"),
    (9, "duplicate"),
    (10, "invalid"),
    (11, "invalid"),
]


def _upload(client, incident, data: bytes, name="customers.csv"):
    return client.post(
        f"/api/v1/incidents/{incident.pk}/customers/import/",
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        format="multipart",
    )


def test_every_row_is_reported_and_the_good_ones_are_linked(
    api_as, manager, incident, people
):
    response = _upload(api_as(manager), incident, CSV.encode())

    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["row"], r["outcome"]) for r in body["rows"]] == EXPECTED
    assert body["counts"] == {"linked": 2, "unknown": 2, "duplicate": 2, "invalid": 4}
    assert body["rows"][1]["customers"] == [people["bob"].pk]
    assert "different API clients" in body["rows"][6]["detail"]
    assert body["incident"]["customers_count"] == 3
    linked = set(
        IncidentCustomer.objects.filter(incident=incident).values_list(
            "customer_id", flat=True
        )
    )
    assert linked == {people["ada"].pk, people["bob"].pk, people["ed"].pk}


def test_a_second_upload_of_the_same_file_links_nothing_new(
    api_as, manager, incident, people
):
    client = api_as(manager)
    _upload(client, incident, CSV.encode())
    again = _upload(client, incident, CSV.encode()).json()
    assert again["counts"]["linked"] == 0
    assert again["counts"]["duplicate"] == 4


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"\xff\xfe not utf-8 \xff", 422),
        (b"\n".join(b"a%d@example.com" % i for i in range(5001)), 422),
        (b"\n\n  \n", 422),
    ],
    ids=["not-utf8", "too-many-rows", "no-rows"],
)
def test_a_file_refused_whole_links_nobody(
    api_as, manager, incident, people, data, status
):
    response = _upload(api_as(manager), incident, data)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert "file" in response.json()["errors"]
    assert incident.customer_links.count() == 1


def test_an_oversize_file_is_413(api_as, manager, incident, monkeypatch):
    monkeypatch.setattr(incident_import, "IMPORT_MAX_BYTES", 100)
    response = _upload(api_as(manager), incident, b"a@example.com\n" * 20)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")


def test_not_multipart_is_415_and_others_may_not_import(
    api_as, manager, lead, service, incident
):
    url = f"/api/v1/incidents/{incident.pk}/customers/import/"
    response = api_as(manager).post(url, {"file": "x"}, format="json")
    assert response.status_code == 415
    for client in (api_as(lead), service):
        assert _upload(client, incident, b"a@example.com").status_code == 403


def test_a_service_client_never_resolves_refs(incident, people):
    report = incident_import.incident_import_customers(
        incident=incident,
        data=b"SHOP-7\nbob@example.com",
        by=Actor.of_client("shop"),
    )
    assert [r.outcome for r in report.rows] == ["unknown", "unknown"]


def test_the_manager_uploads_on_the_incident_page(client, manager, incident, people):
    client.force_login(manager)
    url = f"/recovery/incidents/{incident.pk}/"
    data = b"ada@example.com\n<b>bold</b>@x\n"

    response = client.post(url, {"file": SimpleUploadedFile("c.csv", data)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 linked</strong>" in page and "1 invalid" in page
    assert "&lt;b&gt;bold&lt;/b&gt;@x" in page and "<b>bold</b>" not in page
    assert incident.customer_links.filter(customer=people["ada"]).exists()


def test_the_page_refuses_a_bad_file_and_other_staff(client, manager, lead, incident):
    client.force_login(manager)
    url = f"/recovery/incidents/{incident.pk}/"
    bad = client.post(url, {"file": SimpleUploadedFile("c.csv", b"\xff\xfe\xff")})
    assert bad.status_code == 422
    assert "not UTF-8" in bad.content.decode()
    assert client.post(url, {}).status_code == 400
    client.force_login(lead)
    assert client.get(url).status_code == 404
    assert client.get("/recovery/incidents/").status_code == 403
