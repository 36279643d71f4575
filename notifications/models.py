"""Staff notifications and the delivery outbox (built by the time-driven engine)."""
