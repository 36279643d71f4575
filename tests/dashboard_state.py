"""What the dashboards hold and show, for comparing before and after a refresh."""

from dashboards.metrics import filter_parse, metrics_summary
from dashboards.models import Rollup


def rollup_rows() -> list[tuple]:
    """Every rollup row: (start, month, grain, team, its counts)."""
    rows = Rollup.objects.order_by("start", "month", "grain", "team_id")
    return [(r.start, r.month, r.grain, r.team_id, r.tallied()) for r in rows]


def all_time(user) -> dict:
    """Every figure of `user`'s all-time dashboard, as the page and the API
    compute them (without when they were refreshed)."""
    flt = filter_parse(user=user, params={"period": "all"})
    summary = metrics_summary(user=user, flt=flt)
    return {k: v for k, v in summary.items() if k != "as_of"}
