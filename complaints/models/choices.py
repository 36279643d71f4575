"""The choice sets of cases: stages, priorities, channels, close reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    NEW = "new", _("New")
    LISTENING = "listening", _("Listening")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVING = "resolving", _("Resolving")
    RESOLVED = "resolved", _("Resolved")
    FOLLOWING_UP = "following_up", _("Following up")
    CLOSED = "closed", _("Closed")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
OPEN_STAGES: tuple[str, ...] = tuple(s for s in STAGE_ORDER if s != Stage.CLOSED)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    SOCIAL = "social", _("Social media")
    IN_PERSON = "in_person", _("In person")
    API = "api", _("API")


class CloseReason(models.TextChoices):
    SATISFIED = "satisfied", _("Customer satisfied")
    UNSATISFIED = "unsatisfied", _("Customer still unsatisfied")
    NO_FOLLOW_UP = "no_follow_up", _("Customer declined follow-up")
    WITHDRAWN = "withdrawn", _("Withdrawn by the customer")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    RELATIONSHIP_ENDED = "relationship_ended", _("Relationship ended")
