"""Redress settings, read from the environment (CONTRACT §3).

Every value has a default that runs with no services: SQLite and a filesystem
broker under `var/`. Nothing else in the project reads `os.environ`. The
settings are split by subject into the modules below, each reading its own
variables through `base.env`; `DJANGO_SETTINGS_MODULE=config.settings` loads
them all.
"""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .business import *  # noqa: F403
from .email import *  # noqa: F403
from .files import *  # noqa: F403
from .https import *  # noqa: F403
from .logs import *  # noqa: F403
from .tasks import *  # noqa: F403
