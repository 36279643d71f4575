"""The dashboards app, and the percentile aggregate (on SQLite, registered here)."""

import math
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField


class Percentile(Aggregate):
    """The continuous percentile (linear interpolation) of a column."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float, **extra: Any):
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # dash_percentile is registered on each SQLite connection (apps.py).
        clone = self.copy()
        clone.template = "dash_percentile(%(expressions)s, %(fraction)s)"
        return clone.as_sql(compiler, connection, **extra)


class _Percentile:
    """dash_percentile(value, fraction): percentile_cont for SQLite."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        values = sorted(self.values)
        position = (len(values) - 1) * self.fraction
        low, high = math.floor(position), math.ceil(position)
        return values[low] + (values[high] - values[low]) * (position - low)


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("dash_percentile", 2, _Percentile)


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        connection_created.connect(_register, dispatch_uid="dashboards-percentile")
