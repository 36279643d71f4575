"""Support teams and staff roles (agent, team lead, manager)."""
