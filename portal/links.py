"""Signed customer links: only the holder of a link sees that one case or survey.

Tokens are signed with SECRET_KEY (django.core.signing) under their own salt,
so a status token cannot be used as a survey token, and they expire. Each also
carries the case's link epoch when it was made (`link_epoch` for status,
`survey_epoch` for surveys); `complaints.links` moves the epochs on to revoke
links, and the selectors refuse a token whose epoch is behind. A token made
before epochs existed counts as epoch 0.
"""

from django.conf import settings
from django.core import signing

STATUS_SALT = "redress.portal.status"
SURVEY_SALT = "redress.portal.survey"
STATUS_MAX_AGE = 60 * 60 * 24 * 180  # six months
SURVEY_MAX_AGE = 60 * 60 * 24 * 60  # two months


def status_token(case, *, from_form: bool = False) -> str:
    """Return a signed token naming the case (by reference) and its link epoch.

    `from_form` marks the link handed to the browser right after filing on the
    public form: whoever typed the email address may not own it, so that link
    neither shows nor changes the customer's consent, which is shared by all
    their cases. The link emailed to the customer can.
    """
    data = {"c": case.reference, "e": case.link_epoch}
    if from_form:
        data["w"] = 1
    return signing.dumps(data, salt=STATUS_SALT, compress=True)


def survey_token(followup) -> str:
    """Return a signed token naming the follow-up."""
    return signing.dumps(
        {"f": followup.pk, "e": followup.case.survey_epoch},
        salt=SURVEY_SALT,
        compress=True,
    )


def status_url(case) -> str:
    """Absolute URL of the customer's view of their case."""
    return f"{settings.SITE_URL}/status/{status_token(case)}/"


def survey_url(followup) -> str:
    """Absolute URL of the follow-up's satisfaction survey."""
    return f"{settings.SITE_URL}/survey/{survey_token(followup)}/"


def read_status_token(token: str) -> str | None:
    """Return the case reference in a well-signed status token, else None."""
    read = read_status_link(token)
    return read[0] if read else None


def status_token_from_form(token: str) -> bool:
    """Whether a (valid) status token is the browser's link from the form."""
    try:
        data = signing.loads(token, salt=STATUS_SALT, max_age=STATUS_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return isinstance(data, dict) and data.get("w") == 1


def read_survey_token(token: str) -> int | None:
    """Return the follow-up id in a well-signed survey token, else None."""
    read = read_survey_link(token)
    return read[0] if read else None


def read_status_link(token: str) -> tuple[str, int] | None:
    """Return (case reference, link epoch) of a well-signed status token, else None.

    Whether the link is still live is for the caller to check against the case.
    """
    return _read(token, STATUS_SALT, STATUS_MAX_AGE, "c", str)


def read_survey_link(token: str) -> tuple[int, int] | None:
    """Return (follow-up id, survey epoch) of a well-signed survey token, else None."""
    return _read(token, SURVEY_SALT, SURVEY_MAX_AGE, "f", int)


def _read(token: str, salt: str, max_age: int, key: str, kind: type):
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    value, epoch = data.get(key), data.get("e", 0)
    if type(value) is not kind or type(epoch) is not int:
        return None
    return value, epoch
