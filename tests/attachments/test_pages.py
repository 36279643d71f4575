"""Attachments through the pages: the complaint form, the status page, the case page,
and how files are served (who may fetch them, with which headers)."""

import pytest

from attachments.models import Attachment, ScanStatus, Source
from attachments.services import attachment_add
from complaints.actors import Actor
from complaints.models import Case, EventKind
from portal import links

from .samples import EXE, HTML, PDF, jpeg_bytes, png_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_dir")]


def complaint(**extra):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "",
        "subject": "My order arrived broken",
        "description": "The teapot was in three pieces when I opened the box.",
    }
    data.update(extra)
    return data


def _add(case, name="photo.jpg", data=None, source=Source.FORM, by=None):
    return attachment_add(
        case=case,
        file=upload(name, data if data is not None else jpeg_bytes()),
        source=source,
        by=by or Actor.customer(),
    )


# The complaint form -------------------------------------------------------


def test_the_complaint_form_takes_photos(client):
    photos = [upload("broken.jpg", jpeg_bytes()), upload("box.png", png_bytes())]
    response = client.post("/complain/", complaint(attachments=photos))
    assert response.status_code == 302
    case = Case.objects.get()
    files = list(case.attachments.order_by("id"))
    assert [(a.filename, a.content_type, a.source) for a in files] == [
        ("broken.jpg", "image/jpeg", Source.FORM),
        ("box.png", "image/png", Source.FORM),
    ]
    assert all(a.thumbnail_name for a in files)
    assert files[0].uploaded_by_label == "customer"


def test_a_disguised_file_on_the_form_files_nothing_and_says_why(client):
    response = client.post(
        "/complain/", complaint(attachments=[upload("photo.jpg", HTML, "image/jpeg")])
    )
    assert response.status_code == 200
    assert "can&#x27;t accept this kind of file" in response.content.decode()
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_too_many_files_on_the_form_are_refused(client, settings):
    settings.ATTACHMENT_MAX_FILES = 1
    files = [upload("a.pdf", PDF), upload("b.pdf", PDF)]
    response = client.post("/complain/", complaint(attachments=files))
    assert response.status_code == 200
    assert "at most 1 files" in response.content.decode()
    assert not Case.objects.exists()


def test_the_form_still_files_without_files(client):
    assert client.post("/complain/", complaint()).status_code == 302
    assert Case.objects.get().attachments.count() == 0


# The status page -----------------------------------------------------------


def test_the_customer_adds_a_file_on_their_status_page(client, make_case):
    case = make_case()
    token = links.status_token(case)
    response = client.post(
        f"/status/{token}/attachments/", {"files": [upload("receipt.pdf", PDF)]}
    )
    assert response.status_code == 302
    attachment = case.attachments.get()
    assert attachment.source == Source.STATUS_PAGE
    page = client.get(f"/status/{token}/").content.decode()
    assert f"/status/{token}/attachments/{attachment.pk}/" in page
    download = client.get(f"/status/{token}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_the_status_page_refuses_files_on_a_closed_case(client, make_case):
    case = make_case("closed")
    case.refresh_from_db()
    token = links.status_token(case)
    assert client.get(f"/status/{token}/").status_code == 200
    response = client.post(
        f"/status/{token}/attachments/", {"files": [upload("receipt.pdf", PDF)]}
    )
    assert response.status_code == 200
    assert "is closed" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_status_page_refuses_a_program(client, make_case):
    case = make_case()
    token = links.status_token(case)
    response = client.post(
        f"/status/{token}/attachments/", {"files": [upload("cat.jpg", EXE)]}
    )
    assert response.status_code == 200
    assert "can&#x27;t accept this kind of file" in response.content.decode()
    assert not Attachment.objects.exists()


def test_another_cases_link_cannot_fetch_the_file(client, make_case):
    mine, theirs = make_case(), make_case()
    attachment = _add(theirs)
    token = links.status_token(mine)
    assert (
        client.get(f"/status/{token}/attachments/{attachment.pk}/").status_code == 404
    )


def test_a_bad_link_cannot_fetch_the_file(client, make_case):
    attachment = _add(make_case())
    assert client.get(f"/status/nope/attachments/{attachment.pk}/").status_code == 404


def test_the_customer_does_not_see_staff_files(client, make_case, agent):
    case = make_case()
    staff_file = _add(case, source=Source.CASE_PAGE, by=agent)
    token = links.status_token(case)
    assert (
        client.get(f"/status/{token}/attachments/{staff_file.pk}/").status_code == 404
    )


# The case page and serving to staff ---------------------------------------


def test_staff_attach_a_file_on_the_case_page(agent_client, make_case, agent):
    case = make_case()
    response = agent_client.post(
        f"/cases/{case.reference}/attachments/",
        {"files": [upload("note.txt", b"ok\n")]},
    )
    assert response.status_code == 302
    attachment = case.attachments.get()
    assert attachment.uploaded_by == agent
    assert attachment.source == Source.CASE_PAGE
    assert case.events.filter(kind=EventKind.ATTACHMENT_ADDED).exists()


def test_a_refused_file_on_the_case_page_says_why(agent_client, make_case):
    case = make_case()
    response = agent_client.post(
        f"/cases/{case.reference}/attachments/", {"files": [upload("x.jpg", HTML)]}
    )
    assert response.status_code == 409
    assert "kind of file" in response.content.decode()


def test_the_case_page_shows_an_image_thumbnail(agent_client, make_case):
    case = make_case()
    attachment = _add(case)
    page = agent_client.get(f"/cases/{case.reference}/").content.decode()
    assert f'src="/attachments/{attachment.pk}/thumbnail/"' in page
    assert f'href="/attachments/{attachment.pk}/"' in page
    thumb = agent_client.get(f"/attachments/{attachment.pk}/thumbnail/")
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/png"
    assert thumb["Content-Disposition"] == "inline"
    assert thumb["X-Content-Type-Options"] == "nosniff"
    assert thumb["Content-Security-Policy"] == "sandbox"


def test_a_download_carries_the_protective_headers(agent_client, make_case):
    attachment = _add(make_case(), name="naïve photo.jpg")
    response = agent_client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''na%C3%AFve%20photo.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_an_agent_of_another_team_gets_404(other_client, make_case):
    attachment = _add(make_case())
    assert other_client.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert other_client.get(f"/attachments/{attachment.pk}/thumbnail/").status_code == (
        404
    )


def test_an_agent_of_another_team_cannot_attach(other_client, make_case):
    case = make_case()
    response = other_client.post(
        f"/cases/{case.reference}/attachments/", {"files": [upload("a.pdf", PDF)]}
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, make_case):
    attachment = _add(make_case())
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_quarantined_file_is_never_served(agent_client, make_case, client):
    case = make_case()
    attachment = _add(case)
    Attachment.objects.filter(pk=attachment.pk).update(scan_status=ScanStatus.INFECTED)
    assert agent_client.get(f"/attachments/{attachment.pk}/").status_code == 404
    token = links.status_token(case)
    assert client.get(f"/status/{token}/attachments/{attachment.pk}/").status_code == (
        404
    )
    page = agent_client.get(f"/cases/{case.reference}/").content.decode()
    assert "quarantined" in page
