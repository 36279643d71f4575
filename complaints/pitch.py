"""The pitch warning: does a customer-facing message read like a sales pitch?

Selling to someone who is still upset tells them their problem matters less
than the next sale, so the method says never to pitch or upsell to an unhappy
customer. This module holds the small, documented rule set behind the warning
shown to agents (and usable by the API). It is advice, not a block: the agent
may still send, and the message is then stored with `pitch_warning=True`.

Each rule is a named list of phrases matched case-insensitively on word
boundaries. A goodwill discount or credit is part of putting things right, so
"discount" and "credit" alone never trigger; inviting the customer to buy,
upgrade or browse more does.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PitchRule:
    code: str
    advice: str
    phrases: tuple[str, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(
            re.escape(p).replace(r"\ ", r"\s+") for p in self.phrases
        )
        return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


RULES: tuple[PitchRule, ...] = (
    PitchRule(
        "upgrade",
        "suggests an upgrade or a more expensive plan",
        (
            "upgrade",
            "upgrading",
            "upsell",
            "premium plan",
            "premium membership",
            "pro plan",
            "higher tier",
            "add-on",
            "add on",
        ),
    ),
    PitchRule(
        "promotion",
        "advertises a promotion or a sale",
        (
            "limited time",
            "limited-time",
            "special offer",
            "exclusive deal",
            "exclusive offer",
            "act now",
            "don't miss",
            "do not miss",
            "while stocks last",
            "flash sale",
            "black friday",
            "best deal",
        ),
    ),
    PitchRule(
        "cross_sell",
        "recommends other products instead of fixing this one",
        (
            "you might also like",
            "you may also like",
            "why not try",
            "check out our",
            "our new collection",
            "our latest",
            "new arrivals",
            "while you're here",
            "while you are here",
            "customers also bought",
        ),
    ),
    PitchRule(
        "buy_now",
        "asks the customer to buy, subscribe or sign up",
        (
            "buy now",
            "order now",
            "shop now",
            "subscribe",
            "sign up",
            "add to cart",
            "add to basket",
            "purchase another",
            "buy another",
        ),
    ),
)


def pitch_warnings(text: str) -> list[str]:
    """Return one warning per rule the text breaks, naming the words that did it."""
    warnings: list[str] = []
    for rule in RULES:
        found = _unique(m.group(0) for m in rule.pattern.finditer(text or ""))
        if found:
            quoted = ", ".join(f"“{word}”" for word in found)
            warnings.append(f"This {rule.advice} ({quoted}).")
    return warnings


def _unique(words) -> list[str]:
    seen: dict[str, str] = {}
    for word in words:
        seen.setdefault(" ".join(word.lower().split()), word)
    return list(seen.values())
