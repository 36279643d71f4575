"""POST/GET /api/v1/complaints/{reference}/attachments/: multipart upload, listing,
scopes and problem+json refusals."""

import pytest

from attachments.models import Attachment, Source
from complaints.models import EventKind
from tests.api.conftest import complaint_body

from .samples import EXE, HTML, PDF, jpeg_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_dir")]
PROBLEM = "application/problem+json"


def url(case) -> str:
    return f"/api/v1/complaints/{case.reference}/attachments/"


def test_a_user_key_uploads_and_lists(api_as, agent, make_case):
    case = make_case()
    api = api_as(agent)
    response = api.post(
        url(case), {"file": upload("photo.jpg", jpeg_bytes())}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["filename"] == "photo.jpg"
    assert body["content_type"] == "image/jpeg"
    assert body["source"] == "api"
    assert body["uploaded_by"] == agent.username
    assert body["scan_status"] == "not_scanned"
    listing = api.get(url(case))
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [body["id"]]
    assert case.events.filter(kind=EventKind.ATTACHMENT_ADDED).count() == 1


def test_the_filing_client_attaches_with_complaints_write(api_as):
    filer = api_as(scopes=["complaints:write", "complaints:read"])
    filed = filer.post("/api/v1/complaints/", complaint_body(), format="json").json()
    response = filer.post(
        f"/api/v1/complaints/{filed['reference']}/attachments/",
        {"file": upload("receipt.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.source == Source.API
    assert attachment.uploaded_by_label == "api:test client"


def test_another_client_cannot_attach_to_a_case_it_did_not_file(api_as):
    filer = api_as(scopes=["complaints:write"])
    filed = filer.post("/api/v1/complaints/", complaint_body(), format="json").json()
    stranger = api_as(scopes=["complaints:write", "cases:manage"])
    response = stranger.post(
        f"/api/v1/complaints/{filed['reference']}/attachments/",
        {"file": upload("receipt.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_a_read_only_key_cannot_attach(api_as, manager, make_case):
    api = api_as(manager, scopes=["complaints:read"])
    response = api.post(
        url(make_case()), {"file": upload("a.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_an_agent_of_another_team_gets_404(api_as, other_agent, make_case):
    response = api_as(other_agent).get(url(make_case()))
    assert response.status_code == 404


def test_a_too_large_file_is_413(api_as, agent, make_case, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = api_as(agent).post(
        url(make_case()),
        {"file": upload("a.pdf", PDF + b"0" * 4096)},
        format="multipart",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("attachment-too-large")


def test_a_15_mb_body_is_413_before_it_is_parsed(api_as, agent, make_case):
    response = api_as(agent).post(
        url(make_case()),
        {"file": upload("a.pdf", PDF + b"0" * (15 * 1024 * 1024))},
        format="multipart",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("data", "detected"), [(HTML, "text/html"), (EXE, None)])
def test_a_file_lying_about_its_type_is_415(api_as, agent, make_case, data, detected):
    response = api_as(agent).post(
        url(make_case()),
        {"file": upload("photo.jpg", data, "image/jpeg")},
        format="multipart",
    )
    assert response.status_code == 415
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("attachment-type-refused")
    if detected:
        assert body["detected_type"] == detected
    assert not Attachment.objects.exists()


def test_json_instead_of_multipart_is_415(api_as, agent, make_case):
    response = api_as(agent).post(url(make_case()), {"file": "x"}, format="json")
    assert response.status_code == 415
    assert response["Content-Type"] == PROBLEM


def test_a_missing_file_field_is_a_validation_problem(api_as, agent, make_case):
    response = api_as(agent).post(
        url(make_case()), {"other": upload("a.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_an_empty_file_is_a_validation_problem(api_as, agent, make_case):
    response = api_as(agent).post(
        url(make_case()), {"file": upload("a.pdf", b"")}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_anonymous_is_401(make_case):
    from rest_framework.test import APIClient

    response = APIClient().get(url(make_case()))
    assert response.status_code == 401
