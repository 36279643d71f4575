"""Signed customer links: only the holder of a link sees that one case or survey.

Tokens are signed with SECRET_KEY (django.core.signing) under their own salt,
so a status token cannot be used as a survey token, and they expire.
"""

from django.conf import settings
from django.core import signing

STATUS_SALT = "redress.portal.status"
SURVEY_SALT = "redress.portal.survey"
STATUS_MAX_AGE = 60 * 60 * 24 * 180  # six months
SURVEY_MAX_AGE = 60 * 60 * 24 * 60  # two months


def status_token(case, *, from_form: bool = False) -> str:
    """Return a signed token naming the case (by reference).

    `from_form` marks the link handed to the browser right after filing on the
    public form: whoever typed the email address may not own it, so that link
    neither shows nor changes the customer's consent, which is shared by all
    their cases. The link emailed to the customer can.
    """
    data = {"c": case.reference, "w": 1} if from_form else {"c": case.reference}
    return signing.dumps(data, salt=STATUS_SALT, compress=True)


def survey_token(followup) -> str:
    """Return a signed token naming the follow-up."""
    return signing.dumps({"f": followup.pk}, salt=SURVEY_SALT, compress=True)


def status_url(case) -> str:
    """Absolute URL of the customer's view of their case."""
    return f"{settings.SITE_URL}/status/{status_token(case)}/"


def survey_url(followup) -> str:
    """Absolute URL of the follow-up's satisfaction survey."""
    return f"{settings.SITE_URL}/survey/{survey_token(followup)}/"


def read_status_token(token: str) -> str | None:
    """Return the case reference in a valid status token, else None."""
    return _read(token, STATUS_SALT, STATUS_MAX_AGE, "c")


def status_token_from_form(token: str) -> bool:
    """Whether a (valid) status token is the browser's link from the form."""
    return _read(token, STATUS_SALT, STATUS_MAX_AGE, "w") == 1


def read_survey_token(token: str) -> int | None:
    """Return the follow-up id in a valid survey token, else None."""
    return _read(token, SURVEY_SALT, SURVEY_MAX_AGE, "f")


def _read(token: str, salt: str, max_age: int, key: str):
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return data.get(key) if isinstance(data, dict) else None
