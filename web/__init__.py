"""The agents' browser workspace: inbox, case page, customer page."""
