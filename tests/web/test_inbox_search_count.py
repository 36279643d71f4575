"""A searched inbox counts its matches only up to a cap, and still pages on.

A common word in All open matches hundreds of thousands of cases: counting
them all took over a second at 1M cases. Beyond the cap the page says "more
than N" and offers next/previous.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

CAP, PER_PAGE = 3, 2


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr("web.views.inbox.SEARCH_COUNT_CAP", CAP)
    monkeypatch.setattr("web.views.inbox.PAGE_SIZE", PER_PAGE)


def _teapots(make_case, n: int) -> list[str]:
    return [make_case("new", subject=f"Smashed teapot {i}").reference for i in range(n)]


def _refs(response) -> list[str]:
    return [c.reference for c in response.context["page"].object_list]


def test_a_search_matching_more_than_the_cap_says_more_than_and_pages_on(
    agent_client, make_case, small_cap
):
    made = _teapots(make_case, 7)
    make_case("new", subject="Late delivery")
    seen, number = [], 1
    while True:
        response = agent_client.get(f"/?queue=all&q=teapot&page={number}")
        html = response.content.decode()
        assert "more than 3 cases" in html
        assert "of 4" not in html  # no page total: it was not counted
        page = response.context["page"]
        assert len(_refs(response)) <= PER_PAGE
        seen += _refs(response)
        assert ('rel="prev"' in html) is (number > 1)
        if not page.has_next():
            assert 'rel="next"' not in html
            break
        assert 'rel="next"' in html
        number += 1
    assert number == 4
    assert sorted(seen) == sorted(made)  # each match once, the last page short


def test_a_search_within_the_cap_is_counted_exactly(agent_client, make_case, small_cap):
    _teapots(make_case, 3)
    html = agent_client.get("/?queue=all&q=teapot").content.decode()
    assert "3 cases, page 1 of 2" in html and "more than" not in html


def test_an_unsearched_queue_is_counted_whole(agent_client, make_case, small_cap):
    _teapots(make_case, 5)
    html = agent_client.get("/?queue=all").content.decode()
    assert "5 cases, page 1 of 3" in html and "more than" not in html
    html = agent_client.get("/?queue=all&priority=normal").content.decode()
    assert "5 cases, page 1 of 3" in html and "more than" not in html


def _queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_capped_search_reads_a_fixed_number_of_queries(
    agent_client, make_case, small_cap
):
    _teapots(make_case, 4)
    few = _queries(agent_client, "/?queue=all&q=teapot")
    later = _queries(agent_client, "/?queue=all&q=teapot&page=2")
    _teapots(make_case, 9)
    assert _queries(agent_client, "/?queue=all&q=teapot") == few
    assert _queries(agent_client, "/?queue=all&q=teapot&page=2") == later


@pytest.mark.parametrize("number", ["99999999999999999999", "100001", "-3", "x"])
def test_a_page_number_far_past_the_cap_is_answered_not_a_500(
    agent_client, make_case, small_cap, number
):
    # Past the cap there is no page total to clamp to: an absurd page number
    # must not reach the database as an OFFSET beyond its range.
    _teapots(make_case, 7)
    response = agent_client.get(f"/?queue=all&q=teapot&page={number}")
    assert response.status_code == 200
    assert "more than 3 cases" in response.content.decode()
