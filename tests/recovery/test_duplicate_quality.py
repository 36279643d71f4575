"""Precision and recall of duplicate detection on a labelled set of 240 pairs.

The rule under test is the one `likely_duplicates` applies: the same customer
and texts that read alike (`reads_alike`, trigram similarity as pg_trgm). On
PostgreSQL the same pairs are also scored by pg_trgm's own `similarity()`.
"""

import pytest
from django.db import connection

from service_recovery.duplicates import DUPLICATE_THRESHOLD, reads_alike
from tests.recovery.duplicate_pairs import labelled_pairs

MIN_PRECISION = 0.9
MIN_RECALL = 0.85


def measure(pairs, alike) -> tuple[float, float]:
    tp = fp = fn = 0
    for pair in pairs:
        flagged = pair.same_customer and alike(pair.a, pair.b)
        tp += flagged and pair.duplicate
        fp += flagged and not pair.duplicate
        fn += pair.duplicate and not flagged
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)


def test_the_labelled_set_is_big_and_balanced():
    pairs = labelled_pairs()
    assert len(pairs) >= 200
    assert {p.kind for p in pairs} == {"again", "other problem", "other customer"}
    assert sum(p.duplicate for p in pairs) >= 80


def test_duplicate_detection_precision_and_recall():
    precision, recall = measure(labelled_pairs(), reads_alike)
    print(
        f"\nduplicates (python trigrams): precision {precision:.3f} recall {recall:.3f}"
    )
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


@pytest.mark.postgres
@pytest.mark.django_db
def test_duplicate_detection_with_pg_trgm():
    def alike(a: str, b: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            return cursor.fetchone()[0] >= DUPLICATE_THRESHOLD

    precision, recall = measure(labelled_pairs(), alike)
    print(f"\nduplicates (pg_trgm): precision {precision:.3f} recall {recall:.3f}")
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
