"""Operations: the request id carried from a request into its tasks and logs, and /metrics."""
