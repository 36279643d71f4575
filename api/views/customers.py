"""/api/v1/customers/: list, match-or-create, read with history, edit."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from customers.services import customer_match_or_create, customer_set_consent

from .. import selectors
from ..permissions import MANAGE, READ, STAFF_ONLY
from ..serializers.customers import (
    CustomerCreateIn,
    CustomerDetailSerializer,
    CustomerPatchIn,
    CustomerSerializer,
)
from ..services import customer_edit
from .base import ApiViewSet
from .complaints import actor_of


class CustomerViewSet(mixins.ListModelMixin, ApiViewSet):
    """Customers and their history. Staff see everyone; a service client only
    the customers of the cases it filed, and cannot create customers (they are
    created by filing). Reading needs `complaints:read`, editing `cases:manage`.
    """

    serializer_class = CustomerSerializer
    lookup_value_regex = r"\d+"
    filter_backends = []
    required_scopes = {
        "list": READ,
        "retrieve": READ,
        # Staff only: a service client that could create (and so match by
        # email) any customer would read back people it has no case with.
        "create": STAFF_ONLY,
        "partial_update": MANAGE,
    }
    problem_statuses = {"create": (409,)}

    def get_queryset(self):
        if self.action == "list":
            return selectors.api_customers(user=self.request.user).order_by("-id")
        return selectors.api_customers_with_history(user=self.request.user)

    def render_customer(self, customer, code=status.HTTP_200_OK) -> Response:
        customer = self.get_queryset().get(pk=customer.pk)
        handler = selectors.api_customer_last_handler(customer=customer)
        context = {**self.get_serializer_context(), "last_handled_by": handler}
        return Response(CustomerDetailSerializer(customer, context=context).data, code)

    @extend_schema(
        request=CustomerCreateIn,
        responses={201: CustomerDetailSerializer, 200: CustomerDetailSerializer},
        summary="Find the customer (external_ref, else email) or create them",
    )
    def create(self, request):
        self.require_object_body()
        data = dict(self.valid(CustomerCreateIn))
        consent = data.pop("consent_to_contact", None)
        customer, created = customer_match_or_create(**data)
        if consent is not None:
            customer = customer_set_consent(customer=customer, consent=consent)
        return self.render_customer(customer, 201 if created else 200)

    @extend_schema(responses={200: CustomerDetailSerializer}, summary="A customer")
    def retrieve(self, request, pk: str):
        return self.render_customer(self.get_object())

    @extend_schema(
        request=CustomerPatchIn,
        responses={200: CustomerDetailSerializer},
        summary="Edit contact details or consent",
    )
    def partial_update(self, request, pk: str):
        customer = self.get_object()
        self.require_object_body()
        customer = customer_edit(
            customer=customer, by=actor_of(request), **self.valid(CustomerPatchIn)
        )
        return self.render_customer(customer)
