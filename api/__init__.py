"""The REST API for API clients (/api/v1/)."""
