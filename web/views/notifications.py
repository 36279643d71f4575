"""The staff notifications: the history page, the header bell, marking read, email choices."""

from hashlib import sha256

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import (
    condition,
    require_GET,
    require_http_methods,
    require_POST,
)

from notifications.models import Notification, NotificationKind
from notifications.selectors import email_kinds_of, notifications_for, unread_state
from notifications.services import (
    email_preference_set,
    notification_mark_read,
    notifications_mark_all_read,
)
from teams.locale import language_of, remember_language
from teams.services import staff_language_set

PAGE_SIZE = 30


class EmailPreferenceForm(django_forms.Form):
    kinds = django_forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        required=False,
        widget=django_forms.CheckboxSelectMultiple,
        label=gettext_lazy("Also send me an email for"),
    )
    language = django_forms.ChoiceField(
        choices=[("", gettext_lazy("My browser's language")), *settings.LANGUAGES],
        required=False,
        label=gettext_lazy("Language of my pages"),
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """Every notification of the user, newest first, a page at a time."""
    paginator = Paginator(notifications_for(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "web/notifications.html", {"page": page})


def _bell_etag(request: HttpRequest) -> str | None:
    if not request.user.is_authenticated:
        return None
    count, newest = unread_state(request.user)
    return sha256(f"{request.user.pk}:{count}:{newest}".encode()).hexdigest()[:32]


@login_required
@require_GET
@condition(etag_func=_bell_etag)
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell's unread count (htmx polls it; 304 while nothing changed)."""
    count, _newest = unread_state(request.user)
    response = render(request, "web/_bell.html", {"unread": count})
    patch_cache_control(response, private=True, no_cache=True)
    return response


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.",
            "%(count)d notifications marked read.",
            count,
        )
        % {"count": count},
    )
    back = "web:notifications" if request.POST.get("next") == "list" else "web:inbox"
    return redirect(back)


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the user's notifications read and go to what it is about."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient=request.user
    ).first()
    if notification is None:
        raise Http404(_("No such notification."))
    notification_mark_read(notification=notification, user=request.user)
    if notification.case_id:
        return redirect(f"/cases/{notification.case.reference}/")
    if notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("web:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    """Choose which kinds of notification also come by email, and the language."""
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST)
        if form.is_valid():
            email_preference_set(user=request.user, kinds=form.cleaned_data["kinds"])
            language = staff_language_set(
                user=request.user, language=form.cleaned_data["language"]
            )
            remember_language(request, language)
            messages.success(request, _("Preferences saved."))
            return redirect("web:email_preferences")
    else:
        form = EmailPreferenceForm(
            initial={
                "kinds": email_kinds_of(request.user),
                "language": language_of(request.user),
            }
        )
    return render(request, "web/email_preferences.html", {"form": form})
