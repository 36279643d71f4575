"""A form field taking several files from one `<input type="file" multiple>`.

The limits themselves (size, type, how many) are the service's; this only
collects the files.
"""

from django import forms


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Cleans to a list of uploaded files (empty when none was chosen)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if isinstance(data, list | tuple):
            return [
                super(MultipleFileField, self).clean(item, initial) for item in data
            ]
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"])
            return []
        return [super().clean(data, initial)]
