"""The histograms of the durations, from which a long period's percentiles come.

A duration (business seconds to the first response, to resolution, to the
first apology) is counted in a bucket of whole seconds: `BUCKETS` buckets
per doubling. The rollup holds each day's counts per bucket
("<histogram>:<bucket>", `HISTOGRAMS`); a percentile then counts each case
at its bucket's middle, so it is within `ERROR` of the exact one (times the
seconds plus one). Periods of up to `figures.EXACT` days read exact
percentiles from the facts instead.
"""

import math
from typing import Any

from django.db.models import F, IntegerField
from django.db.models.functions import Cast, Floor, Ln

BUCKETS = 32
ERROR = (2 ** (1 / BUCKETS) - 1) / 2
SLACK = 1e-9  # so that a power of two is not rounded into the bucket below
HISTOGRAMS = {"first_response": "hf", "resolution": "hr", "first_apology": "ha"}


def bucket_expression(seconds: str) -> Cast:
    """`bucket_of` the column `seconds`, in floating point on every database."""
    scaled = Ln(F(seconds) + 1.0) * (BUCKETS / math.log(2)) + SLACK
    return Cast(Floor(scaled), IntegerField())


def bucket_of(seconds: int) -> int:
    """The histogram bucket of a duration: log2(seconds + 1) times BUCKETS,
    rounded down."""
    return math.floor(math.log(seconds + 1) * (BUCKETS / math.log(2)) + SLACK)


def bucket_value(bucket: int) -> float:
    """The middle of the whole seconds in histogram `bucket`: those whose
    log2(seconds + 1) times BUCKETS rounds down to it."""
    low, high = (math.ceil(2 ** (b / BUCKETS) - 1) for b in (bucket, bucket + 1))
    return (low + high - 1) / 2


def histogram_percentile(row: dict[str, int], name: str, fraction: float) -> Any:
    """The continuous percentile of duration `name` from its histogram in `row`
    (counts by "<histogram>:<bucket>"), each case at its bucket's middle:
    within ERROR of the exact one."""
    prefix = f"{HISTOGRAMS[name]}:"
    found = sorted(
        (int(key[len(prefix) :]), n) for key, n in row.items() if key.startswith(prefix)
    )
    total = sum(n for _, n in found)
    if not total:
        return None
    position = (total - 1) * fraction
    wanted, values, seen = {math.floor(position), math.ceil(position)}, {}, 0
    for bucket, n in found:
        for rank in wanted:
            if seen <= rank < seen + n:
                values[rank] = bucket_value(bucket)
        seen += n
    low, high = values[math.floor(position)], values[math.ceil(position)]
    return low + (high - low) * (position - math.floor(position))
