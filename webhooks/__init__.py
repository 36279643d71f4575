"""Signed webhooks (CONTRACT §14): API clients subscribe to the event stream."""
