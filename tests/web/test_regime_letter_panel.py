"""Regulated handling on the case page: the letters panel (preview, refusals in
place, send, PDFs), four eyes, vulnerability and the representative."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.memo import memo_forget
from regimes.approvals import letter_approval_request
from regimes.models import Letter, LetterApproval, Regime
from regimes.selectors import regime_version
from regimes.sending import letter_send
from regimes.support import (
    customer_representative_record,
    customer_vulnerability_record,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(settings, team, agent):
    settings.DEFAULT_REGIME = "fca"
    return CaseFactory.in_stage("resolving", team=team, by=agent, assignee=agent)


def post_letter(client, case, **data):
    return client.post(f"/cases/{case.reference}/letters/", data, follow=True)


def test_the_panel_offers_the_regimes_letters(agent_client, case):
    html = agent_client.get(case.get_absolute_url()).content.decode()
    assert 'id="letters"' in html
    assert '<option value="final_response"' in html
    assert "No letters sent yet." in html


def test_preview_shows_the_rendered_text_and_what_it_lacks(agent_client, case):
    response = post_letter(agent_client, case, kind="final_response", do="preview")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="letter-preview"' in html
    assert case.reference in html
    assert 'id="letter-missing"' in html and "<code>outcome</code>" in html
    assert not Letter.objects.exists()


def test_a_letter_lacking_required_content_is_refused_in_place(agent_client, case):
    response = post_letter(
        agent_client,
        case,
        kind="final_response",
        outcome="upheld",
        body="We are sorry.",
        do="send",
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#letters")
    assert 'role="alert"' in html and "ombudsman_contact" in html
    assert "We are sorry." in html  # the text typed is kept
    assert not Letter.objects.exists()


def test_sending_a_final_response_lists_it_with_its_pdf(agent_client, case, client):
    response = post_letter(
        agent_client, case, kind="final_response", outcome="upheld", do="send"
    )
    letter = Letter.objects.get(case=case)
    html = response.content.decode()
    link = f"/cases/{case.reference}/letters/{letter.pk}/"
    assert link in html and "Upheld" in html
    pdf = agent_client.get(link)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and pdf.content == bytes(letter.pdf)
    # Nobody who may not see the case gets it.
    assert client.get(link).status_code == 302  # to the login page


def test_another_teams_agent_never_reaches_the_pdf(other_client, case, agent):
    letter = letter_send(case=case, kind="acknowledgement", by=agent)
    link = f"/cases/{case.reference}/letters/{letter.pk}/"
    assert other_client.get(link).status_code == 404


def test_another_cases_letter_is_not_served_under_this_case(
    agent_client, case, team, agent
):
    other = CaseFactory.file(team=team, by=agent)
    theirs = letter_send(case=other, kind="acknowledgement", by=agent)
    link = f"/cases/{case.reference}/letters/{theirs.pk}/"
    assert agent_client.get(link).status_code == 404


def test_four_eyes_on_the_page(agent_client, lead_client, case, agent):
    Regime.objects.filter(pk=regime_version(code="fca").pk).update(
        four_eyes_on_rejection=True
    )
    memo_forget()  # as the admin's save does (config.memo)
    refused = post_letter(
        agent_client, case, kind="final_response", outcome="not_upheld", do="send"
    )
    assert "second person" in refused.content.decode()
    assert not Letter.objects.exists()
    post_letter(
        agent_client, case, kind="final_response", outcome="not_upheld", do="request"
    )
    approval = LetterApproval.objects.get(case=case)
    # The author sees no approve button, and approving by URL is refused in place.
    html = agent_client.get(case.get_absolute_url()).content.decode()
    assert f"/letter-approvals/{approval.pk}/approve/" not in html
    own = agent_client.post(f"/letter-approvals/{approval.pk}/approve/", follow=True)
    assert "Only a team lead" in own.content.decode()
    # The lead finds it in the approvals queue and approves it.
    queue = lead_client.get("/?queue=approvals").content.decode()
    assert case.reference in queue
    html = lead_client.get(case.get_absolute_url()).content.decode()
    assert f"/letter-approvals/{approval.pk}/approve/" in html
    lead_client.post(f"/letter-approvals/{approval.pk}/approve/", {"note": "ok"})
    assert (
        lead_client.get("/?queue=approvals").content.decode().count(case.reference) == 0
    )
    agent_client.post(f"/letter-approvals/{approval.pk}/send/")
    letter = Letter.objects.get(case=case)
    assert letter.outcome == "not_upheld" and letter.body == approval.body


def test_a_lead_cannot_approve_their_own_letter_on_the_page(lead_client, lead, case):
    Regime.objects.filter(pk=regime_version(code="fca").pk).update(
        four_eyes_on_rejection=True
    )
    memo_forget()  # as the admin's save does (config.memo)
    approval = letter_approval_request(
        case=case, kind="final_response", outcome="not_upheld", by=lead
    )
    html = lead_client.get(case.get_absolute_url()).content.decode()
    assert f"/letter-approvals/{approval.pk}/approve/" not in html
    assert case.reference not in lead_client.get("/?queue=approvals").content.decode()
    own = lead_client.post(f"/letter-approvals/{approval.pk}/approve/", follow=True)
    assert "Someone other than the author" in own.content.decode()
    approval.refresh_from_db()
    assert approval.status == "pending"


def test_an_agent_sees_no_approval_queue_entry_for_their_own(agent, case):
    Regime.objects.filter(pk=regime_version(code="fca").pk).update(
        four_eyes_on_rejection=True
    )
    memo_forget()  # as the admin's save does (config.memo)
    letter_approval_request(
        case=case, kind="final_response", outcome="not_upheld", by=agent
    )
    from django.utils import timezone

    from complaints.models import Case
    from web.selectors.inbox import queue_q

    mine = Case.objects.filter(queue_q("approvals", user=agent, now=timezone.now()))
    assert not mine.exists()


def test_vulnerability_needs_consent_on_the_page(agent_client, case):
    response = agent_client.post(
        f"/cases/{case.reference}/vulnerability/",
        {"drivers": ["health"], "adjustments": "Large print"},
        follow=True,
    )
    html = response.content.decode()
    assert "consented" in html and 'role="alert"' in html
    response = agent_client.post(
        f"/cases/{case.reference}/vulnerability/",
        {
            "drivers": ["health", "life_events"],
            "adjustments": "Large print",
            "consent_from": "the customer",
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'id="vulnerability-summary"' in html
    assert "vulnerable customer" in html and "Large print" in html
    page = agent_client.get(f"/customers/{case.customer_id}/").content.decode()
    assert 'id="customer-vulnerability"' in page and "Life events" in page


def test_the_representative_on_the_page(agent_client, case):
    response = agent_client.post(
        f"/cases/{case.reference}/representative/",
        {
            "name": "Sam <b>Carer</b>",
            "kind": "power_of_attorney",
            "authority": "LPA seen",
            "receives_letters": "no",
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'id="representative-summary"' in html
    assert "Sam &lt;b&gt;Carer&lt;/b&gt;" in html and "<b>Carer</b>" not in html
    assert "Power of attorney" in html


def test_another_teams_agent_cannot_record_support(other_client, case):
    response = other_client.post(
        f"/cases/{case.reference}/representative/",
        {"name": "X", "kind": "other", "authority": "none", "receives_letters": "no"},
    )
    assert response.status_code == 404


def test_the_inbox_marks_vulnerable_customers_without_a_query_per_row(
    agent_client, agent, team
):
    def inbox_queries() -> tuple[int, str]:
        cache.clear()  # the queue's size is cached briefly
        with CaptureQueriesContext(connection) as queries:
            html = agent_client.get("/?queue=all").content.decode()
        return len(queries), html

    cases = [CaseFactory.file(team=team, by=agent) for _ in range(2)]
    customer_vulnerability_record(
        customer=cases[0].customer,
        drivers=["resilience"],
        consent_from="the customer",
        by=agent,
    )
    few, html = inbox_queries()
    assert html.count("badge-vulnerable") == 1
    more = [CaseFactory.file(team=team, by=agent) for _ in range(6)]
    for c in more[:3]:
        customer_vulnerability_record(
            customer=c.customer, drivers=["health"], consent_from="them", by=agent
        )
        customer_representative_record(
            customer=c.customer,
            name="Rep",
            kind="other",
            authority="said so",
            by=agent,
        )
    many, html = inbox_queries()
    assert html.count("badge-vulnerable") == 4
    assert many == few


def test_managers_read_letter_approvals_in_the_admin_and_cannot_edit_them(
    manager_client, agent_client, agent, case
):
    approval = letter_approval_request(case=case, kind="acknowledgement", by=agent)
    listing = manager_client.get("/admin/regimes/letterapproval/")
    assert listing.status_code == 200
    assert case.reference in listing.content.decode()
    change = f"/admin/regimes/letterapproval/{approval.pk}/change/"
    manager_client.post(change, {"status": "approved"})
    approval.refresh_from_db()
    assert approval.status == "pending"
    assert agent_client.get("/admin/regimes/letterapproval/").status_code in (302, 403)
