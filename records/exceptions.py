"""Refusals of retention and data-rights work (mapped like every DomainError)."""

from complaints.exceptions import DomainError


class RecordsRefused(DomainError):
    """A hold, an anonymisation or an export was refused; `missing` says why."""

    title = "Refused by the retention rules"
