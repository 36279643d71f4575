"""Forms of the agents' pages: they parse and validate input, nothing more.

Most fields are optional on purpose: the lifecycle decides what a move needs
and says exactly what is missing, so the page shows its refusal rather than
a second, diverging set of rules. Every form that changes a case carries the
case `version` it was rendered from, so a stale save is refused. Every form
holds its fields to `complaints.bounds` (text limits, the date range).
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from attachments.fields import MultipleFileField
from complaints.bounds import MAX_AMOUNT, bound_form_fields, currencies_allowed
from complaints.models import STAGE_ORDER, CloseReason, OfferKind, Visibility
from followups.models import FollowUpChannel, Outcome

from .regulated_forms import (  # noqa: F401  (re-exported for recall_refusal)
    LetterDecisionForm,
    LetterForm,
    RepresentativeForm,
    VulnerabilityForm,
)

FORGIVENESS_QUESTION = "Will you accept our apology?"
SUGGESTED_APOLOGY = (
    "Thank you for telling us about this, and I am truly sorry for what you "
    "went through."
)
TEXT = {"rows": 3}


ID_MAX = 2**31 - 1  # a database id; larger numbers name nobody


class BoundedForm(forms.Form):
    """A form whose text and date fields keep to `complaints.bounds`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields)


class VersionedForm(BoundedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ListeningForm(VersionedForm):
    customer_account = forms.CharField(
        label=gettext_lazy("The customer's account"),
        help_text=gettext_lazy(
            "Everything they told you, in their words, without defending."
        ),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    restatement = forms.CharField(
        label=gettext_lazy("Your restatement"),
        help_text=gettext_lazy(
            "“So what you are saying is …” — say it back so they know you heard."
        ),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    apology = forms.CharField(
        label=gettext_lazy("Apology to send the customer"),
        help_text=gettext_lazy(
            "Apologise for their experience; this is the first response."
        ),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    ask_forgiveness = forms.BooleanField(
        label=f"End by asking for forgiveness: “{FORGIVENESS_QUESTION}”",
        required=False,
        initial=True,
    )

    def apology_text(self) -> str:
        text = self.cleaned_data.get("apology", "").strip()
        if text and self.cleaned_data.get("ask_forgiveness"):
            lowered = text.lower()
            if "forgive" not in lowered and "accept our apolog" not in lowered:
                text = f"{text} {FORGIVENESS_QUESTION}"
        return text


class OutcomeForm(VersionedForm):
    desired_outcome = forms.CharField(
        label=gettext_lazy("What would be fair, in the customer's words"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    declined = forms.BooleanField(
        label=gettext_lazy("The customer would rather not say"), required=False
    )


class ResolveForm(VersionedForm):
    resolution_summary = forms.CharField(
        label=gettext_lazy("Resolution summary"),
        help_text=gettext_lazy("What was done to put it right."),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )


class SkipForm(VersionedForm):
    to = forms.ChoiceField(label=gettext_lazy("Skip ahead to"), choices=())
    skip_reason = forms.CharField(
        label=gettext_lazy("Why skip these steps?"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    apology = forms.CharField(
        label=gettext_lazy("Apology to send (when skipping to Acknowledged)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resolution_summary = forms.CharField(
        label=gettext_lazy("Resolution summary (when skipping to Resolved)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stage: str = "new", **kwargs):
        super().__init__(*args, **kwargs)
        later = (
            STAGE_ORDER[STAGE_ORDER.index(stage) + 2 :] if stage in STAGE_ORDER else ()
        )
        self.fields["to"].choices = [
            (s, s.replace("_", " ").capitalize())
            for s in later
            if s not in ("closed", "following_up")
        ]


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        label=gettext_lazy("Why reopen?"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )


class CloseForm(VersionedForm):
    close_reason = forms.ChoiceField(
        label=gettext_lazy("Close because"), choices=CloseReason.choices
    )
    duplicate_of = forms.CharField(
        label=gettext_lazy("Duplicate of (case reference)"),
        help_text=gettext_lazy("Only for duplicates, e.g. C-2026-000042."),
        required=False,
        max_length=20,
    )
    reason = forms.CharField(
        label=gettext_lazy("Why the relationship ends"),
        help_text=gettext_lazy(
            "Only when the relationship ends; every open case of the "
            "customer closes with this one."
        ),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs=TEXT),
    )


class AssignForm(VersionedForm):
    assignee = forms.IntegerField(
        label=gettext_lazy("Assign to"), required=False, min_value=1, max_value=ID_MAX
    )


class RouteForm(VersionedForm):
    team = forms.IntegerField(
        label=gettext_lazy("Route to"), min_value=1, max_value=ID_MAX
    )


class MessageForm(BoundedForm):
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees it"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    send_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)


class OfferForm(BoundedForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=OfferKind.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("Only for money: refunds, credits, gift cards."),
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), required=False, choices=()
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    extra_mile = forms.BooleanField(
        label=gettext_lazy("Goes beyond the fix itself (extra mile)"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        codes = currencies_allowed()
        self.fields["currency"].choices = [(code, code) for code in codes]
        self.fields["currency"].initial = codes[0] if codes else ""

    def clean(self):
        data = super().clean()
        # The select always sends a currency; it only goes with an amount.
        if data.get("amount") is None:
            data["currency"] = ""
        return data


class OfferNoteForm(BoundedForm):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class FollowUpForm(BoundedForm):
    due_at = forms.DateTimeField(
        label=gettext_lazy("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=[
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S%z",
            "%Y-%m-%dT%H:%M:%S%z",
        ],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=FollowUpChannel.choices,
        initial=FollowUpChannel.PHONE,
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)
    owner = forms.IntegerField(
        label=gettext_lazy("Who calls"), required=False, min_value=1, max_value=ID_MAX
    )


class FollowUpCompleteForm(BoundedForm):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices)
    csat = forms.TypedChoiceField(
        label=gettext_lazy("Satisfaction (1–5)"),
        choices=[("", gettext_lazy("not asked"))]
        + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class FollowUpCancelForm(BoundedForm):
    reason = forms.CharField(label=gettext_lazy("Why"), required=False, max_length=2000)


class ConsentForm(BoundedForm):
    consent = forms.BooleanField(
        label=gettext_lazy("May we contact them?"), required=False
    )


class RevokeLinksForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=200
    )


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=gettext_lazy("Files"), required=True)


class BulkForm(BoundedForm):
    """The inbox's bulk bar: which action, on which cases (`REFERENCE:VERSION`)."""

    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=())
    assignee = forms.CharField(
        label=gettext_lazy("Assign to"), required=False, max_length=12
    )
    team = forms.IntegerField(
        label=gettext_lazy("Team"), required=False, min_value=1, max_value=ID_MAX
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), required=False, choices=()
    )
    duplicate_of = forms.CharField(
        label=gettext_lazy("Duplicate of"), required=False, max_length=20
    )

    def __init__(self, *args, **kwargs):
        from complaints.bulk import BulkAction
        from complaints.models import Priority

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = BulkAction.choices
        self.fields["priority"].choices = [("", "—"), *Priority.choices]

    def selection(self) -> list[tuple[str, int]]:
        """The ticked rows as (reference, version); more than BULK_MAX is refused."""
        from complaints.bulk import BULK_MAX

        picked = []
        for value in self.data.getlist("case")[: BULK_MAX + 1]:
            reference, _, version = str(value).rpartition(":")
            if not reference or not version.isdigit() or len(version) > 9:
                raise forms.ValidationError(
                    gettext_lazy("The page is out of date; reload it.")
                )
            picked.append((reference.strip().upper()[:20], int(version)))
        if not picked:
            raise forms.ValidationError(gettext_lazy("Select at least one case."))
        return picked

    def clean_assignee(self) -> str:
        value = self.cleaned_data["assignee"].strip()
        if value in ("", "me", "none") or (value.isdigit() and int(value) <= ID_MAX):
            return value
        raise forms.ValidationError(gettext_lazy("Choose someone from the list."))

    def clean(self):
        data = super().clean()
        try:
            data["cases"] = self.selection()
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        action = data.get("action")
        if action == "assign" and not data.get("assignee"):
            self.add_error(
                "assignee", gettext_lazy("Choose whom to assign the cases to.")
            )
        if action == "route" and not data.get("team"):
            self.add_error("team", gettext_lazy("Choose a team."))
        if action == "priority" and not data.get("priority"):
            self.add_error("priority", gettext_lazy("Choose a priority."))
        if action == "close_duplicate" and not data.get("duplicate_of", "").strip():
            self.add_error(
                "duplicate_of", gettext_lazy("Give the reference of the case to keep.")
            )
        return data


class CaseDetailsForm(VersionedForm):
    """One of the sidebar's in-place edits: `field` names which one."""

    field = forms.ChoiceField(
        choices=[
            ("priority", gettext_lazy("priority")),
            ("category", gettext_lazy("category")),
        ]
    )
    priority = forms.ChoiceField(required=False, choices=())
    category = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)

    def __init__(self, *args, **kwargs):
        from complaints.models import Priority

        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = Priority.choices

    def clean(self):
        data = super().clean()
        if data.get("field") == "priority" and not data.get("priority"):
            self.add_error("priority", gettext_lazy("Choose a priority."))
        return data


class NewCaseForm(BoundedForm):
    """A complaint taken by phone or in person: the customer, then the case."""

    customer = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("Email"), required=False, max_length=254
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=40)
    channel = forms.ChoiceField(
        label=gettext_lazy("How did they reach us?"), choices=()
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What happened, in their words"),
        widget=forms.Textarea(attrs=TEXT),
    )
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), choices=())
    category = forms.IntegerField(
        label=gettext_lazy("Category"), required=False, min_value=1, max_value=ID_MAX
    )

    def __init__(self, *args, **kwargs) -> None:
        from complaints.intake import STAFF_CHANNELS
        from complaints.models import Priority

        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.value, c.label) for c in STAFF_CHANNELS]
        self.fields["priority"].choices = Priority.choices
        self.fields["priority"].initial = Priority.NORMAL

    def clean(self):
        data = super().clean()
        if not data.get("customer") and not (data.get("name") or "").strip():
            self.add_error(
                "name",
                gettext_lazy("Pick a customer, or give the new customer's name."),
            )
        return data


class PromiseForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("What we promised"), max_length=500)
    due_at = forms.DateTimeField(
        label=gettext_lazy("By when"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=FollowUpForm.base_fields["due_at"].input_formats,
    )
    owner = forms.IntegerField(
        label=gettext_lazy("Who keeps it"),
        required=False,
        min_value=1,
        max_value=ID_MAX,
    )
    customer_facing = forms.BooleanField(
        label=gettext_lazy("The customer sees it on their status page"), required=False
    )


class MergeForm(forms.Form):
    other = forms.CharField(label=gettext_lazy("The other case"), max_length=20)
