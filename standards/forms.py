from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from newsletter.forms import HEADER_BREAKS


class CorrectionRequestForm(forms.Form):
    article_url = forms.CharField(
        label=_("Indirizzo dell'articolo"),
        max_length=500,
        help_text=_("Copialo dalla barra del browser, es. https://…/farmaci/titolo-articolo/"),
        error_messages={"required": _("Indica l'articolo da rettificare.")},
    )
    name = forms.CharField(
        label=_("Nome e cognome"),
        max_length=150,
        error_messages={"required": _("Scrivi il tuo nome e cognome.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Ti scriviamo qui l'esito."),
        error_messages={
            "required": _("Scrivi il tuo indirizzo e-mail."),
            "invalid": _("Questo indirizzo e-mail non sembra valido."),
        },
    )
    represents = forms.CharField(
        label=_("Per conto di (facoltativo)"),
        max_length=200,
        required=False,
        help_text=_("L'ente o la persona citata nell'articolo, se non sei tu."),
    )
    statement = forms.CharField(
        label=_("Che cosa è sbagliato"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Riporta la frase dell'articolo e spiega perché non è vera o ti lede."),
        error_messages={"required": _("Spiega che cosa è sbagliato nell'articolo.")},
    )
    correct_version = forms.CharField(
        label=_("Versione corretta dei fatti"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Il testo che chiedi di pubblicare (la legge lo limita a trenta righe)."),
        error_messages={"required": _("Scrivi la versione corretta che chiedi di pubblicare.")},
    )
    evidence = forms.CharField(
        label=_("Prove e documenti (facoltativo)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_url = forms.URLField(
        label=_("Link a un documento (facoltativo)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Questo link non sembra valido.")},
    )
    consent = forms.BooleanField(
        label=_("Acconsento al trattamento dei miei dati per gestire la richiesta di rettifica."),
        error_messages={"required": _("Serve il tuo consenso per gestire la richiesta.")},
    )
    # Honeypot: hidden from people, filled by naive bots.
    website = forms.CharField(required=False, max_length=200)

    def clean_email(self) -> str:
        raw = self.data.get("email", "")
        if any(mark in raw.lower() for mark in HEADER_BREAKS):
            raise forms.ValidationError(_("L'indirizzo contiene caratteri non ammessi (a capo)."))
        return self.cleaned_data["email"]

    def clean_article_url(self) -> Article:
        path = urlsplit(self.cleaned_data["article_url"].strip()).path or "/"
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if match is None or match.view_name != "articles:detail":
            raise forms.ValidationError(
                _("Questo indirizzo non è quello di un nostro articolo: copialo dalla sua pagina.")
            )
        article = (
            Article.objects.published().filter(slug=match.kwargs["slug"]).select_related("section")
        ).first()
        if article is None:
            raise forms.ValidationError(
                _("Non troviamo un articolo pubblicato a questo indirizzo.")
            )
        return article

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
