"""Managers edit customer email templates in the admin: placeholders, preview, syntax checked."""

import pytest

from mail.models import EmailTemplate

pytestmark = pytest.mark.django_db


def change_url(template: EmailTemplate) -> str:
    return f"/admin/mail/emailtemplate/{template.pk}/change/"


def test_the_change_page_lists_placeholders_and_previews(admin_client):
    template = EmailTemplate.objects.get(kind="offer_made")
    page = admin_client.get(change_url(template)).content.decode()
    assert "{{ offer.amount }}" in page and "{{ status_url }}" in page
    assert "Alex Example" in page  # the preview rendered with sample data
    assert 'sandbox=""' in page


def test_bad_template_syntax_is_refused_on_save(admin_client):
    template = EmailTemplate.objects.get(kind="case_closed")
    response = admin_client.post(
        change_url(template),
        {"subject": "Closed {% if %}", "text": "ok", "html": "{{ unclosed"},
    )
    assert response.status_code == 200
    assert "Template syntax error" in response.content.decode()
    template.refresh_from_db()
    assert "{% if %}" not in template.subject


def test_a_good_edit_is_saved(admin_client):
    template = EmailTemplate.objects.get(kind="case_closed")
    response = admin_client.post(
        change_url(template),
        {"subject": "Closed: {{ case.subject }}", "text": "Bye", "html": "<p>Bye</p>"},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Closed: {{ case.subject }}"


def test_a_preview_cannot_inject_script_into_the_admin_page(admin_client):
    template = EmailTemplate.objects.get(kind="case_closed")
    template.html = '"><script>alert(1)</script>{{ customer_name }}'
    template.subject = "<img src=x onerror=alert(2)>"
    template.save()
    page = admin_client.get(change_url(template)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page


def test_inbound_mail_is_listed_read_only(admin_client):
    assert admin_client.get("/admin/mail/inboundemail/").status_code == 200


def test_a_template_that_cannot_render_is_refused_on_save(admin_client):
    template = EmailTemplate.objects.get(kind="case_closed")
    response = admin_client.post(
        change_url(template),
        {"subject": "Closed", "text": '{% include "no/such/file.txt" %}', "html": "x"},
    )
    assert response.status_code == 200
    assert "Cannot render" in response.content.decode()
