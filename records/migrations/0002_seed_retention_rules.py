"""Seed the retention rules (README, "Retention and data rights").

Counted from the case's closure (later than receipt, so never shorter than a
rule counted from receipt). Regimes without a rule (`none`) keep cases
`DEFAULT_RETENTION_DAYS`.
"""

from datetime import date

from django.db import migrations

SINCE = date(2000, 1, 1)
RULES = [
    (
        "fca",
        "",
        3,
        "FCA DISP 1.9.1R: records of each complaint kept at least 3 years "
        "(https://www.handbook.fca.org.uk/handbook/DISP/1/9.html).",
    ),
    (
        "fca",
        "investment",
        5,
        "FCA DISP 1.9.1R(2): 5 years for complaints about MiFID or collective "
        "portfolio management business (cases of the category `investment`).",
    ),
    (
        "fca_payments",
        "",
        3,
        "FCA DISP 1.9.1R applies to payment services complaints too: 3 years.",
    ),
    (
        "asic",
        "",
        7,
        "Check: RG 271 sets no period; Corporations Act 2001 s 286 and s 988E "
        "keep financial and financial-services records 7 years.",
    ),
    (
        "cfpb",
        "",
        3,
        "Check: Regulation Z 12 CFR 1026.25 keeps evidence of compliance 2 "
        "years (3 for some mortgage records); the longer is used.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    for regime, category, years, source in RULES:
        RetentionRule.objects.get_or_create(
            regime=regime,
            category_slug=category,
            effective_from=SINCE,
            defaults={"years": years, "source": source},
        )


def unseed(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    RetentionRule.objects.filter(effective_from=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
