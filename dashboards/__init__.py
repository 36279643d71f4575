"""Managers' dashboards and the metrics behind them."""
