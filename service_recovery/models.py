"""Problems (many cases, one cause) and promises (what an agent said we would do).

The complaints core never imports this app: it reacts to the core's committed
events (`complaints.events`) and the due pass calls into it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ProblemBasis(models.TextChoices):
    ROOT_CAUSE = "root_cause", _("Same root cause")
    CATEGORY = "category", _("Same category")


class Problem(models.Model):
    """Cases that share a root cause or category (and product), seen together.

    At most one open problem per `key` (a partial unique constraint), so
    concurrent filings that all cross the threshold still open one.
    """

    key = models.CharField(
        max_length=250,
        help_text=_("What the cases share, e.g. category:3:product:kettle."),
    )
    basis = models.CharField(max_length=20, choices=ProblemBasis.choices)
    category = models.ForeignKey(
        "complaints.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    root_cause = models.ForeignKey(
        "complaints.RootCause",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_problems",
    )
    cases = models.ManyToManyField(
        "complaints.Case", through="ProblemCase", related_name="problems"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status="open"),
                name="problem_one_open_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProblemCase(models.Model):
    """One case linked to a problem."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="links", db_index=False
    )
    case = models.ForeignKey(
        "complaints.Case", on_delete=models.CASCADE, related_name="problem_links"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "case"], name="problem_case_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.case_id}"


class ProblemAction(models.Model):
    """Something done about a problem (a fix, a change of supplier …)."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="actions"
    )
    text = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Promise(models.Model):
    """Something we said we would do for the customer, by when, and who owns it.

    The due pass reminds the owner at `remind_at` and escalates to the team
    leads at `due_at` if it is still not kept, each exactly once
    (`reminded_at`, `escalated_at` stamped on the claimed row).
    """

    case = models.ForeignKey(
        "complaints.Case", on_delete=models.CASCADE, related_name="promises"
    )
    text = models.CharField(max_length=500)
    due_at = models.DateTimeField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promises"
    )
    customer_facing = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    kept_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="promise_next_check",
                condition=Q(next_check_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_kept(self) -> bool:
        return self.kept_at is not None

    @property
    def is_broken(self) -> bool:
        return self.escalated_at is not None and self.kept_at is None


class Incident(models.Model):
    """Something that went wrong for many customers at once (an outage, a bad batch).

    We reach out first: its cases and customers are linked, and one call emails
    every affected customer who agreed to be contacted, each once
    (`IncidentNotice` is unique per incident and customer).
    """

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    customer_message = models.TextField(
        help_text=_("What the affected customers are told, in our own words.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()
    category = models.ForeignKey(
        "complaints.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("New cases of this category are suggested for linking."),
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closing_message = models.TextField(blank=True)
    cases = models.ManyToManyField(
        "complaints.Case", through="IncidentCase", related_name="incidents"
    )
    customers = models.ManyToManyField(
        "customers.Customer", through="IncidentCustomer", related_name="incidents"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class IncidentCase(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="case_links", db_index=False
    )
    case = models.ForeignKey(
        "complaints.Case", on_delete=models.CASCADE, related_name="incident_links"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "case"], name="incident_case_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.case_id}"


class IncidentCustomer(models.Model):
    """An affected customer: linked directly, or through one of their cases."""

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="customer_links",
        db_index=False,
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "customer"], name="incident_customer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.customer_id}"


class IncidentNotice(models.Model):
    """The customer was told about the incident (claimed before the email is queued).

    `closing_sent_at` is the closing notice's marker: stamped once, under the
    incident's row lock, in the transaction that queues the closing email.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+"
    )
    outbox = models.ForeignKey(
        "notifications.Outbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()
    closing_sent_at = models.DateTimeField(null=True, blank=True)
    closing_outbox = models.ForeignKey(
        "notifications.Outbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "customer"], name="incident_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.customer_id}"
