"""Business-hours calendars, SLA policies and case deadlines."""
