"""Spotting a commitment in a message: the pure function behind promise suggestions."""

import pytest

from service_recovery.promises import commitments_in


@pytest.mark.parametrize(
    "text, found",
    [
        (
            "I will call you back this afternoon.",
            ["I will call you back this afternoon."],
        ),
        ("We'll refund the full amount.", ["We'll refund the full amount."]),
        ("Your parcel goes out tomorrow!", ["Your parcel goes out tomorrow!"]),
        ("A courier collects it by Friday.", ["A courier collects it by Friday."]),
        (
            "Sorry about this. We will replace it. Thanks again.",
            ["We will replace it."],
        ),
        ("Thank you for telling us.", []),
        ("Will you accept our apology?", []),
        ("Williams will be in touch", []),
        ("", []),
    ],
)
def test_commitments_are_the_sentences_that_promise_something(text, found):
    assert commitments_in(text) == found


def test_a_repeated_commitment_is_suggested_once():
    assert commitments_in("We will call. We will call.") == ["We will call."]
