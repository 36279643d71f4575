"""The staff notification list's actions (the list itself sits on the inbox)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from notifications.models import Notification
from notifications.services import notification_mark_read, notifications_mark_all_read


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' * (count != 1)} marked read.")
    return redirect("web:inbox")


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the user's notifications read and go to what it is about."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient=request.user
    ).first()
    if notification is None:
        raise Http404("No such notification.")
    notification_mark_read(notification=notification, user=request.user)
    if notification.case_id:
        return redirect(f"/cases/{notification.case.reference}/")
    if notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("web:inbox")
