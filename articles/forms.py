"""The article form of the admin: rich text, optimistic locking, workflow extras."""

from __future__ import annotations

from ckeditor_uploader.fields import RichTextUploadingFormField
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.sanitize import same_html
from articles.services import stale_version_message
from articles.slugs import ARTICLE_SLUG_LENGTH, slug_at_word
from readers.professions import Profession


class RichTextBodyField(RichTextUploadingFormField):
    """Changed only when the sanitised text differs: CKEditor's own layout is no edit."""

    def has_changed(self, initial, data):
        return not same_html(initial, data)


class ArticleAdminForm(forms.ModelForm):
    body = RichTextBodyField(config_name="default", required=False, label=_("Testo"))
    # The version this form was loaded with; a save against a newer one is refused.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    material_update = forms.BooleanField(
        label=_("Modifica sostanziale"),
        required=False,
        help_text=_(
            "Spunta se hai cambiato fatti, dati o conclusioni: ai lettori comparirà "
            "«Aggiornato il» con la data di oggi. Non serve per refusi e ritocchi."
        ),
    )
    override_reason = forms.CharField(
        label=_("Motivo della deroga ai controlli"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Solo se vuoi pubblicare anche se mancano testo alternativo, sommario o fonti: "
            "il motivo resta registrato."
        ),
    )

    audience_professions = forms.TypedMultipleChoiceField(
        label=_("Professioni ammesse"),
        choices=Profession.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo per «solo alcune professioni sanitarie»."),
    )

    class Meta:
        model = Article
        # The admin narrows these per role through its fieldsets.
        fields = [
            "kind", "title", "slug", "section", "standfirst", "body", "tags",
            "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit",
            "highlighted_quote", "is_health_content",
            "medical_reviewer_person", "medical_reviewer_author", "last_reviewed",
            "publish_at", "unpublish_at", "is_featured", "priority",
            "is_sponsored", "sponsor_name", "audience", "audience_professions",
            "is_medicine_promotion", "seo_title", "seo_description", "related_enabled",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "loaded_version" in self.fields and self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        from_title = slugify(self.cleaned_data.get("title", ""))
        # The admin copies the headline into the address up to 250 characters,
        # cutting wherever it stops: a new address from the title ends at a
        # whole word. A published address is never moved behind the editor's back.
        if self.instance.pk is not None and "slug" not in self.changed_data:
            return slug
        if slug and from_title.startswith(slug):
            return slug_at_word(from_title, min(len(slug), ARTICLE_SLUG_LENGTH))
        return slug

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "loaded_version" in self.fields:
            loaded = cleaned.get("loaded_version")
            current = Article.objects.select_related("last_modified_by").get(pk=self.instance.pk)
            if loaded != current.version:
                raise ValidationError(stale_version_message(current), code="stale")
        return cleaned
