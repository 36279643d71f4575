"""Demo complaints still being heard, apologised for or negotiated.

new → listening → acknowledged → resolving: each stage has several, some
late against their SLA, some escalated, offers in every open status.
"""

from .specs import OfferSpec as O
from .specs import Spec

# fmt: off
NEW = [
    Spec(
        "sofa-late", 0, 0.15, "new", "Sofa delivery is two weeks late",
        "I ordered a three-seater sofa with delivery promised for the 3rd. It is now two "
        "weeks later, the tracking page still says 'preparing' and nobody calls back.",
        "delivery", assignee=None,
    ),
    Spec(
        "double-charge-sub", 1, 1.6, "new", "Charged twice for my annual plan",
        "My card statement shows two payments of £89.00 for the annual plan on the same "
        "day. I only have one account. Please refund the second one.",
        "billing", priority="high", channel="email", assignee=None,
    ),
    Spec(
        "driver-rude", 2, 0.08, "new", "Delivery driver swore at my father",
        "The driver delivering our fridge freezer shouted and swore at my 78-year-old "
        "father because the lift was out of order. He was very shaken.",
        "staff-conduct", priority="high", channel="phone", assignee="tom",
    ),
    Spec(
        "dishwasher-leak", 3, 4.2, "new", "New dishwasher leaks onto the floor",
        "Installed last month. Every cycle leaves a puddle under the door and the kitchen "
        "floor is starting to lift. I have sent two emails with photos.",
        "product-fault", assignee=None, escalate=1,
    ),
    Spec(
        "shoes-size", 4, 0.04, "new", "Wrong size trainers sent",
        "Order 55102: I ordered size 9 and received size 7. The box label says 9.",
        "wrong-item", priority="low", channel="api", assignee=None, via_api=True,
    ),
    Spec(
        "hob-sparks", 5, 0.3, "new", "Gas hob sparks and smells of gas",
        "Since the service visit on Monday the front left burner clicks, sparks and there "
        "is a smell of gas. I have turned the supply off. Please send someone today.",
        "service-visit", priority="urgent", channel="phone", assignee="maya",
    ),
]

LISTENING = [
    Spec(
        "parcel-missing", 6, 0.9, "listening", "Parcel marked delivered, never arrived",
        "Tracking says left in the porch at 14:02. I was home all day and there is no "
        "porch: I live in a flat.",
        "delivery",
        account="He was at home working all afternoon; the doorbell never rang. The photo "
        "in the tracking shows a red door, his is grey. Neighbours have nothing.",
    ),
    Spec(
        "delivery-fee", 7, 1.2, "listening", "Charged a delivery fee on a free-delivery order",
        "The basket said free delivery over £50. I spent £64.20 and was charged £4.95.",
        "billing", channel="chat",
    ),
    Spec(
        "engineer-no-show", 8, 3.1, "listening", "Engineer missed the appointment twice",
        "I took two days off work for a boiler repair and nobody came either time. No "
        "call, no text. I still have no heating.",
        "service-visit", priority="high", channel="phone", assignee="maya",
        escalate=1,
        account="Booked 8-12 on Tuesday and again on Thursday; waited in both times; "
        "heating off for nine days with a toddler at home. Lost two days' pay.",
        notes=("Dispatch says the job was dropped from the route twice; checking why.",),
    ),
    Spec(
        "hold-time", 9, 0.6, "listening", "Ninety minutes on hold",
        "I waited an hour and a half on your helpline to change an address and was cut "
        "off when I finally got through.",
        "staff-conduct", priority="low", channel="social", assignee="tom",
    ),
    Spec(
        "books-damaged", 10, 1.8, "listening", "Books arrived crushed and wet",
        "Four hardback books in a thin paper bag; two covers torn and one soaked.",
        "delivery", priority="low",
        account="A birthday present for her niece; two books ruined, one wet through; "
        "the bag had split open at the bottom.",
    ),
    Spec(
        "points-vanished", 11, 2.4, "listening", "My loyalty points disappeared",
        "I had 4,300 points saved for Christmas and the balance now shows zero.",
        "billing", from_customer=("Screenshot from October attached showing 4,300 points.",),
    ),
]

ACKNOWLEDGED = [
    Spec(
        "refund-missing", 12, 2.2, "acknowledged", "Refund not received after return",
        "I returned a coat on the 2nd with tracked post. Your warehouse signed for it but "
        "three weeks later no refund has arrived.",
        "billing", priority="high", channel="email",
        account="Returned a £140 coat, has the tracking receipt showing it was signed for; "
        "was told twice on chat that the refund was 'processing'.",
        restatement="So what you are saying is we have had your coat back for three weeks, "
        "kept your money, and given you the runaround when you asked.",
        sorry="you have waited three weeks for money that is yours",
    ),
    Spec(
        "drum-noise", 13, 1.4, "acknowledged", "Washing machine drum grinds loudly",
        "Four months old; it now sounds like a cement mixer on every spin.",
        "product-fault", assignee="maya",
        account="Noise began suddenly mid-cycle last week; it is getting worse and she is "
        "afraid to use it; video shared on the call.",
        restatement="So what you are saying is a nearly new machine has become unusable "
        "and you have no washing machine at all now.",
        sorry="your nearly new machine has let you down",
    ),
    Spec(
        "price-promise", 14, 0.7, "acknowledged", "Store refused to honour the price promise",
        "Your advert says you match any local price. The staff member laughed and said "
        "'not online prices, obviously'. The advert says nothing of the sort.",
        "staff-conduct", channel="in_person",
        account="Showed the competitor's page on his phone; the staff member refused and "
        "made fun of him in front of other customers.",
        restatement="So what you are saying is we broke our own promise and embarrassed "
        "you while doing it.",
        sorry="our own promise was broken and you were treated with disrespect",
    ),
    Spec(
        "screen-protector", 15, 0.5, "acknowledged", "Screen protector fitted badly",
        "The in-store fitting left bubbles and dust under the glass.",
        "service-visit", priority="low", channel="in_person", assignee="maya",
        account="Paid £15 for fitting; bubbles across the top third; dust under the glass.",
        restatement="So what you are saying is you paid for a professional fitting and "
        "got a worse result than doing it yourself.",
        sorry="the fitting you paid for was not done properly",
    ),
    Spec(
        "birthday-late", 16, 1.1, "acknowledged", "Birthday present arrived a day late",
        "I paid £6.99 for guaranteed next-day delivery. It came the day after the party.",
        "delivery", channel="chat", escalate=1,
        account="Paid for guaranteed next-day; son's birthday present missed the party.",
        restatement="So what you are saying is you paid extra for a guarantee we did not "
        "keep, on the one day it mattered.",
        sorry="your son's present missed his birthday",
    ),
]


def _heard(account: str, restatement: str, sorry: str, outcome: str | None) -> dict:
    return {
        "account": account,
        "restatement": restatement,
        "sorry": sorry,
        "outcome": outcome,
    }


RESOLVING = [
    Spec(
        "double-charge-card", 17, 1.9, "resolving", "Card charged twice for one order",
        "Order 77120 for £129.99 was taken from my account twice.",
        "billing", priority="high", root_cause="payment-bug",
        offers=(O("refund", "129.99", description="Refund the second payment"),),
        **_heard(
            "Two identical payments on her statement; the bank says both are settled.",
            "So what you are saying is we took your money twice for one order.",
            "we took your money twice",
            "The duplicate payment back, and an explanation so it does not happen again.",
        ),
    ),
    Spec(
        "kettle-colour", 18, 0.8, "resolving", "Received a blue kettle, ordered black",
        "The kettle is fine but it is bright blue and the kitchen is black and chrome.",
        "wrong-item", priority="low", root_cause="picking-error",
        offers=(O("replacement", description="Black kettle by courier, collect the blue"),),
        **_heard(
            "Ordered the black model; the box label says black; the kettle is blue.",
            "So what you are saying is we sent the wrong colour in the right box.",
            "we sent the wrong kettle",
            "Swap it for the black one.",
        ),
    ),
    Spec(
        "suit-late", 19, 2.6, "resolving", "Wedding suit delivered after the wedding",
        "I ordered the suit a month early. It came two days after my brother's wedding "
        "and I had to hire one at the last minute for £95.",
        "delivery", priority="high", root_cause="courier-delay",
        offers=(
            O("partial_refund", "40.00", ("counter",), "Refund the delivery and 20% off",
              counter="The cost of the hired suit, £95."),
            O("partial_refund", "95.00", ("approve",), "Cover the hire cost"),
        ),
        **_heard(
            "Ordered four weeks ahead; courier held it at a depot for nine days; had to "
            "hire a suit for £95 the evening before the wedding.",
            "So what you are saying is our delay cost you £95 and a lot of stress on an "
            "important day.",
            "our delay spoiled an important day",
            "The hire cost back.",
        ),
    ),
    Spec(
        "fridge-dead", 20, 3.5, "resolving", "Fridge stopped cooling after ten days",
        "All the food spoiled. It is under warranty but the repair slot is in three weeks.",
        "product-fault", assignee="maya", escalate=2, root_cause="manufacturing-defect",
        offers=(
            O("refund", "649.00", ("reject",), "Full refund and keep it"),
            O("replacement", description="New fridge delivered Friday, old one removed"),
            O("goodwill_gesture", "25.00", (), "Towards the spoiled food",
              extra_mile=True),
        ),
        **_heard(
            "Fridge stopped cooling on day ten; lost a full weekly shop; family of five "
            "using a cool box.",
            "So what you are saying is a brand-new fridge failed, you lost your food, and "
            "the earliest repair leaves you without one for three weeks.",
            "you have been without a working fridge",
            "A new fridge this week, not a repair.",
        ),
    ),
    Spec(
        "rude-cashier", 21, 1.3, "resolving", "Cashier mocked my accent",
        "The cashier repeated everything I said in a fake accent and her colleague laughed.",
        "staff-conduct", channel="email", root_cause="training-gap",
        offers=(
            O("goodwill_gesture", "20.00", ("decline",), "Gift card"),
            O("apology_only", description="A written apology from the store manager"),
        ),
        **_heard(
            "Happened at the Leeds store on Saturday at about 3pm; two staff involved.",
            "So what you are saying is our staff humiliated you at the till.",
            "you were mocked by our staff",
            "No voucher; she wants the store manager to apologise and staff to be trained.",
        ),
    ),
    Spec(
        "install-missed", 22, 2.1, "resolving", "Washer installation never happened",
        "The installer left the machine in the hall and said plumbing is not his job.",
        "service-visit", assignee="maya", root_cause="scheduling",
        offers=(O("redo", None, ("accept",), "Engineer visit Thursday 8-10am"),),
        **_heard(
            "Paid £35 for installation; machine left in the hallway; installer would not "
            "connect it.",
            "So what you are saying is you paid for installation and got a delivery.",
            "you paid for installation and did not get it",
            "Someone to install it properly this week.",
        ),
    ),
    Spec(
        "cancelled-charges", 23, 1.7, "resolving", "Still billed after cancelling",
        "I cancelled my membership in September and was billed again in October.",
        "billing", awaiting=True, root_cause="payment-bug",
        offers=(
            O("credit", "25.00", ("withdraw",), "Account credit"),
            O("refund", "25.00", (), "Refund October's fee to the card"),
        ),
        **_heard(
            "Cancelled by phone on 28 September, has the confirmation email; charged "
            "£25 on 1 October.",
            "So what you are saying is we kept charging you after confirming you had left.",
            "we charged you after you cancelled",
            None,
        ),
    ),
    Spec(
        "laptop-data", 24, 5.5, "resolving", "Repair shop wiped my laptop",
        "I sent my laptop for a keyboard repair and it came back reset to factory "
        "settings. Three years of photos are gone. Nobody warned me.",
        "service-visit", priority="urgent", assignee="maya", escalate=2,
        root_cause="training-gap",
        offers=(
            O("refund", "180.00", (), "Refund the repair and pay for data recovery"),
        ),
        **_heard(
            "Repair form had no warning about a reset; lost three years of family photos; "
            "was told 'that is standard'.",
            "So what you are saying is we destroyed irreplaceable photos without warning "
            "and then shrugged it off.",
            "we wiped your photos without warning you",
            "Pay for a professional data recovery attempt and refund the repair.",
        ),
    ),
]
# fmt: on

OPEN_CASES = NEW + LISTENING + ACKNOWLEDGED + RESOLVING
