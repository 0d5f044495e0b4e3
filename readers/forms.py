from django import forms

from articles.images import validate_image_file
from readers.models import ProfessionalProfile

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024


class ProfessionForm(forms.ModelForm):
    document = forms.FileField(
        label="Documento (facoltativo)",
        required=False,
        help_text=(
            "Una foto o scansione del tesserino dell'Ordine, JPEG o PNG, al massimo 5 MB. "
            "Lo vede solo la redazione e lo eliminiamo appena deciso."
        ),
    )

    class Meta:
        model = ProfessionalProfile
        fields = [
            "first_name",
            "last_name",
            "profession",
            "province",
            "registration_number",
            "self_declaration",
        ]
        labels = {
            "self_declaration": "Dichiaro di essere un operatore sanitario iscritto all'albo "
            "indicato e che i dati sono veri",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["self_declaration"].required = True
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document is None:
            return None
        if document.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError("Il documento supera 5 MB.")
        # The same checks as every image: real format, size, no decompression bomb.
        validate_image_file(document)
        document.seek(0)
        return document


class DecisionForm(forms.Form):
    state = forms.ChoiceField(
        label="Esito",
        choices=[
            (ProfessionalProfile.State.VERIFIED, "Verificato"),
            (ProfessionalProfile.State.REJECTED, "Respinto"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Motivazione",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obbligatoria per un rifiuto: il lettore la legge nel suo profilo.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("state") == ProfessionalProfile.State.REJECTED
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", "Indica il motivo del rifiuto.")
        return cleaned


class RegisterUploadForm(forms.Form):
    extract = forms.FileField(
        label="Estratto dell'albo (CSV)",
        help_text="Colonne: professione;cognome;nome;numero;provincia (UTF-8).",
    )
