"""Each staff member's own language: remembered in their session at login.

`LocaleMiddleware` picks the browser's language (Accept-Language) for
everyone; a staff member who chose a language on their preferences page gets
that one instead. The choice is copied into the session at login (and when
changed), so applying it costs no query per request.
"""

from collections.abc import Callable
from gettext import GNUTranslations
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_KEY = "redress_language"


def supported_language(value: str | None) -> str:
    """Return the supported language `value` names (`de-AT` → `de`), or ''."""
    if not value:
        return ""
    try:
        return translation.get_supported_language_variant(value.strip().lower())
    except LookupError:
        return ""


def language_of(user: AbstractBaseUser) -> str:
    """Return the language the staff member chose, '' for none (or no profile)."""
    from .models import StaffProfile

    # Read afresh: a profile cached on the user may predate the choice.
    chosen = (
        StaffProfile.objects.filter(user=user)
        .values_list("language", flat=True)
        .first()
    )
    return supported_language(chosen)


def remember_language(request: HttpRequest, language: str) -> None:
    """Keep `language` ('' for the browser's) for the rest of this session."""
    if language:
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


def on_login(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **_: Any
) -> None:
    """Copy the staff member's language into the new session."""
    if request is not None and hasattr(request, "session"):
        remember_language(request, language_of(user))


class StaffLanguageMiddleware:
    """Activate the signed-in staff member's language, when they chose one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        chosen = session.get(SESSION_KEY) if session is not None else None
        language = supported_language(chosen)
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def drop_empty_fallbacks() -> None:
    """Take the catalogs that hold no message out of each language's chain.

    Django merges every app's catalog for a language into one, and chains
    behind it the fallbacks gettext found beside them: for British English,
    the `en` catalogs of admin, auth, contenttypes, sessions and humanize,
    each holding only its header. A message British English leaves as it is
    (most of them) was looked up in all seven, 25 µs each, and an inbox page
    looks up some 900 (a third of its rendering). Dropping them changes no
    answer: an empty catalog passes every lookup on to the next, and the
    last answers with the message itself, as the one before it now does.
    """
    from django.utils.translation import trans_real

    for code, _name in settings.LANGUAGES:
        link = trans_real.translation(code)
        while link is not None:
            after = getattr(link, "_fallback", None)
            while _holds_nothing(after):
                after = after._fallback
            link._fallback = after
            link = after


def _holds_nothing(catalog: object) -> bool:
    return (
        type(catalog) is GNUTranslations
        and set(catalog._catalog) <= {""}  # (the header only)
    )
