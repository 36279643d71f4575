"""Staff notifications and the outbox that delivers them exactly once."""
