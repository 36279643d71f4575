"""The bases of the agents' forms: text and dates held to `complaints.bounds`,
and the case `version` a form that changes a case was rendered from."""

from django import forms

from complaints.bounds import bound_form_fields

TEXT = {"rows": 3}

ID_MAX = 2**31 - 1  # a database id; larger numbers name nobody


class BoundedForm(forms.Form):
    """A form whose text and date fields keep to `complaints.bounds`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields)


class VersionedForm(BoundedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
