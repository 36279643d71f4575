"""The due pass: everything time-driven (deadlines, follow-ups, the outbox) in one room.

It sits above `sla`, `followups` and `notifications` and below the interfaces:
it reads what is due from those rooms and fires it through their services.
"""
