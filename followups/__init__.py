"""Follow-ups after a resolution: scheduling, reminders, satisfaction."""
