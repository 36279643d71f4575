"""Template filters that put our internal names into the customer's words."""

from django import template

from ..copy import OFFER_KINDS, OFFER_STATUSES
from ..selectors import message_sender

register = template.Library()


@register.filter
def offer_kind(offer) -> str:
    """The offer's kind as a customer would say it."""
    return OFFER_KINDS.get(offer.kind, "Our suggestion")


@register.filter
def offer_status(offer) -> str:
    """Where the offer stands, from the customer's side."""
    return OFFER_STATUSES.get(offer.status, "")


@register.filter
def sender(message) -> str:
    """Who wrote a customer-facing message: "You" or someone from our team."""
    return message_sender(message)
