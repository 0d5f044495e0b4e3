"""factory_boy factories shared by every test module."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    ArticlePerson,
    Author,
    Correction,
    Person,
    Section,
    Source,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"utente{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("password-di-prova")
    is_staff = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Sezione {n}")
    slug = factory.Sequence(lambda n: f"sezione-{n}")
    position = factory.Sequence(lambda n: n)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Giulia Rossi {n}")
    slug = factory.Sequence(lambda n: f"giulia-rossi-{n}")
    role = "Giornalista"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Marco Bianchi {n}")
    slug = factory.Sequence(lambda n: f"marco-bianchi-{n}")
    role = "Direttore sanitario"
    organisation = "ASL Roma 1"


class ArticleFactory(factory.django.DjangoModelFactory):
    """Published a day ago by default; traits give the other workflow states."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Nuove linee guida sul diabete numero {n}")
    slug = factory.Sequence(lambda n: f"nuove-linee-guida-diabete-{n}")
    standfirst = "Le raccomandazioni aggiornate per medici di famiglia e specialisti."
    body = "<p>Il testo dell'articolo, con i dati dello studio.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    first_published_at = factory.SelfAttribute("publish_at")

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
        in_review = factory.Trait(
            status=Article.Status.REVIEW, publish_at=None, first_published_at=None
        )
        scheduled = factory.Trait(
            publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
            first_published_at=None,
        )
        unpublished = factory.Trait(status=Article.Status.UNPUBLISHED)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                ArticleAuthor.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            for position, person in enumerate(extracted):
                ArticlePerson.objects.create(article=self, person=person, position=position)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    article = factory.SubFactory(ArticleFactory)
    title = "Studio clinico di fase III"
    url = "https://www.nejm.org/doi/full/10.1056/NEJMoa2034577"


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    note = "Corretto il nome dell'ospedale."


class CorrectionRequestFactory(factory.django.DjangoModelFactory):
    """A reader's rettifica request, received now (its 48-hour clock starts then)."""

    class Meta:
        model = "standards.CorrectionRequest"

    article = factory.SubFactory(ArticleFactory)
    name = "Mario Rossi"
    email = "mario.rossi@example.org"
    statement = "L'articolo attribuisce al farmaco un ritiro che non c'è stato."
    correct_version = "È stato ritirato un solo lotto, non il farmaco."


def join_newsroom_group(name: str) -> factory.PostGeneration:
    """Post-generation step putting the user in a newsroom group (made by a migration)."""

    def join(user, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            from articles.roles import ensure_newsroom_groups

            # A transactional test elsewhere may have flushed the migration's groups.
            ensure_newsroom_groups()
            user.groups.add(Group.objects.get(name=name))

    return factory.PostGeneration(join)


class JournalistFactory(UserFactory):
    """A staff user in the «Giornalista» group."""

    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"giornalista{n}")
    first_name = "Laura"
    last_name = factory.Sequence(lambda n: f"Verdi{n}")
    newsroom_group = join_newsroom_group("Giornalista")


class EditorFactory(UserFactory):
    """A staff user in the «Caporedattore» group."""

    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"caporedattore{n}")
    first_name = "Paolo"
    last_name = factory.Sequence(lambda n: f"Neri{n}")
    newsroom_group = join_newsroom_group("Caporedattore")


class ReaderFactory(UserFactory):
    """A reader (never staff) with a verified e-mail address, as django-allauth leaves it."""

    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"lettore{n}")
    is_staff = False

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ProfessionalProfileFactory(factory.django.DjangoModelFactory):
    """A declared «farmacista» in Milano; `verified=True` for a verified one."""

    class Meta:
        model = "readers.ProfessionalProfile"

    class Params:
        verified = factory.Trait(
            state="verified",
            decided_at=factory.LazyFunction(timezone.now),
            verified_until=factory.LazyFunction(lambda: timezone.now() + timedelta(days=365)),
        )

    user = factory.SubFactory(ReaderFactory)
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Rossi{n}")
    profession = "farmacista"
    province = "MI"
    registration_number = factory.Sequence(lambda n: f"{1000 + n}")
    self_declaration = True
