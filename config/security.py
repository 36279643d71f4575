"""What counts as a real SECRET_KEY: the rule the settings apply when DEBUG is off.

A placeholder key is public (it ships in examples, compose files, Django's
startproject), and with it anyone can sign a customer's status link or a
session. So a production process refuses to start with one, or with a key too
short or too uniform to resist guessing (Django's own deploy check asks for at
least 50 characters and 5 distinct ones).
"""

from django.core.exceptions import ImproperlyConfigured

# Keys that were ever shipped or suggested by this project, and common stand-ins.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "change-me-in-a-dot-env-file",
        "build-only-not-secret",
        "bench-only-not-secret",
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "secret-key",
        "secret_key",
        "your-secret-key",
        "your-secret-key-here",
        "insecure",
        "not-secret",
        "notsecret",
        "placeholder",
    }
)
# Prefixes of generated-but-public keys: Django's startproject writes this one.
PLACEHOLDER_PREFIXES = ("django-insecure-",)
# Fragments no real key contains: a key built around them is a stand-in.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "change_me", "not-secret", "notsecret")
MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
HOW_TO = (
    "Set a random one of 50+ characters, e.g. "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)


def secret_key_problem(key: str) -> str | None:
    """Say what is wrong with `key` as a production secret, or None if nothing."""
    lowered = key.strip().lower()
    if not lowered:
        return "is empty"
    if lowered in PLACEHOLDER_SECRET_KEYS or lowered.startswith(PLACEHOLDER_PREFIXES):
        return "is a published placeholder"
    if any(marker in lowered for marker in PLACEHOLDER_MARKERS):
        return "looks like a placeholder"
    if len(key) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters"
    if len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"has fewer than {MIN_UNIQUE_CHARACTERS} distinct characters"
    return None


def refuse_weak_secret_key(key: str) -> None:
    """Raise ImproperlyConfigured unless `key` is fit for production."""
    problem = secret_key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"SECRET_KEY {problem}; with DEBUG off Redress needs a real one. {HOW_TO}"
        )
