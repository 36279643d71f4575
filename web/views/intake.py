"""The "New case" page: staff file a complaint taken by phone or in person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from complaints.exceptions import DomainError
from complaints.intake import case_file_by_staff
from complaints.models import Category
from customers.selectors import customers_visible_to
from customers.services import customer_match_or_create
from teams.selectors import role_of

from .. import forms
from ..selectors.inbox import forget_counts

MATCHES = 10


def _staff_only(request: HttpRequest) -> None:
    if role_of(request.user) is None:
        raise PermissionDenied(gettext("Only staff file complaints for a customer."))


def _file(request: HttpRequest, d: dict):
    """Find or create the customer, then file the case (raise DomainError)."""
    if d["customer"]:
        customer = customers_visible_to(request.user).filter(pk=d["customer"]).first()
        if customer is None:
            raise DomainError(gettext("No such customer."), ["customer"])
    else:
        customer, _created = customer_match_or_create(
            email=d["email"],
            name=d["name"].strip(),
            phone=d["phone"].strip(),
            by=request.user,
        )
    category = None
    if d["category"]:
        category = Category.objects.filter(pk=d["category"], active=True).first()
        if category is None:
            raise DomainError(gettext("No such category."), ["category"])
    return case_file_by_staff(
        by=request.user,
        customer=customer,
        subject=d["subject"],
        description=d["description"],
        channel=d["channel"],
        priority=d["priority"],
        category=category,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = forms.NewCaseForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = _file(request, form.cleaned_data)
            except DomainError as exc:
                error = exc.detail
            else:
                forget_counts(request.user)
                messages.success(
                    request,
                    gettext("%(reference)s filed.") % {"reference": case.reference},
                )
                return redirect(case.get_absolute_url())
        status = 400
    context = {
        "form": form,
        "error": error,
        "categories": list(Category.objects.filter(active=True)),
    }
    return render(request, "web/case_new.html", context, status=status)


@login_required
@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    """The customers matching what was typed, among those the user may see (htmx)."""
    _staff_only(request)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    found = []
    if len(q) >= 2:
        found = list(
            customers_visible_to(request.user)
            .filter(
                Q(name__icontains=q) | Q(email__icontains=q) | Q(phone__icontains=q)
            )
            .order_by("name", "id")[:MATCHES]
        )
    return render(request, "web/_customer_matches.html", {"found": found, "q": q})
