"""Models of web (none yet)."""
