"""Models of dashboards (none yet)."""
