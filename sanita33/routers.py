"""Read replicas: reader traffic goes to a replica, anything that writes to the primary.

A replica lags the primary by a moment, so once a request (or a task) has
written, the rest of it reads from the primary too and sees its own write;
inside a transaction every read goes to the primary as well, so locks and
read-modify-write sequences stay on one server. The "pinned" flag is a context
variable: per thread in gunicorn's sync workers and in the task worker, reset
at the start of every request by ReplicaPinMiddleware and of every task by a
django-tasks signal.
"""

from __future__ import annotations

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_pinned: ContextVar[bool] = ContextVar("sanita33_db_pinned", default=False)


def pin_to_primary() -> None:
    _pinned.set(True)


def unpin() -> None:
    _pinned.set(False)


def is_pinned() -> bool:
    return _pinned.get()


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


class PrimaryReplicaRouter:
    def __init__(self):
        from django_tasks.signals import task_started

        task_started.connect(unpin_for_task, dispatch_uid="sanita33-unpin-for-task")

    def db_for_read(self, model, **hints) -> str:
        replicas = replica_aliases()
        if not replicas or _pinned.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)

    def db_for_write(self, model, **hints) -> str:
        _pinned.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the same rows as the primary: one logical database.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """Every request starts reading from a replica, whatever the previous one did."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unpin()
        try:
            return self.get_response(request)
        finally:
            unpin()


def unpin_for_task(**kwargs) -> None:
    """django-tasks signal receiver: each task starts unpinned, like a request."""
    unpin()
