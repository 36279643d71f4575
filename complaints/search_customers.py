"""The customers a search's fragment names: by email, phone or name.

A part of an email or a name is found by the trigram indexes; a phone-like
fragment by the suffixes of each phone's digits (complaints migration 0011),
so "07700 900123" finds "+44 7700 900123". Used by `complaints.search` for
staff searches: the cases of these customers match too.
"""

import re

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Func, Lookup, Q

MAX_CUSTOMERS = 1000  # customers matched by a fragment, per search
# A fragment made only of these is a phone number: it matches the digits of a
# customer's phone, whatever spaces or punctuation either side has.
PHONE_LIKE = re.compile(r"^[\d\s+().-]+$")
PHONE_DIGITS_MIN = 4


def customers_matching(text: str) -> list[int]:
    """Customers whose email, phone or name holds `text`: at most MAX_CUSTOMERS.

    Ids first (trigram indexes), so the case side stays index scans (a
    subquery there would walk every case). Whole words of names and emails
    are in the document too; this adds fragments.
    """
    from customers.models import Customer

    phone = Q(phone__icontains=text)
    if PHONE_LIKE.match(text) and (digits := _phone_fragments(text)):
        phone = Q(PhoneStarts(PhoneSuffixes("phone"), digits))
    # Each way its own scan (UNION ALL): in one OR, every row a trigram index
    # only may hold is rechecked against the whole OR (a phone's suffixes
    # computed for 2,600 emails holding "333": 35 ms at 625,000 customers).
    # Unordered: the first MAX_CUSTOMERS found, so a fragment that many
    # customers share ("gmail") stops early instead of reading them all.
    first, *others = [
        Customer.objects.filter(way).order_by().values_list("pk", flat=True)
        for way in (Q(email__icontains=text), phone, Q(name__icontains=text))
    ]
    found = first.union(*others, all=True)[:MAX_CUSTOMERS]
    return list(dict.fromkeys(found))


def _phone_fragments(text: str) -> list[str]:
    """The digits a phone-like `text` stands for: as typed and, typed with a
    trunk or international prefix ("07700 900123", "0044 7700 …"), without
    its leading zeros, as the number is stored after its country code. Only
    runs of `PHONE_DIGITS_MIN` digits or more: fewer match too many phones."""
    digits = re.sub(r"\D", "", text)
    return [
        d
        for d in dict.fromkeys((digits, digits.lstrip("0")))
        if len(d) >= PHONE_DIGITS_MIN
    ]


class PhoneSuffixes(Func):
    """The suffixes of a phone's digits (4 or more), as lexemes: the
    expression of complaints migration 0011's GIN index."""

    function = "redress_phone_suffixes"
    template = "%(function)s((%(expressions)s)::text)"
    output_field = SearchVectorField()


class PhoneStarts(Lookup):
    """`suffixes @@ 'd1':* | 'd2':*`: one of the suffixes starts with one of
    the digit runs (digits only, so quoted as they are)."""

    lookup_name = "phone_starts"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        query = " | ".join(f"'{d}':*" for d in self.rhs if d.isascii() and d.isdigit())
        return f"{lhs} @@ %s::tsquery", (*params, query)
