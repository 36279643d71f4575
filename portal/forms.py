"""Forms of the customer side: what a customer may send, with its limits and wording.

Each field has a hard length limit so nothing oversized reaches the database,
text and dates keep to `complaints.bounds`, and error messages are written for
a customer, not a developer.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from attachments.exceptions import human_size
from attachments.fields import MultipleFileField
from attachments.services import max_bytes, max_files
from complaints.bounds import bound_form_fields
from complaints.models import Category
from followups.models import Outcome

LONG_TEXT = 10_000
MEDIUM_TEXT = 4_000
TOO_LONG = _(
    "Please keep this under %(limit_value)d characters (it has %(show_value)d)."
)
REQUIRED = {
    "name": _("Please tell us your name."),
    "email": _("We need an email address so we can reply to you."),
    "subject": _("Please sum up what went wrong in a few words."),
    "description": _("Please tell us what happened."),
    "body": _("Your message is empty."),
    "counter_request": _("Please tell us what you'd prefer instead."),
}


class FriendlyForm(forms.Form):
    """A form whose errors speak to a customer."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields)
        for name, field in self.fields.items():
            field.error_messages["max_length"] = TOO_LONG
            if name in REQUIRED:
                field.error_messages["required"] = REQUIRED[name]


def _text(label: str, *, max_length: int, required: bool = True, rows: int = 5, **kw):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


class ComplaintForm(FriendlyForm):
    """The public complaint form; `website` is a trap only robots fill in."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We'll send your case reference and updates here."),
        error_messages={
            "invalid": _("That doesn't look like an email address. Could you check it?")
        },
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        help_text=_("Only if you'd like us to be able to call you."),
    )
    subject = forms.CharField(
        label=_("In a few words, what went wrong?"),
        max_length=200,
        help_text=_('For example: "My order arrived damaged".'),
    )
    description = _text(
        _("Tell us what happened"),
        max_length=LONG_TEXT,
        rows=8,
        help_text=_(
            "Take all the space you need. Dates, order numbers and what "
            "you've already tried all help us understand."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("What is it about? (optional)"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("I'm not sure"),
    )
    desired_outcome = _text(
        _("What would put this right for you? (optional)"),
        max_length=MEDIUM_TEXT,
        required=False,
        rows=3,
        help_text=_(
            "There's no wrong answer. Knowing what you'd consider fair "
            "helps us get there sooner."
        ),
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
    )
    consent = forms.BooleanField(
        label=_("You may contact me later to check that everything was put right."),
        required=False,
    )
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")
        self.fields["attachments"].help_text = _(
            "Photos of the damage, a receipt or an email help us see what "
            "happened. %(limits)s"
        ) % {"limits": attachment_limits()}

    @property
    def is_robot(self) -> bool:
        """Whether the hidden trap field was filled in."""
        return bool((self.data.get("website") or "").strip())


class MessageForm(FriendlyForm):
    """A message from the customer on their status page."""

    body = _text(_("Your message"), max_length=LONG_TEXT, rows=4)
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class AttachmentForm(FriendlyForm):
    """Files the customer adds on their status page."""

    files = MultipleFileField(
        label=_("Add photos or documents"),
        required=True,
        error_messages={"required": _("Please choose a file to send.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = attachment_limits()


def attachment_limits() -> str:
    """The file limits in a customer's words, from the settings."""
    return _(
        "Up to %(count)s files of %(size)s each: photos, "
        "PDFs, text, Word, Excel or OpenDocument files, or emails."
    ) % {"count": max_files(), "size": human_size(max_bytes())}


class CounterForm(FriendlyForm):
    """What the customer would prefer instead of an offer."""

    counter_request = _text(
        _("What would you prefer instead?"), max_length=MEDIUM_TEXT, rows=3
    )


class DeclineForm(FriendlyForm):
    """Declining an offer, with an optional reason."""

    reason = _text(
        _("Would you like to tell us why? (optional)"),
        max_length=MEDIUM_TEXT,
        required=False,
        rows=2,
    )


class ConsentForm(FriendlyForm):
    """Giving or withdrawing consent to a follow-up."""

    consent = forms.TypedChoiceField(
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
    )


SCORES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyForm(FriendlyForm):
    """The follow-up satisfaction survey."""

    csat = forms.TypedChoiceField(
        label=_("How would you rate the way we handled your complaint?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a score from 1 to 5.")},
    )
    outcome = forms.ChoiceField(
        label=_("Are you satisfied with how we resolved it?"),
        choices=[
            (Outcome.SATISFIED, _("Yes, I'm satisfied")),
            (Outcome.UNSATISFIED, _("No, it's still not right")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please tell us whether you're satisfied.")},
    )
    note = _text(
        _("Anything else you'd like to tell us? (optional)"),
        max_length=MEDIUM_TEXT,
        required=False,
        rows=4,
    )
