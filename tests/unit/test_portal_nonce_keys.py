"""The portal's once-only guard keys its cache entries by a digest of the
form's nonce, so that whatever a client puts in the hidden field makes a key
every cache backend accepts (memcached refuses spaces, control characters and
keys over 250 bytes), and a double submit is still caught."""

import warnings

import pytest
from django.core.cache import CacheKeyWarning, cache

from portal.guards import PENDING, submission_claim, submission_done, submission_release

HOSTILE = [
    "lone \ud800 surrogate",
    '"><img src=x onerror=alert(1)>',
    "+cmd|' /C calc'!A0",
    "tab\tand\nnewline",
    "x" * 64,
]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("nonce", HOSTILE)
def test_a_hostile_nonce_makes_a_key_every_backend_accepts(nonce):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert submission_claim(nonce=nonce) is None
        assert submission_claim(nonce=nonce) == PENDING
        submission_done(nonce=nonce, result="case:7")
        assert submission_claim(nonce=nonce) == "case:7"
        submission_release(nonce=nonce)
        assert submission_claim(nonce=nonce) is None
    assert not [w for w in caught if issubclass(w.category, CacheKeyWarning)]


def test_two_nonces_differing_only_past_a_prefix_are_two_submissions():
    assert submission_claim(nonce="a" * 63 + "b") is None
    assert submission_claim(nonce="a" * 63 + "c") is None
