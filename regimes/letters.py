"""Letters: render a regime's template, check its required contents, make a PDF.

What a letter must contain is regime data (`Regime.letters[kind]["required"]`):
each requirement has a code and the phrases that show it (any one, matched
case-insensitively), e.g. FCA final responses (DISP 1.6.2R, DISP 1 Annex 3R)
must name the outcome, say the complainant may refer the complaint to the
Financial Ombudsman Service, that they must do so within six months, and give
the ombudsman's website. The code decides only whether each is present.
"""

import hashlib
import html
import logging
from typing import Any

from django.template import Context, Engine

logger = logging.getLogger(__name__)

# Letters are plain text: no HTML escaping while rendering (the PDF escapes).
_ENGINE = Engine(autoescape=False)


def letter_spec(regime: Any, kind: str) -> dict[str, Any] | None:
    """The regime's rules for a letter of `kind` (None: the regime has none)."""
    spec = (regime.letters or {}).get(kind)
    return spec if isinstance(spec, dict) else None


def letter_render(template: str, context: dict[str, Any]) -> str:
    """Render a regime's letter template (Django template language)."""
    return _ENGINE.from_string(template).render(Context(context)).strip()


def letter_missing(
    spec: dict[str, Any], text: str, *, outcome: str | None
) -> list[str]:
    """The codes of the required contents `text` lacks (in the regime's order)."""
    folded = text.casefold()
    missing = []
    for rule in spec.get("required", []):
        if rule.get("field") == "outcome":
            present = bool(outcome)
        else:
            present = any(p.casefold() in folded for p in rule.get("any", []))
        if not present:
            missing.append(rule["code"])
    return missing


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def letter_pdf(*, text: str, title: str) -> bytes | None:
    """The letter as a PDF (WeasyPrint), or None when it cannot render here."""
    try:
        import weasyprint
    except (ImportError, OSError):  # pango missing: keep text and hash only
        logger.warning("WeasyPrint unavailable; letter kept as text only")
        return None
    paragraphs = "".join(
        f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>"
        for block in text.split("\n\n")
    )
    page = (
        "<html><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title></head>"
        f"<body style='font-family: serif; font-size: 11pt'>{paragraphs}</body></html>"
    )
    try:
        return weasyprint.HTML(string=page).write_pdf()
    except Exception:  # a statutory letter must not wait on its PDF copy
        logger.exception("WeasyPrint failed; letter kept as text only")
        return None
