"""Chart.js configurations of the figures; each chart names the table it draws.

Only data goes to the page (through `json_script`); the page's script turns
each spec into a chart. Colours pair with patterns of line style, and every
chart has its table next to it, so colour never carries meaning alone.
"""

from typing import Any

BLUE, ORANGE, GREY, GREEN, RED = "#1565c0", "#ef6c00", "#546e7a", "#2e7d32", "#c62828"


def figure_charts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts of the dashboard, in page order."""
    series = summary["series"]
    return [
        {
            "id": "volume",
            "type": "line",
            "labels": [row["start"].isoformat() for row in series],
            "datasets": [
                _set("Opened", [r["opened"] for r in series], BLUE),
                _set("Closed", [r["closed"] for r in series], GREEN, dash=[6, 4]),
                _set("Backlog", [r["backlog"] for r in series], ORANGE, dash=[2, 3]),
            ],
        },
        {
            "id": "funnel",
            "type": "bar",
            "horizontal": True,
            "labels": [row["label"] for row in summary["funnel"]],
            "datasets": [_set("Cases", [r["cases"] for r in summary["funnel"]], BLUE)],
        },
        {
            "id": "stages",
            "type": "bar",
            "labels": [row["label"] for row in summary["stages"]],
            "datasets": [
                _set("Open now", [r["open"] for r in summary["stages"]], BLUE),
                _set("Stalled 7+ days", [r["stalled"] for r in summary["stages"]], RED),
            ],
        },
        {
            "id": "satisfaction",
            "type": "bar",
            "labels": [
                f"{r['score']}" for r in summary["satisfaction"]["distribution"]
            ],
            "datasets": [
                _set(
                    "Follow-ups",
                    [r["followups"] for r in summary["satisfaction"]["distribution"]],
                    GREEN,
                )
            ],
        },
        {
            "id": "categories",
            "type": "bar",
            "horizontal": True,
            "labels": [r["name"] for r in summary["categories"]],
            "datasets": [
                _set("This period", [r["cases"] for r in summary["categories"]], BLUE),
                _set(
                    "Previous period",
                    [r["previous"] for r in summary["categories"]],
                    GREY,
                ),
            ],
        },
    ]


def _set(label: str, data: list, colour: str, dash: list[int] | None = None) -> dict:
    return {
        "label": label,
        "data": data,
        "borderColor": colour,
        "backgroundColor": colour,
        "borderDash": dash or [],
    }
