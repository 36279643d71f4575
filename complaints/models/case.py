"""Cases and their configuration (categories, root causes), and their messages."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_STAGES, Channel, CloseReason, Priority, Stage


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    default_team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New cases of this category go to this team."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class RootCause(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last case number issued in a year; rows are locked to hand out the next."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CaseManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        # The search document is for the database's eyes only: never load it
        # (it can be large) nor write back a copy of it (the triggers own it).
        return super().get_queryset().defer("search_document")


class Case(models.Model):
    first_of_customer = False
    """True on the instance `case_file` has just filed for a customer that the
    same filing created (not stored): no earlier case of theirs can exist."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    subject = models.CharField(max_length=200)
    description = models.TextField()
    channel = models.CharField(
        max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        db_index=False,
    )
    stage = models.CharField(
        max_length=20, choices=Stage.choices, default=Stage.NEW, editable=False
    )
    customer_account = models.TextField(
        blank=True, help_text=_("The customer's own account of what happened.")
    )
    restatement = models.TextField(
        blank=True,
        help_text=_('The agent\'s restatement: "so what you are saying is …"'),
    )
    desired_outcome = models.TextField(
        blank=True, help_text=_("What the customer says would be fair.")
    )
    desired_outcome_declined = models.BooleanField(
        default=False, help_text=_("The customer declined to say what would be fair.")
    )
    resolution_summary = models.TextField(blank=True)
    root_cause = models.ForeignKey(
        RootCause, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    close_reason = models.CharField(
        max_length=20, choices=CloseReason.choices, blank=True, editable=False
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        editable=False,
    )
    awaiting_customer = models.BooleanField(default=False, editable=False)
    awaiting_customer_since = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    follow_up_refused = models.BooleanField(default=False, editable=False)
    skipped_steps = models.PositiveSmallIntegerField(default=0, editable=False)
    reopen_count = models.PositiveSmallIntegerField(default=0, editable=False)
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
    )
    api_client = models.ForeignKey(
        "api.ApiClient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        editable=False,
        help_text=_("The API client that filed it, if any."),
    )
    occurred_at = models.DateTimeField(null=True, blank=True)
    # Regulated handling (CONTRACT §15): the regime's code, chosen at filing by
    # the `regimes` app, and the legal instant of receipt its clocks run from.
    regime = models.CharField(max_length=20, default="none", editable=False)
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    metadata = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Signed customer links carry these; a link behind them is revoked
    # (complaints.links moves them: status links end on close, both on revocation).
    link_epoch = models.PositiveIntegerField(default=0, editable=False)
    survey_epoch = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept by PostgreSQL triggers (complaints migration 0006, complaints.search);
    # always NULL on SQLite, where search falls back to icontains.
    search_document = SearchVectorField(null=True, editable=False)

    objects = CaseManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["stage", "team"], name="case_stage_team"),
            models.Index(fields=["assignee", "stage"], name="case_assignee_stage"),
            models.Index(
                fields=["customer", "-created_at"], name="case_customer_recent"
            ),
            models.Index(fields=["team", "-created_at"], name="case_team_recent"),
            models.Index(fields=["closed_at"], name="case_closed_at"),
            # Open cases in each order the inbox offers: a searched queue walks
            # them in its order and stops at a page, reading no closed case
            # (web.selectors.inbox: by priority, each priority newest first).
            *(
                models.Index(
                    fields=fields, name=name, condition=models.Q(stage__in=OPEN_STAGES)
                )
                for name, fields in (
                    ("case_open_created", ["created_at", "id"]),
                    ("case_open_updated", ["updated_at", "id"]),
                    ("case_open_reference", ["reference"]),
                    ("case_open_priority", ["priority", "created_at"]),
                )
            ),
            models.Index(
                fields=["escalation_level"],
                name="case_escalated",
                condition=models.Q(escalation_level__gt=0),
            ),
            # The inbox's Awaiting customer queue, read whole by its ids
            # (web.selectors.inbox_few) and counted for its badge.
            models.Index(
                fields=["created_at", "id"],
                name="case_open_awaiting",
                condition=models.Q(stage__in=OPEN_STAGES, awaiting_customer=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(escalation_level__lte=2), name="case_escalation_0_2"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    def get_absolute_url(self) -> str:
        return f"/cases/{self.reference}/"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class Visibility(models.TextChoices):
    CUSTOMER = "customer", _("Customer-facing")
    INTERNAL = "internal", _("Internal note")


class MessageKind(models.TextChoices):
    NOTE = "note", _("Message")
    APOLOGY = "apology", _("Apology")
    FROM_CUSTOMER = "from_customer", _("From the customer")


class Message(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    author_label = models.CharField(max_length=150, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    kind = models.CharField(max_length=20, choices=MessageKind.choices, default="note")
    body = models.TextField()
    pitch_warning = models.BooleanField(
        default=False, help_text=_("Sent although it read like a sales pitch.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="message_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visibility} {self.created_at:%Y-%m-%d %H:%M}"
