"""The REST API: Django REST Framework and the OpenAPI schema."""

from .base import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.SafeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "api.errors.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "client": env.str("API_THROTTLE_RATE", default="6000/min"),
        "anon": env.str("API_ANON_THROTTLE_RATE", default="120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Redress API",
    "DESCRIPTION": "File complaints and follow them to a resolution the customer accepts.",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable names for shared choice sets (otherwise drf-spectacular invents
    # hashed names such as Channel17fEnum that break generated clients).
    "ENUM_NAME_OVERRIDES": {
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
        "WebhookEventTypeEnum": "webhooks.models.EventType",
        "WebhookStatusEnum": "webhooks.models.SubscriptionStatus",
        "ProblemStatusEnum": "service_recovery.models.ProblemStatus",
        "ProblemBasisEnum": "service_recovery.models.ProblemBasis",
        "LetterKindEnum": "regimes.models.LetterKind",
        "LetterOutcomeEnum": "regimes.models.Outcome",
        "RepresentativeKindEnum": "customers.models.RepresentativeKind",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1_048_576)
