"""Models of the portal (none: it works through the complaints services)."""
