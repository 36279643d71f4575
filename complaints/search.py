"""Global search: every case a user may see, open or closed, best match first.

One selector, `cases_search`, serves the web search page, the inbox's search box
and the API's `q` filter; `search_hits` adds highlighted snippets for a page.

On PostgreSQL staff search the stored `Case.search_document` (weighted A:
reference and subject, B: description and the customer's account, C: every
message, D: restatement and the customer's name, email and phone; kept by the
triggers of complaints migration 0006) with a `websearch` query, ranked with
`SearchRank`. Trigram indexes (`pg_trgm`) add partial matches of references,
customers' emails, phones and names ("000041", "gmail", "7700 900").

A service client sees only its own cases and the customer as it sent them
(`api.CaseFiling`), so it never searches the shared customer record nor internal
notes: its document is computed on the fly over its own cases only.

On SQLite (`make demo`) every field is matched with `icontains`.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import (
    Case as When_,
)
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Concat, Left, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Case, Message, Visibility
from .search_customers import customers_matching
from .search_index import among, any_of, in_ids, keys, newest_matching
from .selectors import cases_visible_to

CONFIG = "english"
MAX_TEXT = 200
# Rank only the most recent matches: a common word can match most cases, and
# ranking them all would read every document. Rare words rank every match.
RANK_WINDOW = 500
ID_LIMIT = 2000  # a rare text's ids handed to the API's q, at most
TRIGRAM_MIN = 3  # pg_trgm cannot use its index for shorter fragments
# Private-use characters stand for what ts_headline must not see as markup:
# the start and end of a highlight, and "<" and ">" (which it would drop as
# tags). They become HTML only after the text is escaped (see `highlight`).
MARK_START, MARK_STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ue000-\ue003]")


def search_text(raw: str) -> str:
    """Clean what a user typed: no control characters or lone surrogates, bounded."""
    return " ".join(_UNSAFE.sub(" ", raw or "").split())[:MAX_TEXT]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _is_service_client(user) -> bool:
    return getattr(user, "client", None) is not None and getattr(user, "pk", 1) is None


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def _messages_text(*, internal: bool) -> Subquery:
    """The case's messages as one text (customer-facing only unless `internal`)."""
    messages = Message.objects.filter(case=OuterRef("pk"))
    if not internal:
        messages = messages.filter(visibility=Visibility.CUSTOMER)
    return Subquery(
        messages.order_by()
        .values("case")
        .annotate(all=_string_agg("body"))
        .values("all")[:1],
        output_field=TextField(),
    )


def _string_agg(column: str):
    from django.contrib.postgres.aggregates import StringAgg

    return StringAgg(column, delimiter=" ", order_by="id")


def _filed(key: str) -> KeyTextTransform:
    """One key of the customer object the client sent with the case."""
    return KeyTextTransform(key, "api_filing__customer")


def _client_vector() -> SearchVector:
    """A service client's document: its own input and what it may see."""
    return (
        SearchVector("reference", "subject", weight="A", config=CONFIG)
        + SearchVector("description", "customer_account", weight="B", config=CONFIG)
        + SearchVector(_messages_text(internal=False), weight="C", config=CONFIG)
        + SearchVector(
            "restatement",
            _filed("name"),
            _filed("email"),
            _filed("phone"),
            weight="D",
            config=CONFIG,
        )
    )


def _client_fragments(text: str) -> Q:
    """Partial matches of a reference, or the customer as the client sent it."""
    if len(text) < TRIGRAM_MIN:
        return Q(pk__in=[])
    return (
        Q(reference__icontains=text)
        | Q(api_filing__customer__email__icontains=text)
        | Q(api_filing__customer__phone__icontains=text)
        | Q(api_filing__customer__name__icontains=text)
    )


def staff_match(text: str) -> list[Q]:
    """What a staff search matches, as alternatives (any one of them will do).

    The document (GIN); then, for 3+ characters, a part of the reference and
    the customers whose email, phone or name holds the text (trigram indexes).
    Each alternative is one bitmap scan; kept apart, each rechecks only its
    own condition (see `_by_index_only`).
    """
    match = [Q(search_document=_query(text))]
    if len(text) >= TRIGRAM_MIN:
        match.append(Q(reference__icontains=text))
        if customers := customers_matching(text):
            match.append(Q(among("customer_id", customers)))
    return match


def _icontains_q(text: str, *, client: bool) -> Q:
    """The SQLite fallback: every searched field, `icontains`."""
    messages = Message.objects.filter(case=OuterRef("pk"), body__icontains=text)
    if client:
        messages = messages.filter(visibility=Visibility.CUSTOMER)
    match = (
        Q(reference__icontains=text)
        | Q(subject__icontains=text)
        | Q(description__icontains=text)
        | Q(customer_account__icontains=text)
        | Q(restatement__icontains=text)
        | Q(Exists(messages))
    )
    if client:
        return (
            match
            | Q(api_filing__customer__name__icontains=text)
            | Q(api_filing__customer__email__icontains=text)
            | Q(api_filing__customer__phone__icontains=text)
        )
    return (
        match
        | Q(customer__name__icontains=text)
        | Q(customer__email__icontains=text)
        | Q(customer__phone__icontains=text)
    )


def cases_matching(
    cases: QuerySet[Case], text: str, *, user, newest: list[int] | None = None
) -> QuerySet[Case]:
    """Narrow `cases` (already scoped to `user`) to those matching `text`.

    The API's `q` filter calls this on its filtered list; it keeps the
    caller's ordering. An empty or unusable `text` leaves `cases` as they are
    (`newest`: see `newest_matching`).
    """
    text = search_text(text)
    if not text:
        return cases
    client = _is_service_client(user)
    if not _postgres():
        return cases.filter(_icontains_q(text, client=client))
    if client:
        # Annotated, not filtered on the join: a client's document is built
        # for its own cases only, never from another client's filing.
        return cases.annotate(search_doc=_client_vector()).filter(
            Q(search_doc=_query(text)) | _client_fragments(text)
        )
    match = staff_match(text)
    # Only whether the text is common is needed of the newest cases.
    ids, common = newest_matching(
        cases, match, limit=ID_LIMIT, deciding=True, newest=newest
    )
    if common or len(ids) >= ID_LIMIT:
        # Common enough that the caller's newest-first walk soon fills a page.
        return cases.filter(any_of(match))
    return cases.filter(keys(ids) if newest is None else in_ids(ids))


def staff_search(text: str, *, user) -> list[Q] | None:
    """What `text` matches for `user` as alternatives (`staff_match`), for a
    caller that tests them itself; None where `cases_matching` tests the text
    otherwise (a service client, SQLite) or leaves the cases as they are (no
    usable text)."""
    text = search_text(text)
    if not text or not _postgres() or _is_service_client(user):
        return None
    return staff_match(text)


def _rank(text: str, *, client: bool):
    """Full-text rank, plus one for a reference that contains the text."""
    document = _client_vector() if client else F("search_document")
    return SearchRank(document, _query(text)) + When_(
        When(reference__icontains=text, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def cases_search(*, user, text: str) -> QuerySet[Case]:
    """Cases `user` may see (open and closed) matching `text`, best first.

    Rows carry `rank`. Ranking looks at the `RANK_WINDOW` most recent matches
    only (every match of a rarer text): a common word matches most cases, and
    ranking them all would read every document. The trade-off: an older case
    that would rank higher is found by a narrower text, or by the API's `q`,
    which pages through every match newest first. An empty `text` finds
    nothing.
    """
    text = search_text(text)
    if not text:
        return Case.objects.none()
    visible = cases_visible_to(user)
    client = _is_service_client(user)
    if not _postgres() or client:
        matches = cases_matching(visible, text, user=user)
    if not _postgres():
        return matches.annotate(rank=Value(0.0, output_field=FloatField())).order_by(
            "-created_at", "-id"
        )
    if client:
        # A client's own cases only: few, and its document is built on the fly.
        latest = matches.order_by("-created_at", "-id").values_list("pk", flat=True)
        window = list(latest[:RANK_WINDOW])
    else:
        # The window's ids first; then ranking reads only those rows by key.
        window, _ = newest_matching(visible, staff_match(text), limit=RANK_WINDOW)
    return (
        Case.objects.filter(keys(window))
        .annotate(rank=_rank(text, client=client))
        .order_by("-rank", "-created_at", "-id")
    )


def _snippet_source(*, client: bool):
    """What a snippet is cut from: subject, description, account and messages."""
    parts = [
        F("subject"),
        Left("description", 3000),
        Left("customer_account", 3000),
        Left(Coalesce(_messages_text(internal=not client), Value("")), 10000),
    ]
    joined = Concat(
        *[p for part in parts for p in (part, Value(" … "))][:-1],
        output_field=TextField(),
    )
    # The markers must only ever come from ts_headline.
    for private in (MARK_START, MARK_STOP, LT, GT):
        joined = Replace(joined, Value(private), Value(""))
    return Replace(Replace(joined, Value("<"), Value(LT)), Value(">"), Value(GT))


def search_hits(*, user, text: str, limit: int = 25, offset: int = 0) -> list[Case]:
    """One page of `cases_search`, each case with a `snippet` (safe HTML).

    The same queries whatever the page size: the window's ids, then one read
    of the page's rows by rank with their snippets (the page's ids ranked in a
    subquery, so `ts_headline` runs for the shown rows only). Matched words
    are in `<mark>`, the rest escaped.
    """
    text = search_text(text)
    ranked = cases_search(user=user, text=text)
    client = _is_service_client(user)
    # Only the page's rows are read again (not the window), ranked again to
    # be put in order: the same rank, as the same expression.
    rank = _rank(text, client=client) if _postgres() else Value(0.0)
    hits = (
        Case.objects.filter(
            pk__in=Subquery(ranked.values("pk")[offset : offset + limit])
        )
        .annotate(rank=ExpressionWrapper(rank, output_field=FloatField()))
        .order_by(*ranked.query.order_by)
        .select_related("customer", "team", "assignee")
    )
    if _postgres():
        hits = hits.annotate(
            headline=SearchHeadline(
                _snippet_source(client=client),
                _query(text),
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_fragments=2,
                max_words=18,
                min_words=6,
                fragment_delimiter=" … ",
            )
        )
    page = list(hits)
    for case in page:
        source = getattr(case, "headline", None) or case.description[:200]
        case.snippet = highlight(source)
    return page


def highlight(headline: str) -> SafeString:
    """Escape a headline, then turn its markers into `<mark>` elements."""
    safe = str(escape(headline))
    for private, html in (
        (MARK_START, "<mark>"),
        (MARK_STOP, "</mark>"),
        (LT, "&lt;"),
        (GT, "&gt;"),
    ):
        safe = safe.replace(private, html)
    return mark_safe(safe)  # noqa: S308 - escaped above; only our markers are tags
