"""Pages and emails in German: the staff member's choice, the browser's, the customer's."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from customers.models import Customer
from notifications.customer_mail import confirmation_queue
from notifications.models import Outbox
from portal import links
from teams.locale import SESSION_KEY
from teams.services import staff_language_set
from tests.factories import CustomerFactory, StaffFactory

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}

# English words of the workspace and portal chrome that a German page must not
# show (checked on the visible text only, with the test data kept free of them).
ENGLISH = (
    "Inbox",
    "Search",
    "Save",
    "Assignee",
    "Timeline",
    "Notifications",
    "Log out",
    "Deadline",
    "Priority",
    "Customer",
    "Apply",
    "Stage",
    "complaint",
    "Please",
    "Your",
    "What",
    "We",
)


class _Visible(HTMLParser):
    """Collect the text a reader sees, and the wording of labels in attributes."""

    ATTRS = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [value or "" for name, value in attrs if name in self.ATTRS]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_left(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", text)]


@pytest.fixture(autouse=True)
def _english_after():
    cache.clear()
    yield
    translation.activate("en-gb")


@pytest.fixture
def german_agent(team):
    user = StaffFactory(role="agent", teams=[team], username="grete")
    staff_language_set(user=user, language="de")
    return user


@pytest.fixture
def german_client(german_agent):
    client = Client()
    client.force_login(german_agent)
    return client


@pytest.fixture
def german_case(make_case, german_agent):
    customer = CustomerFactory(name="Hans Muster", email="hans@example.com")
    return make_case(
        "listening",
        customer=customer,
        assignee=german_agent,
        by=german_agent,
        subject="Kaputte Vase",
        description="Die Vase war zerbrochen.",
    )


def test_a_german_agent_sees_the_inbox_in_german(german_client, german_case):
    response = german_client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    assert '<html lang="de"' in response.content.decode()
    text = visible(response.content.decode())
    for word in ("Posteingang", "Fälle filtern", "Abmelden", "Zuständig", "Zuhören"):
        assert word in text
    assert english_left(text) == []


def test_a_german_agent_sees_the_case_page_in_german(german_client, german_case):
    response = german_client.get(german_case.get_absolute_url())
    assert response.status_code == 200
    text = visible(response.content.decode())
    for word in ("Die Beschwerde", "Zeitleiste", "Wo dieser Fall steht", "Fristen"):
        assert word in text
    # The timeline words each event kind in German too.
    assert "hat die Beschwerde eingereicht" in text
    assert english_left(text) == []


def test_the_language_is_chosen_on_the_preferences_page(agent_client, agent):
    response = agent_client.post("/notifications/email/", {"language": "de"})
    assert response.status_code == 302
    assert agent.staff.__class__.objects.get(user=agent).language == "de"
    page = agent_client.get("/notifications/email/").content.decode()
    assert "Einstellungen gespeichert." in page
    assert "Sprache meiner Seiten" in page
    # Back to the browser's language: English without an Accept-Language.
    agent_client.post("/notifications/email/", {"language": ""})
    assert SESSION_KEY not in agent_client.session
    assert "Inbox" in visible(agent_client.get("/").content.decode())


def test_an_unknown_language_is_refused_with_the_form(agent_client, agent):
    response = agent_client.post("/notifications/email/", {"language": "xx"})
    assert response.status_code == 200
    assert agent.staff.__class__.objects.get(user=agent).language == ""


def test_the_preference_outranks_the_browser(german_client, german_case):
    response = german_client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Posteingang" in response.content.decode()


def test_an_english_agent_still_sees_english(agent_client, make_case):
    make_case("new")
    text = visible(agent_client.get("/").content.decode())
    assert "Inbox" in text and "Filter cases" in text
    assert "Posteingang" not in text


def test_an_agent_without_a_preference_gets_the_browser_language(agent_client):
    response = agent_client.get("/", **GERMAN)
    assert "Posteingang" in response.content.decode()


def test_a_german_browser_gets_the_complaint_form_in_german(client, db):
    response = client.get("/complain/", **GERMAN)
    assert response.status_code == 200
    text = visible(response.content.decode())
    for word in (
        "Sagen Sie uns, was schiefgelaufen ist",
        "Ihr Name",
        "Ihre Beschwerde",
    ):
        assert word in text
    assert english_left(text) == []


def test_an_english_browser_gets_the_complaint_form_in_english(client, db):
    text = visible(client.get("/complain/").content.decode())
    assert "Tell us what went wrong" in text
    assert "Ihr Name" not in text


def test_form_errors_speak_german_to_a_german_browser(client, db):
    response = client.post("/complain/", {"name": "", "email": "x"}, **GERMAN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bitte nennen Sie uns Ihren Namen." in body
    assert "Please tell us your name." not in body


def test_filing_in_german_makes_a_german_customer_with_a_german_confirmation(
    client, db
):
    response = client.post(
        "/complain/",
        {
            "name": "Hans Muster",
            "email": "hans@example.com",
            "subject": "Kaputte Vase",
            "description": "Die Vase war zerbrochen.",
        },
        **GERMAN,
    )
    assert response.status_code == 302
    assert Customer.objects.get(email="hans@example.com").language == "de"
    mail = Outbox.objects.get(key__endswith=":confirmation")
    assert "Wir haben Ihre Beschwerde erhalten" in mail.subject
    assert "Hallo Hans Muster" in mail.body
    assert "Thank you" not in mail.body
    thanks = client.get(response["Location"], **GERMAN)
    assert "Danke, dass Sie es uns gesagt haben" in thanks.content.decode()


def test_a_german_customer_gets_the_acknowledgement_in_german(make_case, agent):
    customer = CustomerFactory(email="hans@example.com", language="de")
    case = make_case("acknowledged", customer=customer)
    apology = case.messages.get(kind="apology")
    # Acknowledging sent the apology to the customer: in their language.
    mail = Outbox.objects.get(key=f"message:{apology.pk}")
    assert "Es tut uns leid" in mail.subject
    assert mail.body.startswith("Guten Tag")
    assert "Ihr Kundenservice-Team" in mail.body or "für das Kundenservice-Team" in (
        mail.body
    )


def test_an_english_customer_still_gets_english(make_case):
    case = make_case("new", customer=CustomerFactory(email="ada@example.com"))
    with translation.override("de"):  # whatever the page's language
        outbox_id = confirmation_queue(case=case, to="ada@example.com")
    mail = Outbox.objects.get(pk=outbox_id)
    assert "Wir haben" not in mail.subject
    assert "Hallo" not in mail.body


def test_a_german_status_page_for_a_german_browser(client, make_case):
    case = make_case("listening")
    response = client.get(f"/status/{links.status_token(case)}/", **GERMAN)
    assert response.status_code == 200
    text = visible(response.content.decode())
    assert "So ist der Stand" in text
    assert english_left(text) == []


def test_the_login_page_in_german(client, db):
    text = visible(client.get("/accounts/login/", **GERMAN).content.decode())
    assert "Anmelden" in text and "Passwort" in text
    assert english_left(text) == []
