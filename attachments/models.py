"""An attachment: one file on a case, with what its content turned out to be."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, Message


class Source(models.TextChoices):
    """Where the file came in."""

    FORM = "form", _("the complaint form")
    STATUS_PAGE = "status_page", _("the customer's status page")
    CASE_PAGE = "case_page", _("the case page")
    API = "api", _("the API")
    EMAIL = "email", _("an email")


# Files the customer sent: the only ones their status page lists and serves.
CUSTOMER_SOURCES = (Source.FORM, Source.STATUS_PAGE, Source.EMAIL)


class ScanStatus(models.TextChoices):
    """What the virus scanner said; only `clean` and `not_scanned` are ever served."""

    PENDING = "pending", _("waiting for a scan")
    CLEAN = "clean", _("clean")
    INFECTED = "infected", _("infected (quarantined)")
    NOT_SCANNED = "not_scanned", _("not scanned (no scanner configured)")


SERVABLE = (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED)


class Attachment(models.Model):
    """A file on a case; the bytes live in the attachment storage under `storage_name`."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="attachments", db_index=False
    )
    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_label = models.CharField(max_length=150)
    source = models.CharField(max_length=20, choices=Source.choices)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True)
    thumbnail_name = models.CharField(max_length=255, blank=True)
    scan_status = models.CharField(
        max_length=20, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED
    )
    scan_detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="attachment_case")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.case_id})"

    @property
    def is_servable(self) -> bool:
        return self.scan_status in SERVABLE

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
