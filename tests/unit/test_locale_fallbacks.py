"""Each language's catalog chain holds no empty catalog, and answers as before."""

from gettext import GNUTranslations

import pytest
from django.conf import settings
from django.utils.translation import trans_real

from teams.locale import drop_empty_fallbacks


def chain(catalog) -> list:
    links = []
    while catalog is not None:
        links.append(catalog)
        catalog = getattr(catalog, "_fallback", None)
    return links


@pytest.mark.parametrize("code", [code for code, _ in settings.LANGUAGES])
def test_a_language_answers_as_its_full_chain_did(code):
    drop_empty_fallbacks()  # (as at start-up; a settings change in a test resets)
    lean = trans_real.translation(code)
    full = trans_real.DjangoTranslation(code)  # built afresh: every fallback
    # (Another language falls back on the default one: the shared, lean chain.)
    assert any(
        type(c) is GNUTranslations and set(c._catalog) <= {""} for c in chain(full)
    ) == (code == settings.LANGUAGE_CODE)
    assert not any(
        type(c) is GNUTranslations and set(c._catalog) <= {""} for c in chain(lean)
    )
    german = trans_real.DjangoTranslation("de")
    catalog = german._catalog  # (a TranslationCatalog: keys(), no iteration)
    messages = [m for m in catalog.keys() if isinstance(m, str) and m]  # noqa: SIM118
    assert len(messages) > 500
    for message in [*messages, "Not a message anyone marked", ""]:
        assert lean.gettext(message) == full.gettext(message)
        for n in (0, 1, 2, 5):
            assert lean.ngettext(message, message + "s", n) == full.ngettext(
                message, message + "s", n
            )
        assert lean.pgettext("month name", message) == full.pgettext(
            "month name", message
        )
