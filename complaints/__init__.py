"""Complaint cases, their lifecycle, messages, offers and timeline."""
