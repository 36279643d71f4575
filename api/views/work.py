"""/api/v1/offers/{id}/{verb}/ and /api/v1/followups/{id}/{complete,cancel}/."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from complaints import lifecycle
from followups.services import followup_cancel, followup_complete

from .. import selectors
from ..permissions import MANAGE, HasScopeOrStaffRole, IsApprover
from ..serializers.work import (
    EmptyIn,
    FollowUpCancelIn,
    FollowUpCompleteIn,
    FollowUpSerializer,
    OfferCounterIn,
    OfferFulfilIn,
    OfferNoteIn,
    OfferSerializer,
)
from .base import ApiViewSet
from .complaints import actor_of


def _offer_move(verb: str, service, body, doc: str):
    """Build the action that moves an offer with `service`."""

    @extend_schema(request=body, responses={200: OfferSerializer}, summary=doc)
    def move(self, request, pk: str):
        offer = self.get_object()
        self.require_object_body()
        data = self.valid(body)
        offer = service(offer=offer, by=actor_of(request), **data)
        return Response(OfferSerializer(offer).data)

    move.__name__ = verb
    return action(detail=True, methods=["post"], url_path=verb)(move)


class OfferViewSet(ApiViewSet):
    """Offers, moved by id; each verb is one lifecycle move (`cases:manage`).

    pending_approval → proposed (approve, team leads and managers only) →
    accepted | declined | countered | withdrawn; accepted → fulfilled. A move
    the offer's status does not allow is 409 with the status it needs.
    """

    permission_classes = [HasScopeOrStaffRole, IsApprover]
    serializer_class = OfferSerializer
    required_scopes = {"*": MANAGE}
    problem_statuses = {"*": (409, 422)}
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        return selectors.api_offers(user=self.request.user)

    approve = _offer_move(
        "approve", lifecycle.offer_approve, EmptyIn, "Approve an offer above the limit"
    )
    reject = _offer_move(
        "reject",
        lifecycle.offer_reject,
        OfferNoteIn,
        "Reject an offer above the limit",
    )
    accept = _offer_move(
        "accept", lifecycle.offer_accept, EmptyIn, "The customer accepted"
    )
    decline = _offer_move(
        "decline", lifecycle.offer_decline, OfferNoteIn, "The customer declined"
    )
    counter = _offer_move(
        "counter",
        lifecycle.offer_counter,
        OfferCounterIn,
        "The customer asked for something else",
    )
    withdraw = _offer_move(
        "withdraw", lifecycle.offer_withdraw, OfferNoteIn, "Withdraw the offer"
    )
    fulfil = _offer_move(
        "fulfil", lifecycle.offer_fulfil, OfferFulfilIn, "The offer was carried out"
    )


class FollowUpViewSet(ApiViewSet):
    """Follow-ups, completed by id (`cases:manage`); unsatisfied reopens the case."""

    serializer_class = FollowUpSerializer
    required_scopes = {"*": MANAGE}
    problem_statuses = {"*": (409, 422)}
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        return selectors.api_followups(user=self.request.user)

    @extend_schema(
        request=FollowUpCompleteIn,
        responses={200: FollowUpSerializer},
        summary="Record a follow-up's outcome (unsatisfied reopens the case)",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk: str):
        followup = self.get_object()
        self.require_object_body()
        data = self.valid(FollowUpCompleteIn)
        followup = followup_complete(followup=followup, by=actor_of(request), **data)
        return Response(FollowUpSerializer(followup).data)

    @extend_schema(
        request=FollowUpCancelIn,
        responses={200: FollowUpSerializer},
        summary="Cancel a scheduled follow-up",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk: str):
        followup = self.get_object()
        self.require_object_body()
        data = self.valid(FollowUpCancelIn)
        followup = followup_cancel(followup=followup, by=actor_of(request), **data)
        return Response(FollowUpSerializer(followup).data)
