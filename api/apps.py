"""The api app: registers the OpenAPI extensions and the schema's enum names."""

from django.apps import AppConfig
from django.conf import settings

# Stable names for the choice sets several components share (without them
# drf-spectacular invents hashed names such as Channel17fEnum). The project
# settings may pin their own; these are only defaults.
ENUM_NAMES = {
    "StageEnum": "complaints.models.Stage",
    "PriorityEnum": "complaints.models.Priority",
    "CaseChannelEnum": "complaints.models.Channel",
    "CloseReasonEnum": "complaints.models.CloseReason",
    "OfferKindEnum": "complaints.models.OfferKind",
    "OfferStatusEnum": "complaints.models.OfferStatus",
    "MessageKindEnum": "complaints.models.MessageKind",
    "VisibilityEnum": "complaints.models.Visibility",
    "DeadlineKindEnum": "sla.models.DeadlineKind",
    "FollowUpChannelEnum": "followups.models.FollowUpChannel",
    "FollowUpStatusEnum": "followups.models.FollowUpStatus",
    "OutcomeEnum": "followups.models.Outcome",
}


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from . import schema  # noqa: F401 - registers the Token auth scheme

        spectacular = getattr(settings, "SPECTACULAR_SETTINGS", None)
        if isinstance(spectacular, dict):
            spectacular.setdefault("ENUM_NAME_OVERRIDES", ENUM_NAMES)
