"""Seed the shipped regimes (CONTRACT §15); sources in REGULATIONS.md and README.

Each is one version with its effective date; a later rule is a new row, never
an edit (the FCA acknowledgement rule of 1 June 2026 is the second `fca` row).
Required contents are phrases a letter must contain (any one per code).
"""

from django.db import migrations

FOS_RIGHT = {
    "code": "ombudsman_referral_right",
    "any": [
        "refer your complaint to the Financial Ombudsman Service",
        "refer it to the Financial Ombudsman Service",
    ],
}
FOS_CONTACT = {
    "code": "ombudsman_contact",
    "any": ["financial-ombudsman.org.uk"],
}
FOS_TIME_LIMIT = {"code": "ombudsman_time_limit", "any": ["within six months"]}
FOS_LEAFLET = {"code": "ombudsman_leaflet", "any": ["leaflet"]}
FOS_WAIVER = {"code": "time_limit_waiver", "any": ["consent to the Ombudsman"]}
OUTCOME = {"code": "outcome", "field": "outcome"}
EXPECTED = {"code": "expected_date", "any": ["we expect to send"]}
REASONS = {"code": "delay_reasons", "any": ["because"]}
AFCA_RIGHT = {
    "code": "afca_referral_right",
    "any": ["Australian Financial Complaints Authority"],
}
AFCA_CONTACT = {"code": "afca_contact", "any": ["www.afca.org.au"]}
STEPS = {"code": "steps_taken", "any": ["steps we have taken"]}

FOS_BLOCK = (
    "You may refer your complaint to the Financial Ombudsman Service, "
    "Exchange Tower, London E14 9SR, 0800 023 4567, www.financial-ombudsman.org.uk. "
    "The Ombudsman's service is free. We enclose the Ombudsman's explanatory leaflet."
)
FCA_FINAL = (
    "Dear {{ customer_name }},\n\nYour complaint {{ reference }}, received on "
    "{{ received }}: our final response.\n\nWe have {{ outcome_label }} your "
    "complaint. {{ resolution }}\n\n" + FOS_BLOCK + "\n\n"
    "You must refer your complaint to the Ombudsman within six months of the date "
    "of this letter. If you do not refer your complaint in time, the Ombudsman will "
    "not have our permission to consider it; we do not consent to the Ombudsman "
    "considering it out of time, though the Ombudsman may do so in very limited "
    "circumstances.\n\n{{ today }}\n{{ firm }}"
)
FCA_SUMMARY = (
    "Dear {{ customer_name }},\n\nThank you for telling us about {{ reference }}. "
    "As you have accepted our answer, we now treat your complaint as resolved. "
    "{{ resolution }}\n\nIf you later become dissatisfied, you may be able to refer "
    "your complaint to the Financial Ombudsman Service, "
    "www.financial-ombudsman.org.uk, 0800 023 4567. We do not consent to the "
    "Ombudsman considering a complaint referred more than six months after this "
    "letter.\n\n{{ today }}\n{{ firm }}"
)
FCA_HOLDING = (
    "Dear {{ customer_name }},\n\nWe have not yet finished looking into "
    "{{ reference }} because we are still gathering what we need to answer it "
    "fully. We expect to send our final response by {{ final_due }}.\n\n"
    "You do not have to wait: you may refer your complaint to the Financial "
    "Ombudsman Service now, www.financial-ombudsman.org.uk, 0800 023 4567."
    "\n\n{{ today }}\n{{ firm }}"
)


def ack(timing: str, *, with_timing: bool) -> dict:
    text = (
        "Dear {{ customer_name }},\n\nWe received your complaint on {{ received }} "
        "and its reference is {{ reference }}. We will send you our final response "
        f"{timing}, by {{{{ final_due }}}}.\n\n{{{{ today }}}}\n{{{{ firm }}}}"
    )
    required = [{"code": "final_response_timing", "any": [timing]}] if with_timing else []
    return {"template": text, "required": required}


def fca_letters(*, with_timing: bool) -> dict:
    return {
        "acknowledgement": ack("within eight weeks", with_timing=with_timing),
        "summary_resolution": {
            "template": FCA_SUMMARY,
            "required": [FOS_RIGHT, FOS_CONTACT],
        },
        "holding": {
            "template": FCA_HOLDING,
            "required": [REASONS, EXPECTED, FOS_RIGHT, FOS_CONTACT],
        },
        "final_response": {
            "template": FCA_FINAL,
            "required": [
                OUTCOME,
                FOS_RIGHT,
                FOS_TIME_LIMIT,
                FOS_CONTACT,
                FOS_LEAFLET,
                FOS_WAIVER,
            ],
        },
    }


FCA_CLOCKS = [
    {
        "kind": "summary_resolution",
        "amount": 3,
        "unit": "business_days",
        "ends": "close_of_business",
        "met_by": ["summary_resolution"],
        "breaches": False,
    },
    {
        "kind": "final_response",
        "amount": 8,
        "unit": "weeks",
        "ends": "end_of_day",
        "met_by": ["final_response", "summary_resolution"],
        "warn_days": 7,
    },
]
FCA_BANDS = [
    {
        "code": "within_3_business_days",
        "amount": 3,
        "unit": "business_days",
        "ends": "close_of_business",
    },
    {"code": "within_8_weeks", "amount": 8, "unit": "weeks", "ends": "end_of_day"},
]
FCA_SOURCE = (
    "FCA Handbook DISP 1.5 (three-business-day route), 1.6 (final and holding "
    "responses), 1 Annex 3R (ombudsman wording), 1.10 (returns): "
    "https://handbook.fca.org.uk/handbook/DISP/1/"
)
UK = {
    "country": "GB",
    "subdivision": "ENG",
    "time_zone": "Europe/London",
    "close_of_business": "17:00",
    "referral_window_months": 6,
}

ASIC_FINAL = (
    "Dear {{ customer_name }},\n\nOur response to your complaint {{ reference }}, "
    "received on {{ received }}: we have {{ outcome_label }} it. {{ resolution }}"
    "\n\nIf you are not satisfied with our response, you can take your complaint to "
    "the Australian Financial Complaints Authority (AFCA), a free and independent "
    "service: www.afca.org.au, 1800 931 678, info@afca.org.au, GPO Box 3, "
    "Melbourne VIC 3001.\n\n{{ today }}\n{{ firm }}"
)
ASIC_DELAY = (
    "Dear {{ customer_name }},\n\nWe cannot give you our response to "
    "{{ reference }} by {{ final_due }} because we are still investigating it. "
    "You may take your complaint to the Australian Financial Complaints Authority "
    "(AFCA) now: www.afca.org.au, 1800 931 678.\n\n{{ today }}\n{{ firm }}"
)
GENERIC_FINAL = (
    "Dear {{ customer_name }},\n\nOur final response to {{ reference }}: "
    "{% if outcome_label %}we have {{ outcome_label }} your complaint. {% endif %}"
    "{{ resolution }}\n\n{{ today }}\n{{ firm }}"
)
CFPB_FINAL = (
    "Dear {{ customer_name }},\n\nOur response to your complaint {{ reference }}: "
    "we have {{ outcome_label }} it. The steps we have taken: {{ resolution }}"
    "\n\n{{ today }}\n{{ firm }}"
)
CFPB_PROGRESS = (
    "Dear {{ customer_name }},\n\nYour complaint {{ reference }} is in progress. "
    "The steps we have taken so far: {{ resolution }}. We will close it by "
    "{{ final_due }}.\n\n{{ today }}\n{{ firm }}"
)
GENERIC_HOLDING = (
    "Dear {{ customer_name }},\n\nWe are still working on {{ reference }} and will "
    "write again soon.\n\n{{ today }}\n{{ firm }}"
)
GENERIC_ACK = (
    "Dear {{ customer_name }},\n\nWe received your complaint on {{ received }}; "
    "its reference is {{ reference }}.\n\n{{ today }}\n{{ firm }}"
)

REGIMES = [
    {
        "code": "fca",
        "name": "UK FCA (DISP 1)",
        "effective_from": "2016-06-30",
        **UK,
        "clocks": FCA_CLOCKS,
        "letters": fca_letters(with_timing=False),
        "return_bands": FCA_BANDS,
        "source": FCA_SOURCE,
    },
    {
        "code": "fca",
        "name": "UK FCA (DISP 1)",
        "effective_from": "2026-06-01",
        **UK,
        "clocks": FCA_CLOCKS,
        "letters": fca_letters(with_timing=True),
        "return_bands": FCA_BANDS,
        "source": FCA_SOURCE + " — from 1 June 2026 an acknowledgement must say "
        "when the final response will come (DISP 1.6.1R).",
    },
    {
        "code": "fca_payments",
        "name": "UK FCA payment services and e-money (DISP 1.6.2AR)",
        "effective_from": "2018-01-13",
        **UK,
        "clocks": [
            {
                "kind": "final_response",
                "amount": 15,
                "unit": "business_days",
                "ends": "end_of_day",
                "met_by": ["final_response"],
                "warn_days": 3,
                "extended": {"by": "holding", "amount": 35, "unit": "business_days"},
            }
        ],
        "letters": {
            "acknowledgement": ack("within 15 business days", with_timing=True),
            "holding": {
                "template": FCA_HOLDING,
                "required": [REASONS, EXPECTED, FOS_RIGHT, FOS_CONTACT],
            },
            "final_response": fca_letters(with_timing=True)["final_response"],
        },
        "return_bands": [
            {"code": "within_15_business_days", "amount": 15, "unit": "business_days"},
            {"code": "within_35_business_days", "amount": 35, "unit": "business_days"},
        ],
        "source": "FCA Handbook DISP 1.6.2AR: "
        "https://handbook.fca.org.uk/handbook/DISP/1/6.html",
    },
    {
        "code": "asic",
        "name": "Australia ASIC RG 271 (internal dispute resolution)",
        "effective_from": "2021-10-05",
        "country": "AU",
        "subdivision": "",
        "time_zone": "Australia/Sydney",
        "close_of_business": "17:00",
        "clocks": [
            {
                "kind": "acknowledgement",
                "amount": 1,
                "unit": "business_days",
                "met_by": ["acknowledgement", "final_response"],
                "warn_days": 0,
            },
            {
                "kind": "final_response",
                "amount": 30,
                "unit": "calendar_days",
                "met_by": ["final_response"],
                "warn_days": 5,
            },
        ],
        "letters": {
            "acknowledgement": {"template": GENERIC_ACK, "required": []},
            "holding": {
                "template": ASIC_DELAY,
                "required": [REASONS, AFCA_RIGHT, AFCA_CONTACT],
            },
            "final_response": {
                "template": ASIC_FINAL,
                "required": [OUTCOME, AFCA_RIGHT, AFCA_CONTACT],
            },
        },
        "return_bands": [
            {"code": "within_5_business_days", "amount": 5, "unit": "business_days"},
            {"code": "within_30_days", "amount": 30, "unit": "calendar_days"},
        ],
        "source": "ASIC RG 271; https://afca.org.au/members/rg271/"
        "new-maximum-idr-timeframes",
    },
    {
        "code": "cfpb",
        "name": "US CFPB complaint portal",
        "effective_from": "2020-01-01",
        "country": "US",
        "subdivision": "",
        "time_zone": "America/New_York",
        "close_of_business": "17:00",
        "clocks": [
            {
                "kind": "response",
                "amount": 15,
                "unit": "calendar_days",
                "met_by": ["holding", "final_response"],
                "warn_days": 3,
            },
            {
                "kind": "final_response",
                "amount": 60,
                "unit": "calendar_days",
                "met_by": ["final_response"],
                "warn_days": 10,
            },
        ],
        "letters": {
            "acknowledgement": {"template": GENERIC_ACK, "required": []},
            "holding": {"template": CFPB_PROGRESS, "required": [STEPS]},
            "final_response": {
                "template": CFPB_FINAL,
                "required": [OUTCOME, STEPS],
            },
        },
        "return_bands": [
            {"code": "within_15_days", "amount": 15, "unit": "calendar_days"},
            {"code": "within_60_days", "amount": 60, "unit": "calendar_days"},
        ],
        "source": "CFPB company portal guide (15 days to respond, 60 to close).",
    },
    {
        "code": "none",
        "name": "No regulator (internal SLAs only)",
        "effective_from": "2000-01-01",
        "country": "",
        "subdivision": "",
        "time_zone": "UTC",
        "close_of_business": "17:00",
        "clocks": [],
        "letters": {
            "acknowledgement": {"template": GENERIC_ACK, "required": []},
            "holding": {"template": GENERIC_HOLDING, "required": []},
            "final_response": {"template": GENERIC_FINAL, "required": []},
        },
        "return_bands": [],
        "source": "",
    },
]


def seed(apps, schema_editor):
    Regime = apps.get_model("regimes", "Regime")
    for row in REGIMES:
        Regime.objects.get_or_create(
            code=row["code"],
            effective_from=row["effective_from"],
            defaults={k: v for k, v in row.items() if k not in ("code", "effective_from")},
        )


class Migration(migrations.Migration):
    dependencies = [("regimes", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
