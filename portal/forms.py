"""Forms of the editors' admin screens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.importing import SUPPORTED_EXTENSIONS, check_file_basics


class MeasurementImportForm(forms.Form):
    """Upload of a CSV or XLSX file of measurements (step one of the import)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("A .csv or .xlsx file in the format described on this page."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Type and size are checked before the upload is stored or parsed.
        issues = check_file_basics(upload.name, upload.size)
        if issues:
            raise forms.ValidationError([issue.message for issue in issues])
        return upload
