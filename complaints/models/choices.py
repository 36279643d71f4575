"""The choice sets of cases: stages, priorities, channels, close reasons."""

from django.db import models


class Stage(models.TextChoices):
    NEW = "new", "New"
    LISTENING = "listening", "Listening"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVING = "resolving", "Resolving"
    RESOLVED = "resolved", "Resolved"
    FOLLOWING_UP = "following_up", "Following up"
    CLOSED = "closed", "Closed"


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
OPEN_STAGES: tuple[str, ...] = tuple(s for s in STAGE_ORDER if s != Stage.CLOSED)


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Channel(models.TextChoices):
    WEB = "web", "Web form"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    SOCIAL = "social", "Social media"
    IN_PERSON = "in_person", "In person"
    API = "api", "API"


class CloseReason(models.TextChoices):
    SATISFIED = "satisfied", "Customer satisfied"
    UNSATISFIED = "unsatisfied", "Customer still unsatisfied"
    NO_FOLLOW_UP = "no_follow_up", "Customer declined follow-up"
    WITHDRAWN = "withdrawn", "Withdrawn by the customer"
    DUPLICATE = "duplicate", "Duplicate of another case"
    RELATIONSHIP_ENDED = "relationship_ended", "Relationship ended"
