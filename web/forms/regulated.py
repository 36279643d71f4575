"""Forms of regulated handling on the case page: letters, four eyes, the
customer's vulnerability and representative. Named in `web.forms` so a
refused form comes back with its input (`web.views.base.recall_refusal`).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.bounds import TEXT_MAX, bound_form_fields
from customers.models import LetterCopy, RepresentativeKind, VulnerabilityDriver
from regimes.models import LetterKind, Outcome


class _Bounded(forms.Form):
    # These forms share the case page with the workspace's own (the offer's
    # `kind`, …): their own id prefix keeps every label pointing at its input.
    id_prefix = "reg"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields)


class LetterForm(_Bounded):
    id_prefix = "letter"
    ACTIONS = (
        ("preview", _("Preview")),
        ("send", _("Send")),
        ("request", _("Ask approval")),
    )

    kind = forms.ChoiceField(label=_("Letter"), choices=LetterKind.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome (final response)"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
    )
    body = forms.CharField(
        label=_("Text (empty: the regime's template)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    do = forms.ChoiceField(choices=ACTIONS, initial="preview")


class LetterDecisionForm(_Bounded):
    id_prefix = "decision"
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class VulnerabilityForm(_Bounded):
    id_prefix = "support"
    drivers = forms.MultipleChoiceField(
        label=_("Drivers (FCA FG21/1)"),
        choices=VulnerabilityDriver.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adjustments = forms.CharField(
        label=_("Adjustments we make"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent_from = forms.CharField(
        label=_("Who consents to recording this (now)"), required=False, max_length=200
    )
    withdraw = forms.BooleanField(
        label=_("Consent withdrawn: clear what is recorded"), required=False
    )


class RepresentativeForm(_Bounded):
    id_prefix = "rep"
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Acts as"), choices=RepresentativeKind.choices, required=False
    )
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    authority = forms.CharField(
        label=_("Evidence of authority"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    receives_letters = forms.ChoiceField(
        label=_("Letters"), choices=LetterCopy.choices, initial=LetterCopy.NO
    )
    remove = forms.BooleanField(label=_("Remove the representative"), required=False)
