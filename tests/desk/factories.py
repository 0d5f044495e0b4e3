"""Factories for the desk's models."""

from datetime import timedelta

import factory
from django.utils import timezone

from desk.models import Assignment, EditorialComment
from tests.factories import SectionFactory


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    title = factory.Sequence(lambda n: f"Inchiesta sulle liste d'attesa {n}")
    section = factory.SubFactory(SectionFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=6))
    state = Assignment.State.ASSIGNED


class EditorialCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditorialComment

    text = "Controlla il dato sui ricoveri."
