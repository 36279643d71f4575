"""Whole numbers read from requests: ASCII digits only, and not too many.

`str.isdigit()` is true for "²", "①" and "٣" and for a string of thousands
of digits; `int()` refuses the first two (a ValueError, so a 500) and the
last (Python's limit on digits). Every request value meant as a whole number
goes through `whole_number`.
"""

MAX_DIGITS = 18  # fits a PostgreSQL bigint


def whole_number(value: object, *, max_digits: int = MAX_DIGITS) -> int | None:
    """`value` as a non-negative int if it is 1..max_digits ASCII digits, else None."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= max_digits
        and value.isascii()
        and value.isdigit()
    ):
        return int(value)
    return None
