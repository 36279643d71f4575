"""The customer page: their whole history with us, as the viewer may see it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from customers.selectors import customer_for, representative_of, vulnerability_of
from records.holds import holds_of_customer, may_manage_records
from records.retention import retention_of_customer

from ..selectors.history import customer_history


@login_required
@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_for(request.user, customer_id)
    if customer is None:
        raise Http404(_("No such customer."))
    history = customer_history(customer=customer, user=request.user, now=timezone.now())
    context = {
        "history": history,
        "customer": customer,
        "vulnerability": vulnerability_of(customer),
        "representative": representative_of(customer),
    }
    if may_manage_records(request.user):
        context["holds"] = holds_of_customer(customer)
        context["retention"] = retention_of_customer(customer)
    return render(request, "web/customer.html", context)
