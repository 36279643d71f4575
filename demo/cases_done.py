"""Demo complaints put right: resolved, being followed up, and closed.

Follow-ups are due, overdue or done; closes cover satisfied, unsatisfied,
declined follow-up, withdrawn, a duplicate and a reopened case.
"""

from .specs import FollowUpSpec as F
from .specs import OfferSpec as O
from .specs import Spec

# fmt: off
RESOLVED = [
    Spec(
        "toaster-wrong", 25, 1.0, "resolved", "Sent a toaster instead of a blender",
        "The packing slip says blender; the box has a two-slice toaster in it.",
        "wrong-item", priority="low", root_cause="picking-error",
        account="Box and slip say blender; contents are a toaster.",
        restatement="So what you are saying is we sent someone else's order.",
        sorry="you received the wrong appliance",
        outcome="The blender, and collect the toaster.",
        offers=(O("replacement", None, ("accept", "fulfil"), "Blender by courier, toaster collected"),),
        resolution="Blender delivered next day; courier collected the toaster at the same time.",
    ),
    Spec(
        "bill-error", 26, 2.5, "resolved", "Bill shows someone else's calls",
        "My phone bill has 40 international calls to numbers I have never rung.",
        "billing", priority="high", root_cause="payment-bug",
        account="Forty calls to Brazil over two weeks; she does not know anyone there.",
        restatement="So what you are saying is you are being billed for another "
        "customer's calls.",
        sorry="your bill was wrong and worrying",
        outcome="Take the calls off and check nobody is using her line.",
        offers=(O("refund", "86.40", ("accept", "fulfil"), "Refund the calls"),),
        resolution="Calls removed (a billing system mix-up between two accounts); line "
        "checked and clean; £86.40 refunded.",
    ),
    Spec(
        "phone-rude", 27, 0.6, "resolved", "Helpline agent hung up on me",
        "When I asked to speak to a manager the agent said 'good luck with that' and "
        "ended the call.",
        "staff-conduct", channel="phone", root_cause="training-gap",
        account="Third call about the same issue; asked for a manager; agent hung up.",
        restatement="So what you are saying is you asked for help and were cut off.",
        sorry="you were hung up on",
        outcome="An apology, and to know it will be dealt with.",
        offers=(O("apology_only", None, ("accept",), "Apology call from the team lead"),),
        resolution="Team lead called and apologised; the call was reviewed with the agent.",
    ),
    Spec(
        "table-late", 28, 1.5, "resolved", "Dining table delivered three weeks late",
        "We had guests for a family dinner and ate off the coffee table.",
        "delivery", root_cause="courier-delay",
        account="Promised before the 10th; came on the 31st after four chase calls.",
        restatement="So what you are saying is we let you down three weeks running and "
        "you had to chase us.",
        sorry="the table came three weeks late",
        outcome=None,
        offers=(
            O("credit", "30.00", ("accept", "fulfil"), "Account credit"),
            O("goodwill_gesture", "15.00", ("accept", "fulfil"), "Flowers sent for the next "
              "family dinner", extra_mile=True),
        ),
        resolution="Credit of £30 applied; flowers sent with a card.",
    ),
]

FOLLOWING_UP = [
    Spec(
        "oven-door", 29, 6.0, "following_up", "Oven door glass cracked",
        "The inner glass cracked the first time we used the grill.",
        "product-fault", assignee="maya", root_cause="manufacturing-defect",
        account="Cracked on first use of the grill; photos sent.",
        restatement="So what you are saying is the oven broke the first time you used it.",
        sorry="your new oven broke on its first use",
        outcome="Fit a new door.",
        offers=(O("redo", None, ("accept", "fulfil"), "Engineer fits a new door"),),
        resolution="New door fitted; engineer checked the grill element too.",
        followups=(F(1), F(7, "email")),
    ),
    Spec(
        "duvet-size", 0, 1.9, "following_up", "Duvet is single size, ordered double",
        "Second time this year something from you has been wrong.",
        "wrong-item", priority="low", root_cause="picking-error",
        account="Ordered a double duvet; received a single; second wrong order this year.",
        restatement="So what you are saying is this keeps happening to you.",
        sorry="we got your order wrong again",
        outcome="The right duvet and some assurance.",
        offers=(O("replacement", None, ("accept", "fulfil"), "Double duvet sent"),),
        resolution="Double duvet delivered; order history flagged for a packing check.",
        followups=(F(1),),
    ),
    Spec(
        "card-double-2", 1, 14.0, "following_up", "Paid twice at the self-checkout",
        "The self-checkout froze and took payment twice for £58.12.",
        "billing", root_cause="payment-bug",
        account="Terminal froze after the first tap; staff told her to tap again.",
        restatement="So what you are saying is our machine and our staff made you pay "
        "twice.",
        sorry="you paid twice",
        outcome="Refund the second payment.",
        offers=(O("refund", "58.12", ("accept", "fulfil"), "Refund"),),
        resolution="Second payment refunded to the card.",
        followups=(F(1, "phone", "satisfied", 4), F(7), F(30, "email")),
    ),
    Spec(
        "lamp-broken", 3, 8.0, "following_up", "Lamp arrived in pieces",
        "The glass shade was shattered inside the box.",
        "delivery", priority="low", root_cause="packaging",
        account="Shade shattered; outer box fine; no padding inside.",
        restatement="So what you are saying is it was packed so it could not survive.",
        sorry="your lamp arrived broken",
        outcome="A new lamp, packed properly.",
        offers=(O("replacement", None, ("accept", "fulfil"), "New lamp, double boxed"),),
        resolution="Replacement sent double boxed; packaging team told.",
        followups=(F(1, "phone", "unreachable"), F(4, "email")),
    ),
    Spec(
        "table-damaged", 6, 5.0, "following_up", "Table scratched by the delivery team",
        "They dragged it across the patio and the top is scratched from end to end.",
        "delivery", escalate=1, root_cause="training-gap",
        account="Saw them drag it; scratches along the whole top; they left in a hurry.",
        restatement="So what you are saying is our team damaged it in front of you.",
        sorry="our team damaged your table",
        outcome="A partial refund; she likes the table.",
        offers=(O("partial_refund", "45.00", ("accept", "fulfil"), "Partial refund"),),
        resolution="£45 refunded; delivery partner warned.",
        followups=(F(1),),
    ),
]

CLOSED = [
    Spec(
        "mattress-sag", 7, 20.0, "closed", "Mattress sagging after two months",
        "There is a deep dip on one side already.",
        "product-fault", assignee="maya", root_cause="manufacturing-defect",
        account="Dip of about 5cm on one side after eight weeks.",
        restatement="So what you are saying is it is failing long before it should.",
        sorry="your mattress is not holding up",
        outcome="A replacement.",
        offers=(O("replacement", None, ("accept", "fulfil"), "New mattress, old removed"),),
        resolution="New mattress delivered and the old one taken away.",
        followups=(F(1, "phone", "satisfied", 5, "Sleeping well, thanked the team."),),
        close="satisfied",
    ),
    Spec(
        "counter-refund", 8, 12.0, "closed", "Refund refused at the till",
        "The store would not refund an unopened item within 14 days.",
        "staff-conduct", channel="in_person", root_cause="training-gap",
        skip_reason="Store manager refunded it on the spot and apologised in person.",
        skip_to="resolved",
        resolution="Refunded at the counter by the store manager.",
        close="no_follow_up",
    ),
    Spec(
        "parcel-found", 9, 5.0, "closed", "Parcel not delivered",
        "Tracking says delivered but I cannot find it.",
        "delivery", priority="low", close="withdrawn", close_from="listening",
    ),
    Spec(
        "fee-again", 7, 1.0, "closed", "Delivery fee charged on free-delivery order",
        "Same as my chat yesterday: I was charged £4.95 delivery on a £64 order.",
        "billing", channel="email", close="duplicate", close_from="new",
        duplicate_of="delivery-fee",
    ),
    Spec(
        "boiler-repeat", 5, 25.0, "closed", "Boiler repair did not fix the fault",
        "The boiler lost pressure again a week after the repair.",
        "service-visit", assignee="maya", root_cause="scheduling",
        account="Pressure dropped again within a week; same symptom as before.",
        restatement="So what you are saying is the repair did not work.",
        sorry="the repair did not fix your boiler",
        outcome="Fix it properly this time.",
        offers=(O("redo", None, ("accept", "fulfil"), "Second engineer visit"),),
        resolution="Pressure valve replaced.",
        followups=(F(1, "phone", "unsatisfied", 2, "Lost pressure again overnight."),),
        reopen=(
            "Follow-up: the boiler lost pressure again overnight.",
            "I am so sorry the first repair did not hold. Will you accept our apology "
            "and let us put it right properly?",
            "Expansion vessel replaced by a senior engineer; pressure stable for a week.",
        ),
        close="satisfied",
    ),
    Spec(
        "headphones", 20, 15.0, "closed", "Headphones stopped charging",
        "One earbud will not charge after a month.",
        "product-fault", priority="low", assignee="maya",
        root_cause="manufacturing-defect",
        account="Left earbud does not charge; tried two cables.",
        restatement="So what you are saying is half of the product stopped working.",
        sorry="your headphones failed so soon",
        outcome="A refund.",
        offers=(O("refund", "49.00", ("accept", "fulfil"), "Full refund"),),
        resolution="Refunded in full; no return needed.",
        followups=(F(1, "email", "unreachable"),),
        close="unsatisfied",
    ),
]
# fmt: on

DONE_CASES = RESOLVED + FOLLOWING_UP + CLOSED
