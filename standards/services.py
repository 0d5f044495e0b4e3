"""Decisions on rettifiche and de-indexing: atomic, audited, and each makes cached pages stale."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.freshness import content_changed
from articles.models import Article, ArticleEvent, Correction, Publisher, RelatedArticle
from articles.services import article_correct, can_publish
from standards.models import CorrectionRequest, Deindexing

REQUESTS_PER_IP_PER_HOUR = 5


# Cache tag of the pages this app renders (transparency, policies).
STANDARDS = "standards"


def deindexing_changed(article: Article) -> None:
    """Purge every page that lists or indexes the article, and the article itself."""
    showing = RelatedArticle.objects.filter(target=article).values_list("article_id", flat=True)
    content_changed(
        f"article-{article.pk}",
        f"section-{article.section_id}",
        "sitemap",
        "feed",
        *(f"related-{pk}" for pk in showing),
    )


def correction_request_allowed(*, ip: str) -> bool:
    """A per-address budget per hour, as for newsletter signups."""
    key = f"standards:rettifica-ip:{ip}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        count = 1
    return count <= REQUESTS_PER_IP_PER_HOUR


def _mail(template: str, context: dict, to: list[str]) -> None:
    if not to:
        return
    subject = " ".join(render_to_string(f"standards/email/{template}_subject.txt", context).split())
    body = render_to_string(f"standards/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=True)


def _context(request: CorrectionRequest) -> dict:
    return {
        "request": request,
        "publisher": Publisher.load(),
        "article_url": settings.SITE_URL + request.article.get_absolute_url(),
    }


def correction_request_file(
    *, article: Article, ip: str | None = None, **fields
) -> CorrectionRequest:
    """A reader's request: stored with its 48-hour deadline; the desk and the reader are told."""
    with transaction.atomic():
        request = CorrectionRequest.objects.create(article=article, ip=ip, **fields)
        ArticleEvent.objects.create(
            article=article,
            action="rettifica_received",
            note=_("Richiesta di rettifica di %(name)s") % {"name": request.name},
        )
    context = _context(request)
    transaction.on_commit(lambda: _mail("received_desk", context, _desk_addresses()))
    transaction.on_commit(lambda: _mail("received_reader", context, [request.email]))
    return request


def _desk_addresses() -> list[str]:
    publisher = Publisher.load()
    return [publisher.email] if publisher.email else []


def _decide(request: CorrectionRequest, by) -> CorrectionRequest:
    if not can_publish(by):
        raise PermissionDenied(_("Solo un caporedattore può decidere su una rettifica."))
    locked = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status in (CorrectionRequest.Status.REJECTED, CorrectionRequest.Status.PUBLISHED):
        raise ValueError(_("Su questa richiesta è già stata presa una decisione."))
    return locked


def correction_request_accept(
    *, request: CorrectionRequest, by, notice: str = ""
) -> CorrectionRequest:
    """Accept; with the text of the rettifica it is published at once (see _publish)."""
    with transaction.atomic():
        locked = _decide(request, by)
        locked.status = CorrectionRequest.Status.ACCEPTED
        locked.decided_at = locked.decided_at or timezone.now()
        locked.decided_by = locked.decided_by or by
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        ArticleEvent.objects.create(
            article=locked.article,
            action="rettifica_accepted",
            user=by,
            note=_("Rettifica accolta (richiesta di %(name)s)") % {"name": locked.name},
        )
        if notice.strip():
            _publish(locked, by=by, notice=notice)
    request.refresh_from_db()
    return request


def correction_request_publish(*, request: CorrectionRequest, by, notice: str) -> CorrectionRequest:
    with transaction.atomic():
        locked = _decide(request, by)
        if locked.status != CorrectionRequest.Status.ACCEPTED:
            raise ValueError(_("Si pubblica solo una rettifica accolta."))
        _publish(locked, by=by, notice=notice)
    request.refresh_from_db()
    return request


def _publish(request: CorrectionRequest, *, by, notice: str) -> None:
    """The notice goes at the top of the article and into its corrections log."""
    notice = notice.strip()
    if not notice:
        raise ValueError(_("Scrivi il testo della rettifica da pubblicare."))
    correction = article_correct(
        article=request.article, by=by, note=notice, kind=Correction.Kind.RETTIFICA
    )
    request.notice = notice
    request.correction = correction
    request.status = CorrectionRequest.Status.PUBLISHED
    request.published_at = correction.created_at
    request.save(update_fields=["notice", "correction", "status", "published_at"])
    context = _context(request)
    transaction.on_commit(lambda: _mail("published_reader", context, [request.email]))
    content_changed(STANDARDS)  # the transparency page counts rettifiche


def correction_request_reject(*, request: CorrectionRequest, by, reason: str) -> CorrectionRequest:
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Indica il motivo del rifiuto: viene comunicato a chi ha scritto."))
    with transaction.atomic():
        locked = _decide(request, by)
        locked.status = CorrectionRequest.Status.REJECTED
        locked.rejection_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
        ArticleEvent.objects.create(
            article=locked.article, action="rettifica_rejected", user=by, note=reason
        )
        context = _context(locked)
        transaction.on_commit(lambda: _mail("rejected_reader", context, [locked.email]))
    request.refresh_from_db()
    return request


def article_deindex(*, article: Article, by, reason: str) -> Deindexing:
    """Diritto all'oblio: the article leaves search engines and our lists, keeps its address."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Indica il motivo della deindicizzazione."))
    if not can_publish(by):
        raise PermissionDenied(_("Solo un caporedattore può deindicizzare un articolo."))
    with transaction.atomic():
        decision, _created = Deindexing.objects.update_or_create(
            article=article,
            defaults={"reason": reason, "decided_by": by, "decided_at": timezone.now()},
        )
        ArticleEvent.objects.create(article=article, action="oblio", user=by, note=reason)
        deindexing_changed(article)
    return decision


def article_reindex(*, article: Article, by, reason: str) -> None:
    """Revoke a de-indexing decision (audited like the decision itself)."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Indica il motivo della revoca."))
    if not can_publish(by):
        raise PermissionDenied(_("Solo un caporedattore può revocare una deindicizzazione."))
    with transaction.atomic():
        Deindexing.objects.filter(article=article).delete()
        ArticleEvent.objects.create(article=article, action="oblio_revoked", user=by, note=reason)
        deindexing_changed(article)
