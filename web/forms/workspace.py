"""Forms of the case workspace: messages, offers, follow-ups, consent, links,
attachments, promises and merging."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from attachments.fields import MultipleFileField
from complaints.bounds import MAX_AMOUNT, currencies_allowed
from complaints.models import OfferKind, Visibility
from followups.models import FollowUpChannel, Outcome

from .base import ID_MAX, BoundedForm


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
