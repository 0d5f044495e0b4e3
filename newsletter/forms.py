from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from articles.models import Section
from newsletter.models import Newsletter, Subscriber


class NewsletterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Newsletter) -> str:
        return f"{obj.name} — {obj.description}" if obj.description else obj.name


def newsletter_field(**kwargs) -> NewsletterChoiceField:
    return NewsletterChoiceField(
        label=_("Le newsletter"),
        queryset=Newsletter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def offer_newsletters(form: forms.Form, newsletters, chosen) -> None:
    """Fill the newsletters field from one query: its choices and, unbound, what is ticked.

    The queryset stays for validation; the evaluated list spares the second
    query that rendering a model field's choices would run.
    """
    field = form.fields["newsletters"]
    field.queryset = newsletters
    offered = list(newsletters)
    field.choices = [(n.pk, field.label_from_instance(n)) for n in offered]
    if not form.is_bound:
        form.initial.setdefault("newsletters", [n.pk for n in offered if chosen(n)])


# Characters that would let an address smuggle extra mail headers.
HEADER_BREAKS = ("\r", "\n", "\x00", "%0a", "%0d")


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Il tuo indirizzo e-mail"),
        max_length=254,
        error_messages={
            "required": _("Scrivi il tuo indirizzo e-mail."),
            "invalid": _(
                "Questo indirizzo e-mail non sembra valido: controlla di averlo "
                "scritto per intero, per esempio nome@esempio.it."
            ),
        },
    )
    newsletters = newsletter_field(
        required=False, help_text=_("Nessuna scelta = le newsletter proposte.")
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Argomenti"),
        queryset=Section.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Se non ne scegli nessuno, li ricevi tutti."),
    )
    consent = forms.BooleanField(
        label=_("Ho letto l'informativa sulla privacy e acconsento a ricevere la newsletter."),
        error_messages={
            "required": _("Per iscriverti devi accettare l'informativa sulla privacy.")
        },
    )
    # Honeypot: hidden from people, filled by naive bots.
    website = forms.CharField(required=False, max_length=200)
    page = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Section.objects.filter(is_active=True, parent__isnull=True)
        offer_newsletters(self, Newsletter.objects.filter(is_active=True), lambda n: n.is_default)

    def clean_email(self) -> str:
        raw = self.data.get("email", "")
        if any(mark in raw.lower() for mark in HEADER_BREAKS):
            raise forms.ValidationError(
                _("L'indirizzo contiene caratteri non ammessi (a capo)."), code="header"
            )
        return self.cleaned_data["email"]

    def clean_page(self) -> str:
        page = self.cleaned_data["page"]
        # Only a path on this site is recorded as the signup page.
        if not page.startswith("/") or page.startswith("//"):
            return ""
        return page

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class PreferencesForm(forms.Form):
    newsletters = newsletter_field(
        required=True,
        error_messages={
            "required": _(
                "Scegli almeno una newsletter; per non ricevere più nulla usa «Cancellami»."
            )
        },
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Argomenti che vuoi ricevere"),
        queryset=Section.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Se non ne scegli nessuno, li ricevi tutti."),
    )
    paused = forms.BooleanField(label=_("Metti in pausa la newsletter"), required=False)

    def __init__(self, *args, subscriber=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Section.objects.filter(is_active=True, parent__isnull=True)
        chosen = Subscriber.newsletters.through.objects.filter(
            subscriber=subscriber, newsletter=OuterRef("pk")
        )
        offer_newsletters(
            self,
            Newsletter.objects.filter(is_active=True).annotate(chosen=Exists(chosen)),
            lambda n: n.chosen,
        )
