"""/api/v1/webhooks/: subscribe, list, read, delete, rotate the secret, attempts.

A webhook belongs to the API client whose key made it (scope
`webhooks:manage`, for service keys and user keys alike); a client sees only
its own, so another client's id is a 404. A browser session has no client and
gets 403.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from api.models import ApiClient, Scope
from api.pagination import DefaultCursorPagination
from api.views.base import ApiViewSet
from api.views.complaints import actor_of

from . import selectors, services
from .models import EventType, SubscriptionStatus, WebhookAttempt, WebhookSubscription


class HasWebhookScope(BasePermission):
    """Only an API key holding `webhooks:manage` manages webhooks."""

    message = "Webhooks are managed with an API key that has the webhooks:manage scope."

    def has_permission(self, request, view) -> bool:
        client = request.auth
        return isinstance(client, ApiClient) and (
            Scope.WEBHOOKS_MANAGE in (client.scopes or [])
        )


class WebhookIn(serializers.Serializer):
    url = serializers.CharField(
        max_length=2000,
        help_text="An http(s) URL; it must resolve to a public address.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        allow_empty=False,
        max_length=len(EventType.values),
        help_text="The event types to receive.",
    )


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(EventType.choices))
    status = serializers.ChoiceField(
        SubscriptionStatus.choices,
        help_text="`paused` after failing continuously for hours; resumed by staff.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "status", "created_at", "paused_at"]
        read_only_fields = fields


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(
        help_text="`whsec_` + base64: the signing secret, shown only now."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="delivery.event_id")
    type = serializers.ChoiceField(EventType.choices, source="delivery.event_type")
    attempt = serializers.IntegerField(source="number")
    at = serializers.DateTimeField(source="created_at")
    response_body = serializers.CharField(help_text="The first 1 KB of the answer.")

    class Meta:
        model = WebhookAttempt
        fields = [
            "event_id",
            "type",
            "attempt",
            "status_code",
            "error",
            "succeeded",
            "duration_ms",
            "response_body",
            "at",
        ]
        read_only_fields = fields


class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    """Signed webhooks (Standard Webhooks) for the events of your cases."""

    permission_classes = [HasWebhookScope]
    serializer_class = WebhookSerializer
    lookup_value_regex = r"\d+"
    filter_backends = []
    pagination_class = DefaultCursorPagination

    def get_queryset(self):
        return selectors.subscriptions_of(self.client)

    @property
    def client(self) -> ApiClient | None:
        auth = self.request.auth
        return auth if isinstance(auth, ApiClient) else None

    @extend_schema(
        request=WebhookIn,
        responses={201: WebhookWithSecretSerializer},
        summary="Subscribe a URL to events (the secret is shown once)",
    )
    def create(self, request):
        self.require_object_body()
        data = self.valid(WebhookIn)
        try:
            subscription, secret = services.subscription_create(
                client=self.client,
                url=data["url"],
                events=data["events"],
                by=actor_of(request),
            )
        except services.WebhookRefused as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        subscription.secret = secret
        return Response(
            WebhookWithSecretSerializer(subscription).data, status.HTTP_201_CREATED
        )

    @extend_schema(summary="Your webhooks")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One webhook")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(summary="Delete a webhook; nothing more is sent to it")
    def destroy(self, request, *args, **kwargs):
        services.subscription_delete(
            subscription=self.get_object(), by=actor_of(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: WebhookWithSecretSerializer},
        summary="Rotate the secret; the old one stays valid for 24 hours",
    )
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk: str):
        subscription = self.get_object()
        secret = services.subscription_rotate_secret(
            subscription=subscription, by=actor_of(request)
        )
        subscription.refresh_from_db()
        subscription.secret = secret
        return Response(WebhookWithSecretSerializer(subscription).data)

    @extend_schema(
        responses={200: AttemptSerializer(many=True)},
        summary="Every delivery attempt, newest first",
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk: str):
        attempts = selectors.attempts_of(self.get_object())
        page = self.paginate_queryset(attempts)
        return self.get_paginated_response(AttemptSerializer(page, many=True).data)
