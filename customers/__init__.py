"""Customers, their consent to be contacted, and their history."""
