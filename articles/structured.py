"""schema.org JSON-LD for reader pages other than the article (see views.article_structured_data).

Absolute URLs come from SITE_URL. Every builder returns plain dicts; templates
print them with the `jsonld` filter.
"""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static

from articles.links import cached_reverse

CONTEXT = "https://schema.org"


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def logo_url(publisher) -> str:
    return absolute(publisher.logo.url if publisher.logo else static("img/logo-sanita33.png"))


def website(publisher) -> dict:
    """The site, with the search box Google may show under it."""
    search = absolute(cached_reverse("articles:search"))
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": absolute("/#website"),
        "name": publisher.site_name,
        "url": absolute("/"),
        "inLanguage": "it-IT",
        "publisher": {"@id": absolute("/#organization")},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def _site_reference(publisher) -> dict:
    return {
        "@type": "WebSite",
        "@id": absolute("/#website"),
        "name": publisher.site_name,
        "url": absolute("/"),
    }


def collection_page(publisher, *, name: str, path: str, description: str = "") -> dict:
    data = {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "url": absolute(path),
        "inLanguage": "it-IT",
        "isPartOf": _site_reference(publisher),
    }
    if description:
        data["description"] = description
    return data


def profile_page(publisher, *, person: dict, path: str) -> dict:
    """A ProfilePage whose main entity is the Person `person` (name, jobTitle…)."""
    url = absolute(path)
    return {
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "url": url,
        "inLanguage": "it-IT",
        "isPartOf": _site_reference(publisher),
        "mainEntity": {"@type": "Person", "@id": url + "#persona", "url": url, **person},
    }


def author_person(author) -> dict:
    person = {"name": author.name}
    if author.role:
        person["jobTitle"] = author.role
    if author.bio:
        person["description"] = author.bio
    if author.photo:
        person["image"] = absolute(author.photo.url)
    same_as = [url for url in (author.website_url, author.x_url, author.linkedin_url) if url]
    if same_as:
        person["sameAs"] = same_as
    credentials = [c.strip() for c in getattr(author, "credentials", "").split(",") if c.strip()]
    if credentials:
        person["hasCredential"] = [
            {
                "@type": "EducationalOccupationalCredential",
                "name": credential,
                "credentialCategory": credential,
            }
            for credential in credentials
        ]
    return person


def quoted_person(person) -> dict:
    data = {"name": person.name}
    if person.role:
        data["jobTitle"] = person.role
    if person.organisation:
        data["worksFor"] = {"@type": "Organization", "name": person.organisation}
    if person.bio:
        data["description"] = person.bio
    if person.photo:
        data["image"] = absolute(person.photo.url)
    return data
