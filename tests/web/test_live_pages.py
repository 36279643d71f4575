"""The live pages' polls: the inbox and the case page answer 304 while nothing
changed, the fresh regions when something did, and nothing to strangers."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.services import case_assign, case_update, message_post
from web.selectors.live import presence_mark

pytestmark = pytest.mark.django_db


def page_etag(html: str) -> str:
    """The ETag the page hands to static/live.js."""
    found = re.search(r'data-live-etag="([^"]*)"', html)
    assert found, "the page carries no live ETag"
    return found.group(1).replace("&quot;", '"')


def poll(client, url: str, etag: str = ""):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(url, **headers)


def queue_count(html: str, queue: str) -> int:
    found = re.search(rf'\?queue={queue}"[^>]*>\s*[^<]*<span class="count">(\d+)', html)
    assert found, f"no {queue} badge"
    return int(found.group(1))


# The inbox ---------------------------------------------------------------------


def test_the_inbox_polls_to_304_until_a_case_changes_then_shows_it(
    agent_client, lead, make_case, django_capture_on_commit_callbacks
):
    case = make_case("new", subject="First subject")
    etag = page_etag(agent_client.get("/?queue=unassigned").content.decode())
    url = "/live/inbox/?queue=unassigned"
    unchanged = poll(agent_client, url, etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    with django_capture_on_commit_callbacks(execute=True):  # the event stream
        case_update(case=case, by=lead, subject="Renamed by the lead")
    changed = poll(agent_client, url, etag)
    body = changed.content.decode()
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Renamed by the lead" in body and 'id="inbox-list"' in body
    assert poll(agent_client, url, changed["ETag"]).status_code == 304


def test_the_queue_counts_move_after_a_take_and_after_someone_elses_change(
    agent, agent_client, lead, make_case, django_capture_on_commit_callbacks
):
    first, second = make_case("new"), make_case("new")
    html = agent_client.get("/").content.decode()
    assert queue_count(html, "mine") == 0 and queue_count(html, "unassigned") == 2
    etag = page_etag(html)
    with django_capture_on_commit_callbacks(execute=True):
        taken = agent_client.post(
            f"/cases/{first.reference}/take/", {"version": first.version}
        )
    assert taken.status_code in (200, 302)
    after_take = poll(agent_client, "/live/inbox/", etag)
    html = after_take.content.decode()
    assert queue_count(html, "mine") == 1 and queue_count(html, "unassigned") == 1
    # The lead hands the other case to the agent: the agent's badges move too,
    # though the agent's own counts were cached a moment ago.
    with django_capture_on_commit_callbacks(execute=True):
        case_assign(case=second, assignee=agent, by=lead)
    after_assign = poll(agent_client, "/live/inbox/", after_take["ETag"])
    html = after_assign.content.decode()
    assert queue_count(html, "mine") == 2 and queue_count(html, "unassigned") == 0


def test_the_inbox_poll_leaves_flash_messages_to_the_page(agent_client, make_case):
    case = make_case("new")
    agent_client.post(f"/cases/{case.reference}/take/", {"version": case.version})
    polled = agent_client.get("/live/inbox/")
    assert (
        polled.status_code == 200
        and "The case is yours." not in polled.content.decode()
    )
    assert "The case is yours." in agent_client.get("/").content.decode()


def test_an_unchanged_inbox_poll_costs_the_same_few_queries_however_many_cases(
    agent_client, make_case
):
    make_case("new")
    first = poll(agent_client, "/live/inbox/")
    with CaptureQueriesContext(connection) as one:
        assert poll(agent_client, "/live/inbox/", first["ETag"]).status_code == 304
    for _ in range(8):
        make_case("new")
    second = poll(agent_client, "/live/inbox/")
    with CaptureQueriesContext(connection) as nine:
        assert poll(agent_client, "/live/inbox/", second["ETag"]).status_code == 304
    assert len(one) == len(nine) <= 5


def test_the_inbox_poll_needs_a_login(client):
    assert client.get("/live/inbox/").status_code == 302


# The case page -------------------------------------------------------------------


def test_the_case_polls_to_304_then_shows_who_changed_it_and_the_timeline(
    agent, agent_client, lead, make_case
):
    case = make_case("listening")
    html = agent_client.get(case.get_absolute_url()).content.decode()
    etag = page_etag(html)
    url = re.search(r'data-live-url="([^"]*)"', html).group(1).replace("&amp;", "&")
    assert poll(agent_client, url, etag).status_code == 304
    message_post(
        case=case, body="A note <b>from</b> the lead", visibility="internal", by=lead
    )
    changed = poll(agent_client, url, etag)
    body = changed.content.decode()
    assert changed.status_code == 200
    assert f"Changed by {lead.get_username()} just now" in body
    assert 'id="timeline"' in body and "<b>from" not in body
    # The agent's own change moves the page on, and says nothing about it.
    fresh = agent_client.get(case.get_absolute_url()).content.decode()
    url = re.search(r'data-live-url="([^"]*)"', fresh).group(1)
    case.refresh_from_db()
    message_post(case=case, body="My own note", visibility="internal", by=agent)
    mine = poll(agent_client, url, page_etag(fresh))
    assert mine.status_code == 200 and "Changed by" not in mine.content.decode()


def test_the_case_page_says_who_else_has_it_open(
    agent, agent_client, lead_client, make_case
):
    case = make_case("listening")
    html = agent_client.get(case.get_absolute_url()).content.decode()
    assert "also working on this case" not in html
    etag = page_etag(html)
    lead_client.get(case.get_absolute_url())  # the lead opens it
    url = f"/cases/{case.reference}/live/"
    answer = poll(agent_client, url, etag)
    body = answer.content.decode()
    assert answer.status_code == 200 and "also working on this case" in body
    lead_page = lead_client.get(case.get_absolute_url()).content.decode()
    assert f"{agent.get_username()} is also working on this case" in lead_page


def test_presence_lists_only_people_who_may_see_the_case(
    agent_client, other_agent, make_case
):
    case = make_case("listening")
    # Someone who saw the case a moment ago, and has since lost sight of it.
    presence_mark(case=case, user=other_agent)
    html = agent_client.get(case.get_absolute_url()).content.decode()
    assert other_agent.get_username() not in html
    assert "also working on this case" not in html


def test_the_case_poll_is_404_to_whoever_may_not_see_the_case(other_client, make_case):
    case = make_case("listening")
    assert other_client.get(f"/cases/{case.reference}/live/").status_code == 404
    assert other_client.get("/cases/C-0000-NOPE/live/").status_code == 404


def test_a_nonsense_seen_is_taken_as_nothing_seen(agent_client, make_case):
    case = make_case("listening")
    for seen in ("abc", "-1", "9" * 40, "\x00"):
        answer = agent_client.get(f"/cases/{case.reference}/live/", {"seen": seen})
        assert answer.status_code == 200


def test_an_unchanged_case_poll_costs_the_same_few_queries_however_long_the_case(
    agent_client, lead, make_case
):
    def cost(case) -> int:
        url = f"/cases/{case.reference}/live/?seen=0"
        etag = poll(agent_client, url)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            assert poll(agent_client, url, etag).status_code == 304
        return len(queries)

    short = make_case("listening")
    long = make_case("listening")
    for n in range(10):
        message_post(case=long, body=f"note {n}", visibility="internal", by=lead)
    assert cost(short) == cost(long) <= 6


def test_a_viewer_who_stops_polling_drops_out_after_the_presence_lifetime(
    agent, lead, make_case, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from web.selectors import live

    case = make_case("listening")
    presence_mark(case=case, user=lead)
    assert live.others_present_ids(case=case, user=agent) == [lead.pk]
    later = timezone.now() + timedelta(seconds=live.PRESENCE_TTL + 1)
    monkeypatch.setattr(live.timezone, "now", lambda: later)
    assert live.others_present_ids(case=case, user=agent) == []
