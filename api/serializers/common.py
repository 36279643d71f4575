"""Shapes shared by every route: the problem+json body, small user references."""

import threading

from django.contrib.auth import get_user_model
from rest_framework import serializers

from complaints.bounds import validate_moment
from teams.models import Role

User = get_user_model()


class UnmetSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable code of the unmet prerequisite.")
    message = serializers.CharField(help_text="Its wording for people.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details; every error of this API has this shape."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Field → messages, for invalid requests (400, 422).",
    )
    unmet = UnmetSerializer(
        many=True,
        required=False,
        help_text="Unmet prerequisites of a refused move (409).",
    )
    version = serializers.IntegerField(
        required=False, help_text="The case's current version (412)."
    )


class StaffField(serializers.SlugRelatedField):
    """A staff user named by username."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        if kwargs.get("read_only"):
            kwargs.setdefault("allow_null", True)
        else:
            kwargs.setdefault(
                "queryset",
                User.objects.filter(is_active=True, staff__role__in=Role.values),
            )
        super().__init__(**kwargs)


class PingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    caller = serializers.CharField(help_text="Who the API thinks you are.")


class MomentField(serializers.DateTimeField):
    """An ISO 8601 date-time within the years 1900–2200 (CONTRACT §11)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_moment)


_threads = threading.local()


def built(serializer_class, *, context: dict | None = None):
    """One instance of `serializer_class` per thread (and context), built once.

    DRF builds a serializer's fields anew for every instance, which can cost
    more than the work itself. For serializers whose fields keep no state
    between calls: render with `to_representation`, validate with
    `run_validation`. The context must be hashable values only.
    """
    kept = getattr(_threads, "serializers", None)
    if kept is None:
        kept = _threads.serializers = {}
    key = (serializer_class, tuple(sorted((context or {}).items())))
    serializer = kept.get(key)
    if serializer is None:
        serializer = kept[key] = serializer_class(context=context or {})
    return serializer
