"""Static files and attachments: where they are stored, what is accepted, and
the optional virus scan."""

from .base import BASE_DIR, DEBUG, VAR_DIR, env

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Attachments (README, Attachments): stored through STORAGES["attachments"],
# by default on disk under var/attachments/ (never under static/ or a public
# URL); ATTACHMENT_STORAGE names another backend (e.g. django-storages'
# storages.backends.s3.S3Storage) and ATTACHMENT_STORAGE_OPTIONS (JSON) its options.
_attachment_backend = env.str(
    "ATTACHMENT_STORAGE", default="django.core.files.storage.FileSystemStorage"
)
_attachment_options = env.json("ATTACHMENT_STORAGE_OPTIONS", default={})
if _attachment_backend.endswith(".FileSystemStorage"):
    _attachment_options = {
        "location": str(VAR_DIR / "attachments"),
        "base_url": None,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
        **_attachment_options,
    }
STORAGES["attachments"] = {
    "BACKEND": _attachment_backend,
    "OPTIONS": _attachment_options,
}
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=5)
ATTACHMENT_TYPES = env.list(
    "ATTACHMENT_TYPES",
    default=[
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "application/pdf",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "message/rfc822",
    ],
)
# The optional virus scan (clamd INSTREAM): a Unix socket, or a host and port.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
