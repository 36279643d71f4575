"""The configuration and people of the demo: created once, reset on each run.

Staff passwords are fixed and printed (a demo, not a deployment): running the
seed again puts them back, so the printed logins always work.
"""

from datetime import date, time

import holidays as holiday_calendars
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from complaints.actors import Actor
from complaints.models import Category, OfferLimit, RootCause
from customers.models import Customer
from customers.services import customer_match_or_create, customer_set_consent
from sla.models import Calendar, Holiday, SlaPolicy, WorkingHours
from teams.models import Role, StaffProfile, Team
from teams.services import staff_create

User = get_user_model()

DEMO_PASSWORD = "redress-demo"
SEED = Actor.system("seed_demo")
TEAMS = {"care": "Customer care", "billing": "Billing", "repairs": "Repairs"}
# username → (role, teams, first name, last name, may log in)
STAFF = {
    "agent": (Role.AGENT, ["care", "billing"], "Alex", "Agent", True),
    "lead": (Role.TEAM_LEAD, ["care", "billing", "repairs"], "Lee", "Lead", True),
    "manager": (Role.MANAGER, [], "Morgan", "Manager", True),
    "tom": (Role.AGENT, ["care"], "Tom", "Okafor", False),
    "maya": (Role.AGENT, ["repairs"], "Maya", "Lindqvist", False),
}
CATEGORIES = {
    "delivery": ("Late or missing delivery", "care"),
    "wrong-item": ("Wrong or incomplete order", "care"),
    "billing": ("Billing and payments", "billing"),
    "staff-conduct": ("Staff conduct", "care"),
    "product-fault": ("Faulty product", "repairs"),
    "service-visit": ("Installation and service visits", "repairs"),
}
ROOT_CAUSES = {
    "courier-delay": "Courier delay",
    "picking-error": "Warehouse picking error",
    "payment-bug": "Payment system fault",
    "training-gap": "Staff training gap",
    "manufacturing-defect": "Manufacturing defect",
    "scheduling": "Engineer scheduling",
    "packaging": "Poor packaging",
}
# priority → (first response, resolution) in business minutes
POLICIES = {
    "low": (8 * 60, 5 * 510),
    "normal": (4 * 60, 3 * 510),
    "high": (2 * 60, 510),
    "urgent": (30, 4 * 60),
}
LIMITS = {
    "refund": 100,
    "partial_refund": 60,
    "credit": 50,
    "goodwill_gesture": 25,
}


@transaction.atomic
def staff_and_teams() -> dict[str, object]:
    """Create or reset the demo teams and staff; return users by username."""
    teams = {
        slug: Team.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in TEAMS.items()
    }
    users = {}
    # One hash for the shared demo password: hashing is slow by design.
    hashed = make_password(DEMO_PASSWORD)
    for username, (role, slugs, first, last, login) in STAFF.items():
        user = User.objects.filter(username=username).first()
        members = [teams[slug] for slug in slugs]
        if user is None:
            user = staff_create(
                username=username,
                password=None,
                role=role,
                teams=members,
                email=f"{username}@redress.example",
                first_name=first,
                last_name=last,
                by=SEED,
            )
        profile, _ = StaffProfile.objects.update_or_create(
            user=user, defaults={"role": role}
        )
        profile.teams.set(members)
        if login:
            user.password = hashed
        else:
            user.set_unusable_password()
        user.is_active = True
        # The demo manager runs the admin too.
        user.is_staff = user.is_superuser = role == Role.MANAGER
        user.save()
        users[username] = user
    return users


@transaction.atomic
def calendar_and_policies(*, today: date) -> Calendar:
    """Office hours in London, English public holidays, a policy per priority."""
    calendar, _ = Calendar.objects.update_or_create(
        name="UK office",
        defaults={"time_zone": "Europe/London", "country": "GB", "subdivision": "ENG"},
    )
    calendar.hours.all().delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, opens=time(9), closes=time(17, 30))
        for d in range(5)
    )
    years = [today.year, today.year + 1]
    found = holiday_calendars.country_holidays("GB", subdiv="ENG", years=years)
    for day, name in sorted(found.items()):
        Holiday.objects.update_or_create(
            calendar=calendar, date=day, defaults={"name": name[:100]}
        )
    for priority, (first, resolution) in POLICIES.items():
        SlaPolicy.objects.update_or_create(
            priority=priority,
            category=None,
            active=True,
            defaults={
                "name": f"{priority.title()} priority",
                "calendar": calendar,
                "first_response_minutes": first,
                "resolution_minutes": resolution,
                "escalation_minutes": max(first, 120),
                "warn_at_percent": 75,
                "followup_days": [1, 7, 30],
            },
        )
    Team.objects.filter(slug__in=TEAMS).update(calendar=calendar)
    return calendar


@transaction.atomic
def catalogue() -> None:
    """Categories (with their teams), root causes and offer limits."""
    teams = {team.slug: team for team in Team.objects.filter(slug__in=TEAMS)}
    for slug, (name, team) in CATEGORIES.items():
        Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "default_team": teams[team]}
        )
    for slug, name in ROOT_CAUSES.items():
        RootCause.objects.update_or_create(slug=slug, defaults={"name": name})
    for kind, amount in LIMITS.items():
        for currency, rate in (("GBP", 1), ("EUR", 1.15)):
            OfferLimit.objects.update_or_create(
                kind=kind,
                currency=currency,
                defaults={"max_amount": round(amount * rate)},
            )


def customers(people: list[tuple[str, str, str, bool]]) -> list[Customer]:
    """Match or create each demo customer by their shop id; set consent."""
    made = []
    for number, (name, email, phone, consent) in enumerate(people, start=1):
        customer, _ = customer_match_or_create(
            email=email,
            name=name,
            phone=phone,
            external_ref=f"demo-{number:03d}",
            by=SEED,
        )
        if customer.consent_to_contact != consent:
            customer_set_consent(customer=customer, consent=consent, by=SEED)
        made.append(customer)
    return made
