"""/api/v1/customers/: list, match-or-create, read with history, edit.

For staff only (CONTRACT §9): a service client meets a customer only inside
the cases it filed, as what it sent (see the case serializers), so every
action here answers it 403. Staff see and edit the customers of the cases they
may see (managers: all), through `customers.selectors.customers_visible_to`;
any other customer is 404. Creating a customer outside filing is for managers.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from complaints.links import customer_edit_ending_links
from customers.selectors import may_create_customers
from customers.services import customer_match_or_create, customer_set_consent

from .. import selectors
from ..permissions import STAFF_ONLY
from ..serializers.customers import (
    CustomerCreateIn,
    CustomerDetailSerializer,
    CustomerPatchIn,
    CustomerSerializer,
)
from .base import ApiViewSet
from .complaints import actor_of, client_of


class CustomerViewSet(mixins.ListModelMixin, ApiViewSet):
    """Customers and their history, for staff: the customers of the cases you
    may see (managers: everyone). Service clients get 403 on every action: they
    see a customer only within the cases they filed. Only managers create.
    """

    serializer_class = CustomerSerializer
    lookup_value_regex = r"\d+"
    filter_backends = []
    required_scopes = {"*": STAFF_ONLY}

    def get_queryset(self):
        if self.action == "list":
            return selectors.api_customers(user=self.request.user).order_by("-id")
        return selectors.api_customers_with_history(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "client": client_of(self.request)}

    def render_customer(self, customer, code=status.HTTP_200_OK) -> Response:
        customer = self.get_queryset().get(pk=customer.pk)
        handler = selectors.api_customer_last_handler(
            customer=customer, user=self.request.user
        )
        context = {**self.get_serializer_context(), "last_handled_by": handler}
        return Response(CustomerDetailSerializer(customer, context=context).data, code)

    @extend_schema(
        request=CustomerCreateIn,
        responses={201: CustomerDetailSerializer, 200: CustomerDetailSerializer},
        summary="Find the customer (your external_ref, else email) or create them "
        "(managers)",
    )
    def create(self, request):
        if not may_create_customers(request.user):
            raise PermissionDenied("Only a manager may create a customer this way.")
        self.require_object_body()
        data = dict(self.valid(CustomerCreateIn))
        consent = data.pop("consent_to_contact", None)
        by = actor_of(request)
        customer, created = customer_match_or_create(
            **data, client=client_of(request), by=by
        )
        if consent is not None:
            customer = customer_set_consent(customer=customer, consent=consent, by=by)
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
        customer = customer_edit_ending_links(
            customer=customer, by=actor_of(request), **self.valid(CustomerPatchIn)
        )
        return self.render_customer(customer)
