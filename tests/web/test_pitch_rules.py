"""The pitch warning rule set (complaints.pitch)."""

import pytest

from complaints.pitch import RULES, pitch_warnings


@pytest.mark.parametrize(
    "text",
    [
        "You could upgrade to our premium plan.",
        "Don't miss our special offer this week!",
        "While you're here, check out our new collection.",
        "Subscribe to our newsletter for deals.",
        "Buy   now and save.",
    ],
)
def test_sales_language_is_flagged(text):
    assert pitch_warnings(text)


@pytest.mark.parametrize(
    "text",
    [
        "We are sorry. Will you accept our apology?",
        "We will refund you in full and add a 10% discount on your next order.",
        "I have credited your account with 20 EUR.",
        "",
    ],
)
def test_apologies_and_goodwill_are_not_flagged(text):
    assert pitch_warnings(text) == []


def test_each_warning_names_the_words_that_triggered_it():
    [warning] = pitch_warnings("Consider an UPGRADE, or upgrading.")
    assert "“UPGRADE”" in warning and "“upgrading”" in warning


def test_one_warning_per_rule_broken():
    text = "Upgrade now! Limited time. You might also like this. Buy now."
    assert len(pitch_warnings(text)) == len(RULES)


def test_words_inside_other_words_do_not_count():
    assert pitch_warnings("Please describe your subscriber number.") == []
