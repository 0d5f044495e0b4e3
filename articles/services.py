"""Workflow writes on articles: submit, publish/schedule, unpublish, correct, edit.

Admin actions, the change form's buttons, commands and tasks all call these.
Each one is atomic, locks the article row, bumps `version` (so a form loaded
before the change cannot silently overwrite it), writes an ArticleEvent and a
django-reversion revision so the change shows in the article's history.

Material updates ("Aggiornato il"): a published article's `material_update_at`
moves only when the editor says so, by ticking «Modifica sostanziale» in the
form (`article_update(material=True)`) or by adding a correction
(`article_correct`). Typo fixes and SEO tweaks never change the date readers see.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Revision

from articles.freshness import article_changing
from articles.importing import unique_slug
from articles.models import (
    STANDFIRST_MAX_LENGTH,
    Article,
    ArticleAuthor,
    ArticleEvent,
    ArticleRedirect,
    Author,
    Correction,
    Publisher,
    Signoff,
    text_fingerprint,
)
from articles.slugs import ARTICLE_SLUG_LENGTH


class PublishCheckFailed(Exception):
    """Publishing refused: `problems` lists what is missing, in Italian.

    `overridable` is False when no reason can lift the refusal (the law forbids it).
    """

    def __init__(self, problems: list[str], *, overridable: bool = True):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.overridable = overridable


class StaleVersion(Exception):
    """Someone saved the article after this form was loaded."""

    def __init__(self, article: Article):
        self.article = article
        super().__init__(stale_version_message(article))


def stale_version_message(article: Article) -> str:
    who = article.last_modified_by
    name = (who.get_full_name() or who.get_username()) if who else _("un altro utente")
    when = date_format(timezone.localtime(article.updated_at), "j F Y \\a\\l\\l\\e H:i")
    return _(
        "Questo articolo è stato modificato da %(who)s il %(when)s, dopo che lo hai aperto. "
        "Le tue modifiche non sono state salvate ma non sono perse: sono nel modulo qui "
        "sotto. Confronta le due versioni e scegli, campo per campo, quale tenere."
    ) % {"who": name, "when": when}


def can_publish(user) -> bool:
    return user is None or user.has_perm("articles.publish_article")


def can_edit(user, article: Article) -> bool:
    """Editors edit everything; journalists their own drafts and articles in review."""
    if user is None or user.has_perm("articles.edit_any_article"):
        return True
    if not user.has_perm("articles.change_article"):
        return False
    if article.pk is None:
        return True
    return (
        article.status in {Article.Status.DRAFT, Article.Status.REVIEW}
        and Article.objects.owned_by(user).filter(pk=article.pk).exists()
    )


def author_for_user(user) -> Author:
    """The staff user's byline, created from their name the first time it is needed."""
    author = Author.objects.filter(user=user).first()
    if author is not None:
        return author
    name = user.get_full_name().strip() or user.get_username()
    return Author.objects.create(
        user=user, name=name, slug=unique_slug(Author, name), role=_("Giornalista")
    )


def may_sign_as(user, author: Author) -> bool:
    """Editors sign as anyone; others as themselves or a shared byline («Redazione»)."""
    if user is None or user.has_perm("articles.edit_any_article"):
        return True
    return author.user_id is None or author.user_id == user.pk


def publish_problems(article: Article) -> list[str]:
    """What stops the article from being published, empty when it is ready."""
    problems = []
    if not article.article_authors.exists():
        problems.append(_("L'articolo non ha nessuna firma."))
    if article.lead_image and not article.lead_image_alt.strip():
        problems.append(_("L'immagine principale non ha il testo alternativo."))
    standfirst = article.standfirst.strip()
    if not standfirst:
        problems.append(_("Il sommario è vuoto."))
    elif len(standfirst) > STANDFIRST_MAX_LENGTH:
        problems.append(
            _("Il sommario è troppo lungo: %(n)d caratteri, al massimo %(max)d.")
            % {"n": len(standfirst), "max": STANDFIRST_MAX_LENGTH}
        )
    if article.is_health_content and not article.sources.exists():
        problems.append(_("È un contenuto sanitario ma non cita nessuna fonte."))
    return problems


def signoffs_needed(article: Article) -> list[str]:
    """The sign-offs this article needs before it goes out (Signoff.Kind values)."""
    publisher = Publisher.load()
    needed = []
    reviewer = article.medical_reviewer_author
    if article.is_health_content and (
        publisher.require_medical_signoff or (reviewer is not None and reviewer.user_id)
    ):
        needed.append(Signoff.Kind.MEDICAL)
    if article.is_sensitive and publisher.require_director_signoff:
        needed.append(Signoff.Kind.DIRECTOR)
    return needed


def signoff_problems(article: Article) -> list[str]:
    """Missing or outdated sign-offs: no override reason lifts these."""
    problems = []
    fingerprint = text_fingerprint(article)
    for kind in signoffs_needed(article):
        latest = article.signoffs.filter(kind=kind).first()
        label = Signoff.Kind(kind).label
        if latest is None:
            problems.append(_("Manca la firma: %(what)s.") % {"what": label})
        elif latest.fingerprint != fingerprint:
            problems.append(
                _(
                    "Il testo è cambiato dopo la firma del %(when)s (%(what)s): "
                    "serve una nuova firma."
                )
                % {
                    "when": date_format(timezone.localtime(latest.signed_at), "j F Y H:i"),
                    "what": label,
                }
            )
    return problems


def article_signoff(*, article: Article, by, kind: str) -> Signoff:
    """A medical reviewer or the director approves the article's current text."""
    permission = {
        Signoff.Kind.MEDICAL: "articles.signoff_medical",
        Signoff.Kind.DIRECTOR: "articles.signoff_director",
    }[Signoff.Kind(kind)]
    with transaction.atomic(), reversion.create_revision():
        _lock(article)
        if by is None or not by.has_perm(permission):
            raise PermissionDenied(_("Non puoi firmare questa approvazione."))
        reviewer = article.medical_reviewer_author
        if (
            kind == Signoff.Kind.MEDICAL
            and reviewer is not None
            and reviewer.user_id not in (None, by.pk)
            and not by.has_perm("articles.edit_any_article")
        ):
            raise PermissionDenied(
                _("La revisione medica è assegnata a %(name)s.") % {"name": reviewer}
            )
        signoff = Signoff.objects.create(
            article=article, kind=kind, user=by, fingerprint=text_fingerprint(article)
        )
        label = Signoff.Kind(kind).label
        if kind == Signoff.Kind.MEDICAL:
            # What readers see: «Revisione medica: <name>, il <date>».
            if reviewer is None and article.medical_reviewer_person_id is None:
                article.medical_reviewer_author = author_for_user(by)
            article.last_reviewed = timezone.localdate(signoff.signed_at)
        _save(
            article,
            by=by,
            action="signoff",
            note=str(label),
            comment=_("Firma: %(what)s") % {"what": label},
        )
    return signoff


def forbidden_publication(article: Article) -> list[str]:
    """What the law forbids outright: no override reason lifts these."""
    if article.is_medicine_promotion and not article.is_reserved:
        return [
            _(
                "È promozione di un medicinale con obbligo di prescrizione: può essere "
                "pubblicata solo per gli operatori sanitari (D.Lgs. 219/2006, art. 115)."
            )
        ]
    return []


def _lock(article: Article) -> None:
    """Reload the row under a lock: concurrent workflow writes queue up here.

    What readers saw of it is noted then, so the pages the change makes stale
    are purged when it commits (articles/freshness.py).
    """
    article.refresh_from_db(from_queryset=Article.objects.select_for_update())
    article_changing(article)


def _save(article: Article, *, by, action: str, note: str = "", comment: str) -> None:
    # The row is locked (_lock), so a plain increment is safe; an F() here
    # would be serialised as text into the revision and break its restore.
    article.version += 1
    if by is not None:
        article.last_modified_by = by
    article.save()
    ArticleEvent.objects.create(article=article, action=action, user=by, note=note)
    if by is not None:
        reversion.set_user(by)
    earlier = reversion.get_comment()
    reversion.set_comment(f"{earlier} — {comment}" if earlier else comment)


def article_submit(*, article: Article, by) -> Article:
    """A draft goes to the editors for review."""
    with transaction.atomic(), reversion.create_revision():
        _lock(article)
        if not can_edit(by, article):
            raise PermissionDenied(_("Non puoi modificare questo articolo."))
        if article.status != Article.Status.DRAFT:
            raise PermissionDenied(_("Solo una bozza può essere inviata in revisione."))
        article.status = Article.Status.REVIEW
        _save(article, by=by, action="submit", comment=_("Inviato in revisione"))
    return article


def article_publish(
    *,
    article: Article,
    by,
    publish_at: datetime | None = None,
    override_reason: str = "",
) -> Article:
    """Publish now, or schedule when `publish_at` is in the future (the embargo).

    Refused with PublishCheckFailed when pre-publish checks fail, unless an
    editor gives an override reason, which is recorded on the article and in
    the audit trail.
    """
    now = timezone.now()
    with transaction.atomic(), reversion.create_revision():
        _lock(article)
        if not can_publish(by):
            raise PermissionDenied(_("Non hai il permesso di pubblicare articoli."))
        forbidden = forbidden_publication(article) + signoff_problems(article)
        if forbidden:
            raise PublishCheckFailed(forbidden, overridable=False)
        problems = publish_problems(article)
        override_reason = override_reason.strip()
        if problems and not override_reason:
            raise PublishCheckFailed(problems)
        article.status = Article.Status.PUBLISHED
        article.publish_at = publish_at or now
        if article.unpublish_at and article.unpublish_at <= article.publish_at:
            article.unpublish_at = None
        # Set once, when it first goes live; a reschedule before then moves it.
        if article.first_published_at is None or article.first_published_at > now:
            article.first_published_at = article.publish_at
        scheduled = article.publish_at > now
        when = date_format(timezone.localtime(article.publish_at), "j F Y H:i")
        if problems:
            article.publish_check_override = override_reason
            ArticleEvent.objects.create(
                article=article,
                action="override",
                user=by,
                note=_("Motivo: %(reason)s. Controlli non superati: %(problems)s")
                % {"reason": override_reason, "problems": " ".join(problems)},
            )
        if scheduled:
            _save(
                article,
                by=by,
                action="schedule",
                note=when,
                comment=_("Pubblicazione programmata per il %(when)s") % {"when": when},
            )
        else:
            _save(article, by=by, action="publish", comment=_("Pubblicato"))
    return article


def article_unpublish(*, article: Article, by, unpublish_at: datetime | None = None) -> Article:
    """Withdraw now, or at `unpublish_at` (the article stays visible until then)."""
    now = timezone.now()
    with transaction.atomic(), reversion.create_revision():
        _lock(article)
        if not can_publish(by):
            raise PermissionDenied(_("Non hai il permesso di ritirare articoli."))
        if unpublish_at and unpublish_at > now:
            if article.status != Article.Status.PUBLISHED:
                raise PermissionDenied(
                    _("Si può programmare il ritiro solo di un articolo pubblicato.")
                )
            article.unpublish_at = unpublish_at
            when = date_format(timezone.localtime(unpublish_at), "j F Y H:i")
            _save(
                article,
                by=by,
                action="schedule_unpublish",
                note=when,
                comment=_("Ritiro programmato per il %(when)s") % {"when": when},
            )
        else:
            article.status = Article.Status.UNPUBLISHED
            article.unpublish_at = None
            _save(article, by=by, action="unpublish", comment=_("Ritirato"))
    return article


def article_correct(
    *, article: Article, by, note: str, kind: str = Correction.Kind.CORRECTION
) -> Correction:
    """Add a dated correction shown to readers; it counts as a material update.

    A rettifica (kind RETTIFICA) is also shown at the top of the article.
    """
    note = note.strip()
    if not note:
        raise ValueError(_("La nota di correzione è vuota."))
    with transaction.atomic(), reversion.create_revision():
        _lock(article)
        if not can_edit(by, article):
            raise PermissionDenied(_("Non puoi modificare questo articolo."))
        correction = Correction.objects.create(article=article, note=note, kind=kind)
        if article.is_published():
            article.material_update_at = correction.created_at
        _save(article, by=by, action="correct", note=note, comment=_("Correzione aggiunta"))
    return correction


def article_record_corrections(*, article: Article, by, corrections: list[Correction]) -> None:
    """Corrections added in the article form: audited, and a material update if live."""
    if not corrections:
        return
    with transaction.atomic():
        article_changing(article)
        for correction in corrections:
            ArticleEvent.objects.create(
                article=article, action="correct", user=by, note=correction.note
            )
        if article.is_published():
            article.material_update_at = max(c.created_at for c in corrections)
            Article.objects.filter(pk=article.pk).update(
                material_update_at=article.material_update_at
            )


def article_update(
    *,
    article: Article,
    by,
    loaded_version: int,
    material: bool = False,
    restored_from: Revision | None = None,
) -> Article:
    """Save an edited article, refusing if it changed since `loaded_version`.

    The conditional UPDATE both checks and bumps the version in one statement,
    so of two editors who loaded the same version exactly one wins, however
    close their saves are; the other gets StaleVersion and nothing is written.
    When a published article's address changes (slug or section), the old
    address becomes a 301 redirect.
    """
    with transaction.atomic():
        claimed = Article.objects.filter(pk=article.pk, version=loaded_version).update(
            version=F("version") + 1
        )
        if not claimed:
            current = Article.objects.select_related("last_modified_by").get(pk=article.pk)
            raise StaleVersion(current)
        article_changing(article)
        old_slug, old_section = (
            Article.objects.filter(pk=article.pk).values_list("slug", "section__slug").get()
        )
        article.version = loaded_version + 1
        if by is not None:
            article.last_modified_by = by
        if material and article.is_published():
            article.material_update_at = timezone.now()
            ArticleEvent.objects.create(article=article, action="material_update", user=by)
        article.save()
        if restored_from is not None:
            saved = date_format(
                timezone.localtime(restored_from.date_created), "j F Y \\a\\l\\l\\e H:i"
            )
            author = restored_from.user
            note = (
                _("Ripristinata la versione del %(when)s di %(who)s")
                % {"when": saved, "who": author.get_full_name() or author.get_username()}
                if author is not None
                else _("Ripristinata la versione del %(when)s") % {"when": saved}
            )
            ArticleEvent.objects.create(article=article, action="restore", user=by, note=note)
        old_path = reverse("articles:detail", kwargs={"section": old_section, "slug": old_slug})
        if old_path != article.get_absolute_url():
            article_keep_old_path(article=article, old_path=old_path)
    return article


def article_keep_old_path(*, article: Article, old_path: str) -> ArticleRedirect | None:
    """Keep a published article's previous address working (301) after a move."""
    new_path = article.get_absolute_url()
    # A move back to an old address must not leave it redirecting to itself.
    ArticleRedirect.objects.filter(old_path=new_path).delete()
    if old_path == new_path or article.first_published_at is None:
        return None
    redirect, _created = ArticleRedirect.objects.update_or_create(
        old_path=old_path, defaults={"article": article}
    )
    ArticleEvent.objects.create(article=article, action="moved", note=f"{old_path} → {new_path}")
    return redirect


def articles_publish(
    *, articles: Iterable[Article], by
) -> tuple[list[Article], dict[Article, list[str]]]:
    """Publish several (admin action): returns those published and those refused."""
    done, refused = [], {}
    for article in articles:
        try:
            done.append(article_publish(article=article, by=by))
        except PublishCheckFailed as failure:
            refused[article] = failure.problems
    return done, refused


def article_create_draft(
    *, by, title: str, section, standfirst: str = "", body: str = ""
) -> Article:
    """A new draft signed by its writer (their Author profile, made if missing).

    The desk calls this when a journalist starts writing an assignment.
    """
    with transaction.atomic(), reversion.create_revision():
        article = Article(
            title=title,
            slug=unique_slug(Article, title, max_length=ARTICLE_SLUG_LENGTH),
            section=section,
            standfirst=standfirst,
            body=body,
            status=Article.Status.DRAFT,
            created_by=by,
            last_modified_by=by,
        )
        article.save()
        if by is not None:
            ArticleAuthor.objects.create(article=article, author=author_for_user(by))
        ArticleEvent.objects.create(article=article, action="create", user=by)
        if by is not None:
            reversion.set_user(by)
        reversion.set_comment(_("Bozza creata"))
    return article
