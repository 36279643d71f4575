"""Global search at scale: phone digits, the ranking window, bounded fragments."""

import pytest
from django.db.models import Q

from complaints import search, search_customers, search_index
from complaints.models import Case
from complaints.search import cases_search, search_hits
from complaints.services import message_post
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def found(user, text: str) -> list[str]:
    return [c.reference for c in cases_search(user=user, text=text)]


@pytest.mark.parametrize(
    "typed", ["7700900123", "7700 900 123", "(7700) 900-123", "+44 7700-900"]
)
def test_a_phone_is_found_whatever_its_spacing(make_case, agent, typed):
    case = make_case(customer=CustomerFactory(phone="+44 7700 900123"))
    make_case(customer=CustomerFactory(phone="+44 7700 800456"))
    assert found(agent, typed) == [case.reference]


@pytest.mark.parametrize("typed", ["07700 900123", "0044 7700 900123", "0123"])
def test_a_phone_is_found_as_dialled_at_home_or_abroad_or_by_its_last_digits(
    make_case, agent, typed
):
    # Stored with its country code; dialled with the trunk "0" or "00" before
    # it, the digits are matched without those leading zeros too.
    case = make_case(customer=CustomerFactory(phone="+44 7700 900123"))
    make_case(customer=CustomerFactory(phone="+44 7700 800456"))
    assert found(agent, typed) == [case.reference]


def test_a_phone_fragment_is_one_prefix_lookup_in_the_suffix_index():
    from django.db import connection, transaction

    from customers.models import Customer

    customer = CustomerFactory(phone="+44 7700 900123")

    def starting(*digits: str):
        return Customer.objects.filter(
            search_customers.PhoneStarts(
                search_customers.PhoneSuffixes("phone"), list(digits)
            )
        )

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = starting("7700901").explain()
    # The digits' suffixes (4 or more) as lexemes: a prefix match in a GIN
    # index, exact. The trigram index of the digits rechecked every phone
    # sharing "770", "700", "009" (every phone of a country, at scale).
    assert "customer_phone_suffixes" in plan
    assert list(starting("7700901")) == []
    assert list(starting("7700901", "0123")) == list(starting("4477")) == [customer]
    assert list(starting("123")) == []  # fewer than 4 digits are not indexed


def test_each_way_a_fragment_names_a_customer_rechecks_only_its_own_condition():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    named = CustomerFactory(email="ann1234@example.com", phone="+44 7700 900999")
    dialled = CustomerFactory(phone="+44 7700 901234")
    with CaptureQueriesContext(connection) as captured:
        assert sorted(search_customers.customers_matching("1234")) == [
            named.pk,
            dialled.pk,
        ]
    (sql,) = [q["sql"] for q in captured.captured_queries]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    # In one OR, each row the email's trigrams hold was rechecked against
    # the phone's suffixes too (computed per row: 35 ms at 625,000 customers).
    rechecks = [line for line in plan if "Recheck Cond" in line]
    assert rechecks and not [line for line in rechecks if " OR " in line], plan


def test_other_digits_or_a_wordy_number_do_not_match_the_phone(make_case, agent):
    make_case(customer=CustomerFactory(phone="+44 7700 900123"))
    assert found(agent, "7700 900 124") == []
    # Letters make it no phone number: its digits are not matched alone.
    assert found(agent, "ref 7700900123") == []


def test_ranking_reads_only_the_most_recent_window(make_case, agent, monkeypatch):
    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    oldest = make_case(subject="The gannet statue cracked")
    newer = []
    for _ in range(2):
        case = make_case()
        message_post(
            by=agent, case=case, body="A gannet, in passing.", visibility="customer"
        )
        newer.append(case.reference)
    # The subject match would rank first, but it is older than the window.
    assert sorted(found(agent, "gannet")) == sorted(newer)
    assert oldest.reference not in found(agent, "gannet")
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    assert found(agent, "gannet")[0] == oldest.reference


def test_a_page_beyond_the_hits_reads_no_rows(
    make_case, agent, django_assert_max_num_queries
):
    make_case(subject="Osprey nest")
    assert [c.subject for c in search_hits(user=agent, text="osprey")] == [
        "Osprey nest"
    ]
    search_hits(user=agent, text="warm")  # the user's teams, read once per user
    with django_assert_max_num_queries(6):
        assert search_hits(user=agent, text="osprey", offset=25) == []


def test_a_fragment_shared_by_many_customers_is_bounded(make_case, agent, monkeypatch):
    monkeypatch.setattr(search_customers, "MAX_CUSTOMERS", 2)
    cases = [
        make_case(customer=CustomerFactory(name=f"Zebedee Quoxhamer{i}"))
        for i in range(3)
    ]
    # "oxhame" is in no document word: only the customer fragment finds these.
    assert len(found(agent, "oxhame")) == 2
    assert set(found(agent, "oxhame")) <= {c.reference for c in cases}


@pytest.mark.parametrize("probe", [2, 1000])
def test_a_rare_or_common_text_finds_the_same_cases(
    make_case, agent, monkeypatch, probe
):
    # With a probe of 2 the old matches are not among the newest cases: the
    # text is rare and comes from the indexes alone.
    monkeypatch.setattr(search_index, "PROBE", probe)
    monkeypatch.setattr(search_index, "COMMON", 2)
    old = [make_case(subject=f"Kestrel {i}").reference for i in range(3)]
    for _ in range(3):
        make_case(subject="Nothing here")
    assert sorted(found(agent, "kestrel")) == sorted(old)
    ids, common = search_index.newest_matching(
        Case.objects.all(), [Q(subject__startswith="Kestrel")], limit=10
    )
    assert common is (probe == 1000)
    assert [Case.objects.get(pk=pk).reference for pk in ids] == old[::-1]


@pytest.mark.parametrize("in_transaction", [False, True])
@pytest.mark.django_db(transaction=True)
def test_the_index_only_plan_ends_with_its_query(
    make_case, agent, monkeypatch, in_transaction
):
    from django.db import connection, transaction

    def index_scans() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_indexscan")
            return cursor.fetchone()[0]

    # A probe of the newest case only, which does not match: the rare path.
    monkeypatch.setattr(search_index, "PROBE", 1)
    case = make_case(subject="Ptarmigan feathers")
    make_case()
    with transaction.atomic() if in_transaction else connection.cursor():
        assert found(agent, "ptarmigan") == [case.reference]
        assert index_scans() == "on"
    assert index_scans() == "on"


def test_a_case_matched_every_way_at_once_is_listed_once(make_case, agent, monkeypatch):
    from customers.services import customer_edit
    from teams.actors import Actor

    monkeypatch.setattr(search_index, "PROBE", 1)  # the rare path: one scan per way
    customer = CustomerFactory()
    case = make_case(customer=customer)
    fragment = case.reference[-6:]
    # The document (the name's word), the reference and the customer's name.
    customer_edit(customer=customer, name=f"Ada {fragment}", by=Actor.system("tests"))
    make_case()
    match = search.staff_match(fragment)
    assert len(match) == 3
    ids, common = search_index.newest_matching(Case.objects.all(), match, limit=10)
    assert (ids, common) == ([case.pk], False)
    assert found(agent, fragment) == [case.reference]


def test_a_queue_smaller_than_the_probe_is_searched_by_the_probe_alone(
    make_case, monkeypatch
):
    # An inbox queue of three cases, with matches outside it: the probe saw
    # the whole queue, so the index path (every match in the table) is not
    # needed, and its answer is the same.
    monkeypatch.setattr(search_index, "PROBE", 4)
    inside = [make_case(subject="Kestrel inside").pk for _ in range(2)]
    for _ in range(3):
        make_case(subject="Kestrel outside")
    queue = Case.objects.filter(pk__in=[*inside, make_case(subject="Nothing").pk])
    match = [Q(subject__startswith="Kestrel")]
    by_index = search_index._by_index_only(queue, match, limit=10)
    assert by_index == inside[::-1]

    def index_read(*args, **kwargs):
        raise AssertionError("the probe had read the whole queue")

    monkeypatch.setattr(search_index, "_by_index_only", index_read)
    assert search_index.newest_matching(queue, match, limit=10) == (by_index, False)
    assert search_index.newest_matching(queue, match, limit=10, deciding=True) == (
        by_index,
        False,
    )


def test_ids_are_sent_as_one_array_literal_and_read_the_same_rows(make_case):
    from django.db.models import F

    made = [make_case().pk for _ in range(3)]
    assert search_index.id_array([3, 1, 2]) == "{3,1,2}"
    assert search_index.id_array([]) == "{}"
    with pytest.raises((TypeError, ValueError)):
        search_index.id_array(["1}; SELECT 1 --"])
    wanted = [made[2], made[0], 10**12]  # (one that no case has)
    for q in (
        search_index.in_ids(wanted),
        Q(search_index.keys(wanted)),
        Q(search_index.Among(F("pk"), wanted)),
    ):
        assert sorted(Case.objects.filter(q).values_list("pk", flat=True)) == sorted(
            made[::2]
        )
    assert not Case.objects.filter(search_index.in_ids([])).exists()
