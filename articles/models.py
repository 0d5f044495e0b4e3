from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag

from articles.images import UploadTo, schedule_lead_image_renditions, validate_image_file
from articles.links import cached_reverse
from articles.querysets import ArticleQuerySet
from articles.sanitize import clean_html

# Top-level paths that a section slug may not take, since sections live at /<slug>/.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "archivio",
        "autori",
        "ckeditor",
        "cerca",
        "feed",
        "healthz",
        "media",
        "newsletter",
        "persone",
        "privacy",
        "robots.txt",
        "sitemap.xml",
        "sitemap-news.xml",
        "static",
        "tag",
        "anteprima",
        "trasparenza",
        "rettifica",
        "accessibilita",
    }
)

STANDFIRST_MAX_LENGTH = 300
# Fields that feed Article.search_vector (articles/search.py).
SEARCHED_FIELDS = frozenset({"title", "standfirst", "body", "audience"})


# Replaced whenever the publisher or a section changes: the masthead and footer
# fragments are cached under it (articles/context_processors.py).
SITE_STAMP_KEY = "articles:site-stamp"


def _forget(*keys: str) -> None:
    """Drop cached rows and the site stamp now, and again once the change commits
    (a request in between could store what it read before the change)."""
    keys = (*keys, SITE_STAMP_KEY)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


class Publisher(models.Model):
    """The newspaper's masthead and the publisher's legal details (one row)."""

    class AiCrawlers(models.TextChoices):
        ALLOW = "allow", _("consenti a tutti i crawler")
        BLOCK_TRAINING = (
            "block-training",
            _("blocca i crawler che addestrano modelli di IA (GPTBot, CCBot, Google-Extended…)"),
        )
        BLOCK_ALL = (
            "block-all",
            _("blocca anche gli assistenti di IA che leggono le pagine per rispondere"),
        )

    site_name = models.CharField(_("nome della testata"), max_length=100, default="Sanità33")
    tagline = models.CharField(
        _("motto"), max_length=200, blank=True, default="Quotidiano di informazione sanitaria"
    )
    company_name = models.CharField(_("ragione sociale dell'editore"), max_length=200, blank=True)
    vat_number = models.CharField(_("partita IVA"), max_length=30, blank=True)
    registered_office = models.CharField(_("sede legale"), max_length=300, blank=True)
    phone = models.CharField(_("telefono"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail della redazione"), blank=True)
    editor_in_chief = models.CharField(_("direttore responsabile"), max_length=200, blank=True)
    court_registration = models.CharField(
        _("registrazione presso il tribunale"),
        max_length=300,
        blank=True,
        help_text=_("Es. «Registrazione Tribunale di Milano n. 123 del 4 maggio 2020»."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=UploadTo("publisher/", "logo"),
        validators=[validate_image_file],
        blank=True,
    )
    facebook_url = models.URLField(_("pagina Facebook"), blank=True)
    x_url = models.URLField(_("profilo X"), blank=True)
    linkedin_url = models.URLField(_("pagina LinkedIn"), blank=True)
    website_url = models.URLField(
        _("sito dell'editore"), blank=True, help_text=_("Es. https://www.edraspa.it")
    )
    tdm_reservation = models.BooleanField(
        _("riserva sul text and data mining"),
        default=True,
        help_text=_(
            "Art. 4 della direttiva (UE) 2019/790: i contenuti non possono essere estratti "
            "per addestrare modelli senza licenza. Pubblicata in /.well-known/tdmrep.json "
            "e nell'intestazione tdm-reservation."
        ),
    )
    tdm_policy_url = models.URLField(
        _("indirizzo della licenza TDM"),
        blank=True,
        help_text=_("Dove chi vuole una licenza trova le condizioni (facoltativo)."),
    )
    ai_crawlers = models.CharField(
        _("crawler di intelligenza artificiale"),
        max_length=20,
        choices=AiCrawlers.choices,
        default=AiCrawlers.BLOCK_TRAINING,
        help_text=_("Regole scritte in robots.txt."),
    )

    require_medical_signoff = models.BooleanField(
        _("revisione medica obbligatoria"),
        default=False,
        help_text=_(
            "Ogni contenuto sanitario esce solo dopo la firma di un revisore medico. "
            "Senza questa spunta la firma serve quando l'articolo ha un revisore medico "
            "con un account."
        ),
    )
    require_director_signoff = models.BooleanField(
        _("firma del direttore per gli articoli delicati"),
        default=False,
        help_text=_(
            "Gli articoli segnati come delicati escono solo dopo la firma del "
            "direttore responsabile."
        ),
    )

    CACHE_KEY = "articles:publisher"

    class Meta:
        verbose_name = _("editore e testata")
        verbose_name_plural = _("editore e testata")

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        _forget(self.CACHE_KEY)

    @property
    def website_display(self) -> str:
        """«www.edraspa.it» for https://www.edraspa.it/."""
        return self.website_url.split("://", 1)[-1].rstrip("/")

    @classmethod
    def load(cls) -> Publisher:
        publisher = cache.get(cls.CACHE_KEY)
        if publisher is None:
            publisher, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, publisher, 300)
        return publisher


class Section(models.Model):
    name = models.CharField(_("nome"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Indirizzo della sezione: /<slug>/. Non cambiarlo dopo la pubblicazione."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("sezione madre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("descrizione"), blank=True)
    position = models.PositiveIntegerField(
        _("ordine nella navigazione"),
        default=0,
        help_text=_("Le sezioni con numero più basso vengono prima."),
    )
    is_active = models.BooleanField(_("attiva"), default=True)
    external_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, editable=False
    )

    CACHE_KEY = "articles:section-tree"
    NAV_CACHE_KEY = "articles:section-nav"

    class Meta:
        verbose_name = _("sezione")
        verbose_name_plural = _("sezioni")
        ordering = ["position", "name"]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent} › {self.name}"
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _forget(self.CACHE_KEY, self.NAV_CACHE_KEY)

    def get_absolute_url(self):
        return cached_reverse("articles:section", slug=self.slug)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget(self.CACHE_KEY, self.NAV_CACHE_KEY)
        return result

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("Questo slug è riservato a un'altra pagina del sito.")}
            )
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("Una sezione non può stare dentro sé stessa.")})
            ancestor = ancestor.parent

    @classmethod
    def navigation(cls) -> list[Section]:
        """Active top-level sections in navigation order, cached."""
        sections = cache.get(cls.NAV_CACHE_KEY)
        if sections is None:
            sections = list(
                cls.objects.filter(is_active=True, parent__isnull=True).only(
                    "name", "slug", "position"
                )
            )
            cache.set(cls.NAV_CACHE_KEY, sections, 300)
        return sections

    def descendant_ids(self, tree: dict | None = None) -> list[int]:
        """This section's id and its sub-sections'; pass Section.tree() when asking often."""
        tree = tree or Section.tree()
        ids, stack = [], [self.pk]
        while stack:
            pk = stack.pop()
            ids.append(pk)
            stack.extend(tree["children"].get(pk, []))
        return ids

    @classmethod
    def tree(cls) -> dict:
        """Parent links of every section, cached; sections change rarely."""
        tree = cache.get(cls.CACHE_KEY)
        if tree is None:
            children: dict[int, list[int]] = {}
            for pk, parent_id in cls.objects.values_list("pk", "parent_id"):
                children.setdefault(parent_id, []).append(pk)
            tree = {"children": children}
            cache.set(cls.CACHE_KEY, tree, 300)
        return tree


class Author(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text=_("L'account con cui questa firma accede all'amministrazione."),
    )
    name = models.CharField(_("nome"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    role = models.CharField(
        _("ruolo"), max_length=100, blank=True, help_text=_("Es. «Giornalista», «Redazione».")
    )
    credentials = models.CharField(
        _("titoli professionali"),
        max_length=300,
        blank=True,
        help_text=_("Separati da virgole, es. «medico, giornalista pubblicista»."),
    )
    bio = models.TextField(_("biografia breve"), blank=True)
    photo = models.ImageField(
        _("foto"),
        upload_to=UploadTo("authors/", "photo"),
        validators=[validate_image_file],
        blank=True,
    )
    email = models.EmailField(_("e-mail pubblica"), blank=True)
    website_url = models.URLField(_("sito web"), blank=True)
    x_url = models.URLField(_("profilo X"), blank=True)
    linkedin_url = models.URLField(_("profilo LinkedIn"), blank=True)
    external_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("autore")
        verbose_name_plural = _("autori")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("articles:author", slug=self.slug)


class Person(models.Model):
    """Someone interviewed or quoted, reused across articles."""

    name = models.CharField(_("nome"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    role = models.CharField(
        _("ruolo"), max_length=150, blank=True, help_text=_("Es. «Direttore generale».")
    )
    organisation = models.CharField(_("organizzazione"), max_length=200, blank=True)
    bio = models.TextField(_("biografia breve"), blank=True)
    photo = models.ImageField(
        _("foto"),
        upload_to=UploadTo("people/", "photo"),
        validators=[validate_image_file],
        blank=True,
    )
    external_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["name"]

    def __str__(self):
        if self.organisation:
            return f"{self.name} ({self.organisation})"
        return self.name

    def get_absolute_url(self):
        return cached_reverse("articles:person", slug=self.slug)


class Article(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("Notizia")
        INTERVIEW = "interview", _("Intervista")
        ANALYSIS = "analysis", _("Analisi")
        OPINION = "opinion", _("Opinione")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        REVIEW = "review", _("In revisione")
        PUBLISHED = "published", _("Pubblicato")
        UNPUBLISHED = "unpublished", _("Ritirato")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("tutti i lettori")
        PROFESSIONALS = "professionals", _("tutti gli operatori sanitari verificati")
        PROFESSIONS = "professions", _("solo alcune professioni sanitarie")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("titolo"), max_length=250)
    slug = models.SlugField(
        _("slug"),
        max_length=250,
        unique=True,
        help_text=_(
            "Parte finale dell'indirizzo. Se la cambi dopo la pubblicazione, "
            "il vecchio indirizzo resta valido."
        ),
    )
    standfirst = models.TextField(
        _("sommario"),
        blank=True,
        help_text=_("Una o due frasi sotto il titolo (al massimo %(n)d caratteri).")
        % {"n": STANDFIRST_MAX_LENGTH},
    )
    body = models.TextField(_("testo"), blank=True)
    section = models.ForeignKey(
        Section, verbose_name=_("sezione"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(_("tag"), blank=True)
    authors = models.ManyToManyField(
        Author,
        verbose_name=_("autori"),
        through="ArticleAuthor",
        related_name="articles",
        blank=True,
    )
    people = models.ManyToManyField(
        Person,
        verbose_name=_("persone"),
        through="ArticlePerson",
        related_name="articles",
        blank=True,
    )
    highlighted_quote = models.TextField(
        _("citazione in evidenza"),
        blank=True,
        help_text=_("Per le interviste: la frase da mettere in risalto."),
    )

    lead_image = models.ImageField(
        _("immagine principale"),
        upload_to=UploadTo("articles/%Y/%m/", "lead_image"),
        validators=[validate_image_file],
        blank=True,
        help_text=_("JPEG, PNG o WebP, al massimo 15 MB."),
    )
    lead_image_alt = models.CharField(
        _("testo alternativo"),
        max_length=250,
        blank=True,
        help_text=_("Descrive l'immagine a chi non la vede. Obbligatorio per pubblicare."),
    )
    lead_image_caption = models.CharField(_("didascalia"), max_length=300, blank=True)
    lead_image_credit = models.CharField(_("credito"), max_length=150, blank=True)
    lead_image_renditions = models.JSONField(default=list, blank=True, editable=False)
    lead_image_source_url = models.URLField(
        _("indirizzo dell'immagine originale"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Immagine in evidenza del sito di provenienza (import), non ancora scaricata."),
    )

    medical_reviewer_person = models.ForeignKey(
        Person,
        verbose_name=_("revisore medico (persona)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_articles",
    )
    medical_reviewer_author = models.ForeignKey(
        Author,
        verbose_name=_("revisore medico (autore)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_articles",
    )
    last_reviewed = models.DateField(_("ultima revisione medica"), null=True, blank=True)
    is_health_content = models.BooleanField(
        _("contenuto sanitario"),
        default=True,
        help_text=_("I contenuti sanitari devono citare almeno una fonte per essere pubblicati."),
    )

    is_sensitive = models.BooleanField(
        _("articolo delicato"),
        default=False,
        help_text=_(
            "Temi legali o molto sensibili: se la testata lo richiede, serve la firma "
            "del direttore responsabile per pubblicare."
        ),
    )

    is_sponsored = models.BooleanField(_("contenuto sponsorizzato"), default=False)
    sponsor_name = models.CharField(_("sponsor"), max_length=200, blank=True)
    # Who may read the body (readers/access.py): everyone sees title, standfirst,
    # lead image, date and byline; a reserved body reaches verified professionals only.
    audience = models.CharField(
        _("pubblico"), max_length=15, choices=Audience.choices, default=Audience.PUBLIC
    )
    audience_professions = ArrayField(
        models.CharField(max_length=30),
        verbose_name=_("professioni ammesse"),
        default=list,
        blank=True,
        help_text=_("Solo per «alcune professioni»: chi, tra gli operatori verificati, legge."),
    )
    is_medicine_promotion = models.BooleanField(
        _("promozione di un medicinale con obbligo di prescrizione"),
        default=False,
        help_text=_(
            "D.Lgs. 219/2006, art. 115: non può essere rivolta al pubblico. Si pubblica "
            "solo per gli operatori sanitari, verificati."
        ),
    )
    is_featured = models.BooleanField(_("in evidenza in home"), default=False)
    priority = models.PositiveSmallIntegerField(
        _("priorità"), default=0, help_text=_("Più alta = più in alto in home page (0-100).")
    )
    seo_title = models.CharField(_("titolo SEO"), max_length=200, blank=True)
    seo_description = models.CharField(_("descrizione SEO"), max_length=300, blank=True)
    related_enabled = models.BooleanField(_("mostra «Potrebbero interessarti anche»"), default=True)

    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("data di pubblicazione"),
        null=True,
        blank=True,
        help_text=_("Nel futuro = programmato (embargo): nulla è visibile prima di questa ora."),
    )
    unpublish_at = models.DateTimeField(_("ritiro programmato"), null=True, blank=True)
    first_published_at = models.DateTimeField(
        _("prima pubblicazione"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("ultima modifica"), auto_now=True)
    material_update_at = models.DateTimeField(
        _("aggiornato il"),
        null=True,
        blank=True,
        help_text=_("Data mostrata ai lettori come «Aggiornato il» dopo una modifica sostanziale."),
    )
    created_at = models.DateTimeField(_("creato il"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creato da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modificato da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    publish_check_override = models.TextField(
        _("motivo della deroga ai controlli"), blank=True, editable=False
    )
    search_vector = SearchVectorField(null=True, editable=False)
    external_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    # Search results carry their highlighted title and snippet (SearchView);
    # other cards find None here instead of failing a template lookup, which
    # costs the template engine a dir() of the whole model each time.
    title_html = None
    snippet_html = None

    class Meta:
        verbose_name = _("articolo")
        verbose_name_plural = _("articoli")
        ordering = ["-publish_at", "-id"]
        permissions = [
            ("publish_article", _("Può pubblicare, programmare e ritirare articoli")),
            ("edit_any_article", _("Può modificare gli articoli di altri")),
            ("signoff_medical", _("Può firmare la revisione medica")),
            ("signoff_director", _("Può firmare come direttore responsabile")),
        ]
        indexes = [
            models.Index(fields=["status", "-publish_at", "-id"], name="article_pub_idx"),
            models.Index(
                fields=["section", "status", "-publish_at"], name="article_section_pub_idx"
            ),
            # Section listings of published articles: counts and deep pages are
            # index-only scans (at 100,000 articles a count drops from ~150 ms to ~4 ms).
            models.Index(
                fields=["section", "-publish_at", "-id"],
                include=["unpublish_at"],
                condition=models.Q(status="published"),
                name="article_section_live_idx",
            ),
            # The same for all published articles (sitemap pages, newest lists).
            models.Index(
                fields=["-publish_at", "-id"],
                include=["unpublish_at"],
                condition=models.Q(status="published"),
                name="article_live_idx",
            ),
            models.Index(
                fields=["-is_featured", "-priority", "-publish_at"], name="article_home_idx"
            ),
            GinIndex(fields=["search_vector"], name="article_search_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derive on write: readers never receive HTML the sanitiser did not pass.
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHED_FIELDS.intersection(update_fields):
            from articles.search import update_search_vectors

            update_search_vectors([self.pk])
        schedule_lead_image_renditions(self)

    def get_absolute_url(self):
        return cached_reverse("articles:detail", section=self.section.slug, slug=self.slug)

    def is_published(self, now=None) -> bool:
        """Mirror of ArticleQuerySet.published() for one instance."""
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    def is_scheduled(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > now
        )

    @property
    def is_reserved(self) -> bool:
        """The body is for verified health professionals only."""
        return self.audience != self.Audience.PUBLIC

    def clean(self):
        super().clean()
        if self.audience == self.Audience.PROFESSIONS and not self.audience_professions:
            raise ValidationError({"audience_professions": _("Scegli almeno una professione.")})
        if self.audience != self.Audience.PROFESSIONS:
            self.audience_professions = []
        if self.is_medicine_promotion and not self.is_reserved:
            raise ValidationError(
                {
                    "audience": _(
                        "La promozione di un medicinale con obbligo di prescrizione non può "
                        "essere rivolta al pubblico: scegli gli operatori sanitari."
                    )
                }
            )

    @property
    def display_title(self) -> str:
        return self.seo_title or self.title

    @property
    def kind_label(self) -> str:
        """The label readers see: «News», «Intervista», «Analisi», «Opinione»."""
        return "News" if self.kind == self.Kind.NEWS else self.get_kind_display()

    @property
    def medical_reviewer(self):
        return self.medical_reviewer_person or self.medical_reviewer_author


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(
        Author, verbose_name=_("autore"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("firma")
        verbose_name_plural = _("firme")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author"),
        ]

    def __str__(self):
        return str(self.author)


class ArticlePerson(models.Model):
    class Role(models.TextChoices):
        INTERVIEWEE = "interviewee", _("Intervistato")
        QUOTED = "quoted", _("Citato")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_people")
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("ruolo nell'articolo"), max_length=20, choices=Role.choices, default=Role.QUOTED
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("persona nell'articolo")
        verbose_name_plural = _("persone nell'articolo")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="unique_article_person"),
        ]

    def __str__(self):
        return str(self.person)


class Source(models.Model):
    """A source cited by an article: title plus URL or DOI."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("titolo"), max_length=300)
    url = models.URLField(_("indirizzo"), max_length=500, blank=True)
    doi = models.CharField(
        _("DOI"), max_length=200, blank=True, help_text=_("Es. 10.1056/NEJMoa2034577")
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("fonte")
        verbose_name_plural = _("fonti")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.url and not self.doi:
            raise ValidationError(_("Indica l'indirizzo o il DOI della fonte."))

    @property
    def link(self) -> str:
        return self.url or f"https://doi.org/{self.doi}"


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correzione")
        RETTIFICA = "rettifica", _("rettifica (art. 8, legge 47/1948)")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    created_at = models.DateTimeField(_("data"), default=timezone.now)
    note = models.TextField(_("nota di correzione"))
    kind = models.CharField(
        _("tipo"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text=_("Una rettifica compare anche in testa all'articolo."),
    )

    class Meta:
        verbose_name = _("correzione")
        verbose_name_plural = _("correzioni")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.note[:60]


class Signoff(models.Model):
    """A reviewer's approval of an article's text as it was when signed."""

    class Kind(models.TextChoices):
        MEDICAL = "medical", _("Revisione medica")
        DIRECTOR = "director", _("Direttore responsabile")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="signoffs")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("firmato da"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("firmato il"), default=timezone.now)
    # The text signed (title, standfirst, body): a later edit needs a new signature.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("firma di approvazione")
        verbose_name_plural = _("firme di approvazione")
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["article", "kind", "-signed_at"], name="signoff_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.article_id}"


def text_fingerprint(article: Article) -> str:
    """What a sign-off vouches for: the words readers get."""
    text = "\x1f".join([article.title, article.standfirst, clean_html(article.body)])
    return hashlib.sha256(text.encode()).hexdigest()


class ArticleRedirect(models.Model):
    """An old address of an article: it answers with a 301 to the current one."""

    old_path = models.CharField(_("vecchio indirizzo"), max_length=500, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reindirizzamento")
        verbose_name_plural = _("reindirizzamenti")

    def __str__(self):
        return self.old_path


class ArticleEvent(models.Model):
    """Audit trail of workflow actions (submit, publish, schedule, override…)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("azione"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("nota"), blank=True)
    created_at = models.DateTimeField(_("quando"), default=timezone.now)

    class Meta:
        verbose_name = _("evento editoriale")
        verbose_name_plural = _("eventi editoriali")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.action} {self.article_id}"


class RelatedPin(models.Model):
    """An article an editor placed in another's related list at a chosen position."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_pins")
    target = models.ForeignKey(
        Article, verbose_name=_("articolo"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("posizione"), default=1)

    class Meta:
        verbose_name = _("correlato scelto")
        verbose_name_plural = _("correlati scelti dalla redazione")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "target"], name="unique_related_pin"),
        ]

    def __str__(self):
        return str(self.target)


class RelatedExclusion(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_exclusions"
    )
    target = models.ForeignKey(
        Article, verbose_name=_("articolo"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("correlato escluso")
        verbose_name_plural = _("correlati esclusi")
        constraints = [
            models.UniqueConstraint(fields=["article", "target"], name="unique_related_exclusion"),
        ]

    def __str__(self):
        return str(self.target)


class RelatedArticle(models.Model):
    """The stored related list of an article, pins included, read in one query."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_entries")
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=dict, blank=True)
    pinned = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("articolo correlato")
        verbose_name_plural = _("articoli correlati")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "target"], name="unique_related_article"),
        ]
        indexes = [models.Index(fields=["article", "position"], name="related_article_pos_idx")]

    def __str__(self):
        return f"{self.article_id} → {self.target_id}"

    def explanation(self) -> str:
        """Why this pick is in the list, in plain Italian for the editors."""
        reasons = self.reasons or {}
        parts = []
        if self.pinned or reasons.get("pinned"):
            parts.append(_("scelto dalla redazione"))
        if reasons.get("words"):
            parts.append(_("parole in comune: %s") % ", ".join(reasons["words"]))
        if reasons.get("tags"):
            parts.append(_("tag in comune: %s") % ", ".join(reasons["tags"]))
        if reasons.get("people"):
            parts.append(_("stessa persona: %s") % ", ".join(reasons["people"]))
        if reasons.get("same_section"):
            parts.append(_("stessa sezione"))
        if reasons.get("newer"):
            parts.append(_("più recente a parità di pertinenza"))
        if not parts:
            return str(_("affinità generale del testo"))
        text = "; ".join(str(part) for part in parts)
        return text[0].upper() + text[1:]


class ArticleLabel(models.Model):
    """An evaluation label from an imported corpus, kept apart from the article.

    Never read by the recommender nor shown to readers; only
    `evaluate_related` uses it to measure precision.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200, db_index=True)

    class Meta:
        verbose_name = _("etichetta di valutazione")
        verbose_name_plural = _("etichette di valutazione")

    def __str__(self):
        return self.label


class RelatedTerm(models.Model):
    """One key term of a published article with its weight: the related-articles index.

    Written by articles/related.py only; searched by term to find an
    article's candidates without scanning the corpus.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=100)
    weight = models.FloatField()

    # Postings lighter than this barely move a score; leaving them out of the
    # searched index keeps a common term's posting list short.
    MIN_SEARCHED_WEIGHT = 0.05

    class Meta:
        indexes = [
            models.Index(
                "term",
                models.F("weight").desc(),
                "article",
                condition=models.Q(weight__gte=0.05),
                name="related_term_impact_idx",
            )
        ]

    def __str__(self):
        return self.term


class RelatedTopicTerm(models.Model):
    """One term of a published article's topic vector: the list ranking's index.

    The topic vector is the article's own key terms plus the mean of its best
    first-pass matches' (pseudo-relevance feedback), so the words a story's
    neighbours share outweigh its incidental ones; lists match topic vectors
    against each other. Written by articles/related.py only.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=100)
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(
                "term",
                models.F("weight").desc(),
                "article",
                condition=models.Q(weight__gte=0.05),
                name="related_topic_impact_idx",
            )
        ]

    def __str__(self):
        return self.term


class RelatedNeighbourhood(models.Model):
    """A published article's nearest articles by topic, best first.

    Two articles whose neighbourhoods overlap are on one subject: the ranking
    adds a little for each neighbour they share. Written by articles/related.py.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    nearest = ArrayField(models.BigIntegerField(), default=list)

    def __str__(self):
        return str(self.article_id)


class RelatedTermStat(models.Model):
    """Document frequency of a term over the indexed articles (for its weight)."""

    term = models.CharField(max_length=100, unique=True)
    df = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.term} ({self.df})"


@receiver(m2m_changed, sender=Article.tags.through)
def _refresh_search_vector_on_tag_change(sender, instance, action, pk_set, **kwargs):
    """Tags are searchable too; keep the stored vector current when they change."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from articles.search import update_search_vectors

    if isinstance(instance, Article):
        update_search_vectors([instance.pk])
    elif pk_set:  # tag.article_set.add(...): instance is the tag, pk_set the articles
        update_search_vectors(pk_set)


def tag_slug(name: str) -> str:
    """The ASCII slug of a tag's address; a name without letters or digits gets a hash."""
    return slugify(name) or "tag-" + hashlib.sha256(name.encode()).hexdigest()[:10]


@receiver(pre_save, sender=Tag)
def _give_every_tag_an_address(sender, instance, **kwargs):
    """taggit slugifies «!!!» or an emoji to "", which no URL can carry."""
    if not instance.slug:
        instance.slug = tag_slug(instance.name)
