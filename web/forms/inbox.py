"""Forms of the inbox: the bulk bar, and a complaint taken by phone or in person."""

from django import forms
from django.utils.translation import gettext_lazy

from config.numbers import whole_number

from .base import ID_MAX, TEXT, BoundedForm


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
            if not reference or whole_number(version, max_digits=9) is None:
                raise forms.ValidationError(
                    gettext_lazy("The page is out of date; reload it.")
                )
            picked.append((reference.strip().upper()[:20], int(version)))
        if not picked:
            raise forms.ValidationError(gettext_lazy("Select at least one case."))
        return picked

    def clean_assignee(self) -> str:
        value = self.cleaned_data["assignee"].strip()
        number = whole_number(value)
        if value in ("", "me", "none") or (number is not None and number <= ID_MAX):
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
