"""Business settings: the regime and retention defaults, the firm's name,
maker-checker, webhooks, problems and promises, currencies."""

from .base import env

# Regulated handling (CONTRACT §15): the regime of a case whose category and
# team name none (`fca`, `fca_payments`, `asic`, `cfpb` or `none`), and the
# firm's name as letters sign it.
DEFAULT_REGIME = env.str("DEFAULT_REGIME", default="none")
# Retention (README, "Retention and data rights"): how long a closed case of a
# regime without a retention rule (e.g. `none`) is kept before the nightly job
# anonymises it. Six years: the limitation period for contract claims in
# England and Wales (Limitation Act 1980 s 5).
DEFAULT_RETENTION_DAYS = env.int("DEFAULT_RETENTION_DAYS", default=6 * 365)
FIRM_NAME = env.str("FIRM_NAME", default="Redress")

OFFER_SELF_APPROVAL = env.bool("OFFER_SELF_APPROVAL", default=False)
LOGIN_URL = "/accounts/login/"

# Webhooks (CONTRACT §14): with DEBUG off, URLs resolving to loopback, private,
# link-local or other non-public addresses are refused unless this is set.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_PAUSE_AFTER_HOURS = env.float("WEBHOOK_PAUSE_AFTER_HOURS", default=12.0)

# Problems and promises (CONTRACT §16): this many cases with the same root
# cause, or the same category (and product), within the window open a problem;
# a promise's owner is reminded this long before it is due.
PROBLEM_THRESHOLD = env.int("PROBLEM_THRESHOLD", default=5)
PROBLEM_WINDOW_DAYS = env.int("PROBLEM_WINDOW_DAYS", default=7)
PROMISE_REMIND_BEFORE_MINUTES = env.int("PROMISE_REMIND_BEFORE_MINUTES", default=120)

# Business defaults (overridable per SLA policy in the admin).
REDRESS_WARN_AT_PERCENT = 75
REDRESS_FOLLOWUP_DAYS = (1, 7, 30)
# ISO 4217 codes offers may use (those of the offer limits are allowed too);
# the web form offers them in this order, the first preselected.
CURRENCIES = [
    code.strip().upper()
    for code in env.list("CURRENCIES", default=["GBP", "EUR", "USD"])
    if code.strip()
]
