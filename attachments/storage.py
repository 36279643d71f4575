"""The storage attachments live in: Django's `STORAGES["attachments"]`.

settings.ATTACHMENT_STORAGE configures it (default: a FileSystemStorage under
var/attachments/ with no public URL; S3-compatible through django-storages,
see the README). Files are never served by the storage itself, only through
the guarded views.
"""

from django.core.files.storage import Storage, storages

ALIAS = "attachments"


def attachment_storage() -> Storage:
    """The configured attachment storage."""
    return storages[ALIAS]
