"""The shape of a demo script, and the demo's customers.

A `Spec` says where a complaint should end up and what happened on the way;
`walk` turns it into service calls. Customers are referred to by their index
in CUSTOMERS.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OfferSpec:
    kind: str
    amount: str | None = None
    # Moves after making it: approve/reject (by the lead), accept, decline,
    # counter, withdraw, fulfil.
    moves: tuple[str, ...] = ()
    description: str = ""
    extra_mile: bool = False
    by: str = ""  # who makes it; the case's assignee by default
    counter: str = ""


@dataclass(frozen=True)
class FollowUpSpec:
    after_days: float  # after the resolution
    channel: str = "phone"
    outcome: str = ""  # satisfied / unsatisfied / unreachable; empty: still due
    csat: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Spec:
    key: str
    customer: int
    days: float  # how long ago it was filed
    stage: str  # where the script ends
    subject: str
    description: str
    category: str
    priority: str = "normal"
    channel: str = "web"
    assignee: str | None = "agent"
    account: str = ""
    restatement: str = ""
    sorry: str = ""  # what the apology is for, e.g. "the sofa still hasn't come"
    outcome: str | None = ""  # None: the customer declined to say
    offers: tuple[OfferSpec, ...] = ()
    resolution: str = ""
    root_cause: str = ""
    followups: tuple[FollowUpSpec, ...] = ()
    close: str = ""
    close_from: str = ""  # anytime closes: the stage it had reached
    duplicate_of: str = ""
    skip_reason: str = ""  # skip from new straight to `skip_to`
    skip_to: str = ""
    escalate: int = 0
    awaiting: bool = False
    via_api: bool = False
    notes: tuple[str, ...] = ()  # internal notes added while it is worked
    from_customer: tuple[str, ...] = ()
    reopen: tuple[str, ...] = field(default=())  # (reason, apology, new summary)


# name, email, phone, consents to follow-up contact
CUSTOMERS: list[tuple[str, str, str, bool]] = [
    ("Sam Whitfield", "sam.whitfield@example.com", "+44 20 7946 0101", True),
    ("Priya Natarajan", "priya.n@example.com", "+44 161 496 0102", True),
    ("Gareth Lloyd", "gareth.lloyd@example.net", "+44 29 2018 0103", True),
    ("Aisha Bello", "aisha.bello@example.org", "+44 121 496 0104", True),
    ("Tomasz Nowak", "t.nowak@example.com", "", False),
    ("Fiona MacLeod", "fiona.macleod@example.co.uk", "+44 131 496 0106", True),
    ("Daniel Osei", "dan.osei@example.com", "+44 113 496 0107", True),
    ("Hannah Brooks", "hannah.brooks@example.com", "+44 117 496 0108", True),
    ("Ravi Kapoor", "ravi.kapoor@example.net", "+44 116 496 0109", True),
    ("Chloe Martin", "chloe.martin@example.com", "", True),
    ("Oliver Grant", "oliver.grant@example.org", "+44 191 498 0111", False),
    ("Mei Lin Chen", "meilin.chen@example.com", "+44 20 7946 0112", True),
    ("Patrick O'Neill", "patrick.oneill@example.ie", "+353 1 555 0113", True),
    ("Grace Adeyemi", "grace.adeyemi@example.com", "+44 115 496 0114", True),
    ("Lukas Becker", "lukas.becker@example.de", "", True),
    ("Emma Thornton", "emma.thornton@example.com", "+44 1632 960115", True),
    ("Yusuf Rahman", "yusuf.rahman@example.com", "+44 20 7946 0116", True),
    ("Sophie Duval", "sophie.duval@example.fr", "", False),
    ("Callum Reid", "callum.reid@example.co.uk", "+44 141 496 0118", True),
    ("Nadia Haddad", "nadia.haddad@example.com", "+44 20 7946 0119", True),
    ("Ben Carter", "ben.carter@example.com", "+44 1632 960120", True),
    ("Isabel Romero", "isabel.romero@example.es", "", True),
    ("Kwame Mensah", "kwame.mensah@example.com", "+44 20 7946 0122", True),
    ("Lucy Fairbairn", "lucy.fairbairn@example.com", "+44 1632 960123", True),
    ("Arjun Mehta", "arjun.mehta@example.net", "+44 20 7946 0124", True),
    ("Zoe Hamilton", "zoe.hamilton@example.com", "", False),
    ("Marek Kowalski", "marek.k@example.pl", "+44 20 7946 0126", True),
    ("Eleanor Price", "eleanor.price@example.com", "+44 1632 960127", True),
    ("Jamal Williams", "jamal.williams@example.com", "+44 20 7946 0128", True),
    ("Rosa Bianchi", "rosa.bianchi@example.it", "", True),
]
