"""The newsroom's desk: what is planned, what is said about an article, what is unsaved.

None of these is ever shown to readers: assignments and comments live next to
articles, not in them (django-reversion does not follow them, so a restored
revision never carries a comment), and an autosaved draft is a private copy of
one person's unsaved form.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section


class Assignment(models.Model):
    """A story before it is written: the pitch, who writes it, for when."""

    class State(models.TextChoices):
        PITCHED = "pitched", _("proposta")
        ASSIGNED = "assigned", _("assegnata")
        WRITING = "writing", _("in scrittura")
        DONE = "done", _("uscita")
        DROPPED = "dropped", _("abbandonata")

    title = models.CharField(_("titolo di lavoro"), max_length=250)
    section = models.ForeignKey(
        Section, verbose_name=_("sezione"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnata a"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_assignments",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    due_at = models.DateTimeField(
        _("consegna"), help_text=_("Quando il pezzo deve essere pronto per la revisione.")
    )
    notes = models.TextField(
        _("note"), blank=True, help_text=_("Taglio, fonti da sentire, lunghezza, foto.")
    )
    state = models.CharField(
        _("stato"), max_length=20, choices=State.choices, default=State.ASSIGNED
    )
    article = models.OneToOneField(
        Article,
        verbose_name=_("articolo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignment",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creata da"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("creata il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("incarico")
        verbose_name_plural = _("incarichi")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["due_at"], name="desk_assignment_due_idx")]

    def __str__(self):
        return self.title

    def is_open(self) -> bool:
        return self.state in {self.State.PITCHED, self.State.ASSIGNED, self.State.WRITING}


class EditorialComment(models.Model):
    """One message in the staff-only thread of an article."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="editorial_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("commento"))
    created_at = models.DateTimeField(_("scritto il"), default=timezone.now)
    resolved_at = models.DateTimeField(_("risolto il"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("risolto da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commento redazionale")
        verbose_name_plural = _("commenti redazionali")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["article"],
                name="desk_comment_open_idx",
                condition=models.Q(resolved_at__isnull=True),
            )
        ]

    def __str__(self):
        return self.text[:60]


class Notification(models.Model):
    """Something a colleague did that concerns you, shown on your desk until read."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("commento")
        ASSIGNMENT = "assignment", _("incarico")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(Article, null=True, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        Assignment, null=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="desk_notification_idx")]

    def __str__(self):
        return self.text


class AutosaveDraft(models.Model):
    """The unsaved state of one person's article form, kept every few seconds.

    Not a revision and not the article: saving it never touches the article's
    row, so the optimistic lock's version stays where it was.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Null: the form of a new, not yet saved article.
    article = models.ForeignKey(Article, null=True, on_delete=models.CASCADE, related_name="+")
    base_version = models.PositiveIntegerField(null=True)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="desk_autosave_once", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.user_id}/{self.article_id}"
