"""Cursor pagination for every list (`next`, `previous`, `results`).

A cursor that cannot be decoded is a 400 problem naming the `cursor` parameter,
not DRF's 404.
"""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from config.numbers import whole_number


class DefaultCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {self.cursor_query_param: ["Invalid cursor."]}
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (whole_number(raw) or 0) > 0:
            raise ValidationError(
                {self.page_size_query_param: ["A positive whole number."]}
            )
        return super().get_page_size(request)


class TimelinePagination(DefaultCursorPagination):
    """The timeline reads oldest first."""

    ordering = ("id",)
    page_size = 100
