"""A labelled set of complaint pairs for measuring duplicate detection.

Positives: one customer sending the same complaint again (reworded a little,
typos, a greeting or signature added, forwarded from another channel, cut
short). Negatives: the same customer with a different problem (sharing the
greeting, order-number phrasing and signature), and different customers using
the same wording (same text, but not the same customer's complaint).
"""

import random
from dataclasses import dataclass

PROBLEMS = [
    (
        "Kettle stopped working",
        "My new kettle stopped heating after three days. The light comes on but the water stays cold.",
    ),
    (
        "Parcel arrived damaged",
        "The box was crushed and the vase inside was broken into pieces when the courier delivered it.",
    ),
    (
        "Charged twice",
        "I was charged twice for the same order on my credit card statement and need one payment refunded.",
    ),
    (
        "Wrong size delivered",
        "I ordered the jacket in medium but received a large, and the returns page will not let me exchange it.",
    ),
    (
        "Late delivery",
        "My order was promised for Monday and it still has not arrived, the tracking has not moved for a week.",
    ),
    (
        "Rude driver",
        "The delivery driver shouted at my elderly mother and threw the parcel over the gate into the garden.",
    ),
    (
        "Refund not received",
        "You confirmed my refund two weeks ago but the money has not reached my bank account yet.",
    ),
    (
        "Missing item",
        "The order came without the charging cable although it is listed on the packing slip.",
    ),
    (
        "Subscription cancelled",
        "My subscription was cancelled without warning and I lost access to all my saved recipes.",
    ),
    (
        "Faulty washing machine",
        "The washing machine leaks water from the door seal on every wash and flooded the kitchen floor.",
    ),
    (
        "App keeps crashing",
        "Your mobile app crashes every time I open the basket, so I cannot complete my order on my phone.",
    ),
    (
        "Voucher rejected",
        "The birthday voucher you emailed me is rejected at checkout with an error saying it has expired.",
    ),
    (
        "Installation missed",
        "The engineer never came for the installation appointment and nobody called to explain why.",
    ),
    (
        "Food was cold",
        "The meal delivery arrived cold and the salad was wilted, clearly it had been waiting for hours.",
    ),
    (
        "Account locked",
        "My account got locked after a password reset and the support chat keeps disconnecting me.",
    ),
    (
        "Overcharged for shipping",
        "I paid express shipping but the parcel came by standard post five days later than promised.",
    ),
]
GREETINGS = ["", "Hello, ", "Hi there. ", "Dear customer service, ", "Good morning, "]
SIGNATURES = [
    "",
    " Thanks, Anna",
    " Regards, J. Smith",
    " Sent from my iPhone",
    " Please help.",
]
ORDER = " Order number {n}."
SYNONYMS = {
    "stopped": "quit",
    "broken": "smashed",
    "received": "got",
    "still": "yet",
    "arrived": "came",
    "money": "payment",
    "every": "each",
    "never": "did not",
    "order": "purchase",
    "week": "seven days",
    "cold": "lukewarm",
    "error": "message",
}


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same_customer: bool
    duplicate: bool
    kind: str


def _typos(text: str, rng: random.Random, count: int) -> str:
    chars = list(text)
    for _ in range(count):
        i = rng.randrange(1, len(chars) - 1)
        if chars[i].isalpha():
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _reword(text: str, rng: random.Random, share: float) -> str:
    words = text.split()
    return " ".join(
        SYNONYMS.get(w, w) if w in SYNONYMS and rng.random() < share else w
        for w in words
    )


def _dressed(subject: str, body: str, rng: random.Random, n: int) -> str:
    order = ORDER.format(n=n) if rng.random() < 0.6 else ""
    return f"{subject} {rng.choice(GREETINGS)}{body}{order}{rng.choice(SIGNATURES)}"


def _again(subject: str, body: str, rng: random.Random, n: int) -> str:
    """The same complaint sent again, as customers really do."""
    style = rng.choice(["reword", "typos", "forward", "short", "chase"])
    if style == "reword":
        body = _reword(body, rng, 0.6)
    elif style == "typos":
        body = _typos(body, rng, 4)
    elif style == "forward":
        subject = f"Fwd: {subject}"
        body = f"I wrote this on your website already. {body}"
    elif style == "short":
        body = body[: max(40, int(len(body) * 0.7))]
    else:
        body = f"Still waiting for an answer. {body} Nobody has replied."
    return _dressed(subject, body, rng, n)


def labelled_pairs(seed: int = 7, count: int = 240) -> list[Pair]:
    """`count` pairs: 40% duplicates, 40% same customer different problem,
    20% different customers with the same wording."""
    rng = random.Random(seed)
    pairs = []
    for i in range(count):
        n = rng.randrange(10_000, 99_999)
        subject, body = rng.choice(PROBLEMS)
        first = _dressed(subject, body, rng, n)
        roll = i % 5
        if roll in (0, 1):
            pairs.append(
                Pair(first, _again(subject, body, rng, n), True, True, "again")
            )
        elif roll in (2, 3):
            other_subject, other_body = rng.choice(
                [p for p in PROBLEMS if p[0] != subject]
            )
            second = _dressed(other_subject, other_body, rng, n)
            pairs.append(Pair(first, second, True, False, "other problem"))
        else:
            second = _dressed(subject, body, rng, rng.randrange(10_000, 99_999))
            pairs.append(Pair(first, second, False, False, "other customer"))
    return pairs
