"""The public complaint form: filing, matching, validation, spam guards, confirmation."""

import importlib

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from complaints.models import Case, Category, Event
from customers.models import Customer
from notifications.models import Outbox
from notifications.services import outbox_deliver
from portal import links
from portal.links import read_status_token
from tests.factories import CustomerFactory

URL = "/complain/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def complaint(**overrides):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "",
        "subject": "My order arrived broken",
        "description": "The teapot was in three pieces when I opened the box.",
        "desired_outcome": "A new teapot, please.",
    }
    data.update(overrides)
    return data


def test_the_form_shows_without_login(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="description"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "Inbox" not in body  # no staff navigation for customers


def test_filing_creates_one_web_case_and_thanks_with_the_status_link(client, db):
    response = client.post(URL, complaint())
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "web"
    assert case.stage == "new"
    assert case.subject == "My order arrived broken"
    assert case.desired_outcome == "A new teapot, please."
    assert case.customer.email == "ada@example.com"
    filed = Event.objects.get(case=case, kind="case_filed")
    assert filed.actor_label == "customer"

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert case.reference in body
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert read_status_token(token) == case.reference
    assert f"/status/{token}/" in body


def test_filing_queues_one_confirmation_email_with_the_status_link(
    client, db, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(
        "notifications.outbox.outbox_publish", lambda ids: published.append(ids)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, complaint(email="Ada@Example.com"))
    case = Case.objects.get()
    row = Outbox.objects.get(case=case)
    assert published == [[row.pk]]
    assert row.to == "Ada@Example.com"
    # CONTRACT §12: every customer email carries [<reference>] in its subject.
    assert row.subject == f"[{case.reference}] We have your complaint"
    # Tokens carry a timestamp: read the link back rather than rebuild it.
    token = row.body.split("/status/")[1].split("/")[0]
    assert links.read_status_token(token) == case.reference
    assert "Ada Lovelace" in row.body

    assert outbox_deliver(outbox_id=row.pk) == "sent"
    assert [m.to for m in mailoutbox] == [["Ada@Example.com"]]


def test_an_existing_customer_is_matched_by_email_whatever_its_case(client, db):
    existing = CustomerFactory(email="Ada@Example.com", consent_to_contact=False)
    client.post(URL, complaint(email="ADA@example.COM"))
    assert Customer.objects.count() == 1
    assert Case.objects.get().customer == existing


def test_ticking_consent_records_it_on_the_customer_and_the_timeline(client, db):
    client.post(URL, complaint(consent="on"))
    case = Case.objects.get()
    assert case.customer.consent_to_contact is True
    event = Event.objects.get(case=case, kind="consent_changed")
    assert (event.before, event.after, event.actor_label) == (False, True, "customer")


def test_leaving_consent_unticked_never_withdraws_it_from_an_existing_customer(
    client, db
):
    existing = CustomerFactory(email="ada@example.com", consent_to_contact=True)
    client.post(URL, complaint())
    existing.refresh_from_db()
    assert existing.consent_to_contact is True


def test_filing_with_a_known_email_never_gives_that_customer_consent(client, db):
    existing = CustomerFactory(email="ada@example.com", consent_to_contact=False)
    client.post(URL, complaint(email="ADA@example.com", consent="on"))
    existing.refresh_from_db()
    assert existing.consent_to_contact is False
    assert existing.consent_updated_at is None
    assert not Event.objects.filter(kind="consent_changed").exists()


def test_the_link_shown_after_filing_cannot_see_or_change_the_customers_consent(
    client, db
):
    existing = CustomerFactory(email="ada@example.com", consent_to_contact=True)
    response = client.post(URL, complaint())
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(f"/status/{token}/").content.decode()
    assert "You've said we may contact you" not in page
    assert "use the link in the email" in page
    client.post(f"/status/{token}/consent/", {"consent": "no"})
    existing.refresh_from_db()
    assert existing.consent_to_contact is True
    assert not Event.objects.filter(kind="consent_changed").exists()


def test_the_emailed_link_still_changes_consent(client, db):
    existing = CustomerFactory(email="ada@example.com", consent_to_contact=True)
    client.post(URL, complaint())
    row = Outbox.objects.get(case__customer=existing)
    token = row.body.split("/status/")[1].split("/")[0]
    assert (
        "You've said we may contact you"
        in client.get(f"/status/{token}/").content.decode()
    )
    client.post(f"/status/{token}/consent/", {"consent": "no"})
    existing.refresh_from_db()
    assert existing.consent_to_contact is False


def test_filing_with_a_known_email_keeps_the_stored_name(client, db):
    existing = CustomerFactory(email="ada@example.com", name="Ada Byron")
    client.post(URL, complaint(name="Somebody Else"))
    existing.refresh_from_db()
    assert existing.name == "Ada Byron"


def test_a_chosen_active_category_is_filed_with_the_case(client, db, team):
    category = Category.objects.create(
        name="Delivery", slug="delivery", default_team=team
    )
    client.post(URL, complaint(category=str(category.pk)))
    case = Case.objects.get()
    assert case.category == category
    assert case.team == team


def test_an_inactive_category_is_refused_with_a_field_error(client, db):
    hidden = Category.objects.create(name="Old", slug="old", active=False)
    response = client.post(URL, complaint(category=str(hidden.pk)))
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert "category" in response.context["form"].errors
    assert "Old" not in client.get(URL).content.decode()


def test_missing_fields_re_render_with_friendly_errors_and_the_input_kept(client, db):
    response = client.post(
        URL, complaint(name="", email="not-an-email", description="")
    )
    assert response.status_code == 200
    assert Case.objects.count() == 0
    body = response.content.decode()
    assert "Please tell us your name." in body
    assert "doesn&#x27;t look like an email address" in body
    assert "Please tell us what happened." in body
    assert 'value="My order arrived broken"' in body
    assert "A new teapot, please." in body
    assert 'aria-invalid="true"' in body


def test_oversized_input_is_refused_with_a_field_error_not_stored(client, db):
    response = client.post(URL, complaint(subject="x" * 201, description="y" * 10_001))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"subject", "description"}
    assert "under 200 characters" in errors["subject"][0]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("description", "nul \x00 byte"),
        ("category", "not-a-number"),
        ("category", "999999"),
        ("email", "a" * 300 + "@example.com"),
    ],
)
def test_hostile_values_get_a_field_error_never_a_500(client, db, field, value):
    response = client.post(URL, complaint(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Case.objects.count() == 0


def test_user_text_is_escaped_when_the_form_is_shown_again(client, db):
    response = client.post(URL, complaint(name="", subject="<script>alert(1)</script>"))
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_a_filled_honeypot_files_nothing_but_looks_like_success(client, db):
    response = client.post(URL, complaint(website="http://spam.example"))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert Case.objects.count() == 0
    assert Customer.objects.count() == 0
    assert Outbox.objects.count() == 0


def test_the_rate_limit_stops_a_flood_from_one_address(client, db, settings):
    settings.PORTAL_RATE_LIMITS = {"complain": 3}
    for n in range(3):
        assert client.post(URL, complaint(subject=f"Try {n}")).status_code == 302
    response = client.post(URL, complaint(subject="One too many"))
    assert response.status_code == 429
    assert "try again" in response.content.decode().lower()
    assert Case.objects.count() == 3


def test_the_rate_limit_counts_the_socket_address_not_forwarded_headers(
    client, db, settings
):
    settings.PORTAL_RATE_LIMITS = {"complain": 2}
    for n in range(2):
        client.post(URL, complaint(), HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    spoofed = client.post(URL, complaint(), HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert spoofed.status_code == 429
    other = client.post(URL, complaint(), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_a_double_submitted_form_files_once_and_shows_the_same_reference(client, db):
    nonce = client.get(URL).context["form"]["nonce"].value()
    assert len(nonce) >= 16
    first = client.post(URL, complaint(nonce=nonce))
    second = client.post(URL, complaint(nonce=nonce))
    assert Case.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "already sent us this complaint" in page


def test_a_submit_arriving_while_the_first_is_filing_is_told_to_wait(client, db):
    from portal.guards import submission_claim

    assert submission_claim(nonce="in-flight") is None  # the first submit, still busy
    response = client.post(URL, complaint(nonce="in-flight"))
    assert response.status_code == 200
    assert "already filing" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_filing_that_fails_releases_its_nonce_for_a_retry(client, db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    module = importlib.import_module("portal.views.complain")
    monkeypatch.setattr(module, "complaint_file_from_web", broken)
    with pytest.raises(RuntimeError):
        client.post(URL, complaint(nonce="retry-me"))
    monkeypatch.undo()
    assert client.post(URL, complaint(nonce="retry-me")).status_code == 302
    assert Case.objects.count() == 1


def test_the_form_works_when_the_cache_is_down(client, db, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    monkeypatch.setattr("portal.guards.cache", Down())
    assert client.post(URL, complaint(nonce="abc")).status_code == 302
    assert Case.objects.count() == 1


def test_the_form_is_refused_without_a_csrf_token(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, complaint())
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_the_form_files_with_its_csrf_token(db):
    strict = Client(enforce_csrf_checks=True)
    strict.get(URL)
    token = strict.cookies["csrftoken"].value
    response = strict.post(URL, {**complaint(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Case.objects.count() == 1


def test_a_broker_outage_still_files_the_complaint_and_keeps_the_email(
    client, db, django_capture_on_commit_callbacks, monkeypatch
):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("notifications.tasks.deliver_outbox.apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, complaint())
    assert response.status_code == 302
    assert Case.objects.count() == 1
    assert Outbox.objects.filter(status="pending").count() == 1


def test_the_thank_you_page_of_a_bad_token_is_a_friendly_404(client, db):
    response = client.get(reverse("portal:thanks", args=["nonsense"]))
    assert response.status_code == 404
    assert "We couldn't open this link" in response.content.decode()


def test_a_refused_form_explains_itself_in_plain_words(db, settings):
    settings.CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, complaint())
    assert response.status_code == 403
    body = response.content.decode()
    assert "Please send that again" in body
    assert "CSRF verification" not in body
    assert Case.objects.count() == 0
