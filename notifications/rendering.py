"""How an email reads: staff notifications rendered from `templates/emails/`,
customer emails through `settings.CUSTOMER_EMAIL_RENDERER` (the templates
managers edit) in the customer's language. Rendering writes nothing.
"""

import functools
import re
from typing import Any

from django.conf import settings
from django.template.loader import get_template
from django.utils import translation
from django.utils.module_loading import import_string

_SPACES = re.compile(r"\s+")


def render_message(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render `emails/<template>_subject.txt` and `emails/<template>.txt`."""
    subject = _template(f"emails/{template}_subject.txt").render(context)
    body = _template(f"emails/{template}.txt").render(context)
    return _SPACES.sub(" ", subject).strip()[:300], body.strip()


def render_customer_email(
    template: str, context: dict[str, Any], case: Any
) -> dict[str, Any]:
    """Render an email to a customer: subject, body, html and threading headers.

    `settings.CUSTOMER_EMAIL_RENDERER` (a dotted path, set to the mail app's
    renderer) renders the templates managers edit; without it, the files.
    Either renders in the customer's language (the site's when they have none).
    """
    with translation.override(customer_language(case)):
        path = getattr(settings, "CUSTOMER_EMAIL_RENDERER", "")
        if path:
            return import_string(path)(template=template, context=context, case=case)
        subject, body = render_message(template, {**context, "case": case})
        return {"subject": subject, "body": body}


def customer_language(case: Any) -> str:
    """The language to write to the case's customer in."""
    customer = getattr(case, "customer", None)
    return getattr(customer, "language", "") or settings.LANGUAGE_CODE


@functools.lru_cache(maxsize=64)
def _template(name: str) -> Any:
    # A due pass renders thousands of messages from a handful of templates.
    return get_template(name)
