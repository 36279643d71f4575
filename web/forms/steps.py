"""Forms of the case's steps (listen, outcome, resolve, skip, reopen, close) and
of the sidebar's edits (assign, route, priority, category)."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from complaints.models import STAGE_ORDER, CloseReason, Stage

from .base import ID_MAX, TEXT, VersionedForm

# In the language of the page, as the agent writes the apology in it.
FORGIVENESS_QUESTION = gettext_lazy("Will you accept our apology?")
SUGGESTED_APOLOGY = gettext_lazy(
    "Thank you for telling us about this, and I am truly sorry for what you "
    "went through."
)


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
        label=format_lazy(
            gettext_lazy("End by asking for forgiveness: “{question}”"),
            question=FORGIVENESS_QUESTION,
        ),
        required=False,
        initial=True,
    )

    def apology_text(self) -> str:
        text = self.cleaned_data.get("apology", "").strip()
        if text and self.cleaned_data.get("ask_forgiveness"):
            lowered = text.lower()
            question = str(FORGIVENESS_QUESTION)
            asked = ("forgive", "accept our apolog", question.lower())
            if not any(words in lowered for words in asked):
                text = f"{text} {question}"
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
            (s, Stage(s).label) for s in later if s not in ("closed", "following_up")
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
