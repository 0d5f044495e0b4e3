"""Who receives what: the newsletter's visibility rules in one place."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriberQuerySet:
        return self.filter(status="confirmed")

    def active(self) -> SubscriberQuerySet:
        """Confirmed and not paused: the people an edition goes to."""
        return self.filter(status="confirmed", paused=False)

    def receiving(self, edition) -> SubscriberQuerySet:
        """Who an edition goes to: active, and subscribed to its newsletter if it has one."""
        recipients = self.active()
        if edition.newsletter_id is not None:
            recipients = recipients.filter(newsletters=edition.newsletter_id)
        return recipients

    def pending(self) -> SubscriberQuerySet:
        return self.filter(status="pending")

    def unconfirmed_before(self, cutoff: datetime) -> SubscriberQuerySet:
        return self.filter(status="pending", created_at__lt=cutoff)

    def stale_unconfirmed(self, days: int, now: datetime | None = None) -> SubscriberQuerySet:
        return self.unconfirmed_before((now or timezone.now()) - timedelta(days=days))


class DeliveryQuerySet(models.QuerySet):
    def counts(self) -> dict[str, int]:
        """Deliveries per status, every status present (zero if none)."""
        from newsletter.models import Delivery

        totals = dict.fromkeys(Delivery.Status.values, 0)
        for row in self.values("status").annotate(n=Count("id")).order_by():
            totals[row["status"]] = row["n"]
        return totals

    def claimable(self, now: datetime | None = None) -> DeliveryQuerySet:
        """Pending and due, or claimed by a worker whose lease ran out."""
        now = now or timezone.now()
        return self.filter(
            Q(status="pending", next_attempt_at__lte=now) | Q(status="claimed", lease_until__lt=now)
        )

    def unfinished(self) -> DeliveryQuerySet:
        return self.filter(status__in=["pending", "claimed"])
