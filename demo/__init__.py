"""Demo data for `manage.py seed_demo` (CONTRACT §10): the top layer, above every interface.

- `setup`: staff, teams, the business calendar, SLA policies, offer limits,
  categories, root causes and customers — created or brought back in line on
  every run;
- `cases`: the scripted complaints, in the method's words;
- `walk`: plays each script through the real services and lifecycle at
  back-dated moments (time-machine), so timelines and SLA clocks look lived-in;
- `clock`: when each step happens (office hours, before now) and making it "now".

Idempotent: a case whose script key is already in the database is left alone.
"""
