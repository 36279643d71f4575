"""Domain exceptions: business rules refuse with these, never with HTTP errors.

The API maps them to problem+json (409/412/422); the pages turn them into messages.
"""


class DomainError(Exception):
    """A business rule refused the request."""

    title = "Request refused"

    def __init__(self, detail: str, missing: list[str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.missing = list(missing or [])


class TransitionRefused(DomainError):
    """A stage change was refused; `missing` names every unmet prerequisite."""

    title = "Transition refused"

    def __init__(self, reference: str, stage: str, to: str, missing: list[str]) -> None:
        self.reference, self.stage, self.to = reference, stage, to
        super().__init__(
            f"{reference} cannot move from {stage} to {to}: " + ", ".join(missing),
            missing,
        )


class OfferRefused(DomainError):
    """An offer move was refused (wrong status, missing approval, bad amount …)."""

    title = "Offer move refused"


class StaleVersion(DomainError):
    """The case changed since the caller read it."""

    title = "Case changed since you loaded it"

    def __init__(self, reference: str, expected: int, actual: int) -> None:
        self.reference, self.expected, self.actual = reference, expected, actual
        super().__init__(
            f"{reference} is at version {actual}; you edited version {expected}."
        )


class FollowUpRefused(DomainError):
    """A follow-up could not be scheduled or completed."""

    title = "Follow-up refused"


class RelationshipEndRefused(DomainError):
    """The relationship cannot end while something is left open."""

    title = "Relationship cannot end yet"

    def __init__(self, missing: list[str], offers: list[str] | None = None) -> None:
        self.offers = list(offers or [])
        detail = "Finish what is open first: " + ", ".join(missing)
        if self.offers:
            detail += " (accepted, not yet fulfilled: " + "; ".join(self.offers) + ")"
        super().__init__(detail, missing)


class ActionForbidden(DomainError):
    """The acting party's role does not allow this (the API answers 403)."""

    title = "Not allowed"


class InvalidInput(DomainError):
    """A value no part of Redress can store or show safely (CONTRACT §11).

    `missing` names the one field at fault; the API answers 422 with it under
    `errors`, the pages show `detail` beside the form.
    """

    title = "Invalid input"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail, [field])
        self.field = field
