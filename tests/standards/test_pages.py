"""Policies, transparency page, accessibility statement, TDMRep and robots.txt rules."""

import json
from datetime import date

import pytest
from django.contrib import admin
from django.utils.html import escape

from articles.models import Publisher
from standards.models import Policy, TrustSettings

pytestmark = pytest.mark.django_db

POLICY_PROPERTIES = (
    "publishingPrinciples",
    "correctionsPolicy",
    "ethicsPolicy",
    "ownershipFundingInfo",
    "masthead",
    "verificationFactCheckingPolicy",
    "actionableFeedbackPolicy",
)


@pytest.fixture(autouse=True)
def publisher(settings):
    settings.SITE_URL = "https://www.sanita33.example"
    return Publisher.objects.create(
        site_name="Sanità33",
        company_name="Edizioni Salute Italia S.r.l.",
        editor_in_chief="Laura Ferri",
        court_registration="Registrazione Tribunale di Roma n. 123 del 4 maggio 2020",
        email="redazione@sanita33.example",
        website_url="https://www.edraspa.it/",
    )


def save_as_the_admin_does(publisher, capture) -> None:
    """Save and purge the pages it shows, as the admin's PublisherAdmin does on commit."""
    from articles.freshness import content_changed

    with capture(execute=True):
        publisher.save()
        content_changed(*admin.site.get_model_admin(Publisher).cache_tags(publisher))


def jsonld(response) -> list:
    html = response.content.decode()
    start = '<script type="application/ld+json">'
    found = []
    while start in html:
        html = html.split(start, 1)[1]
        payload, html = html.split("</script>", 1)
        data = json.loads(payload)
        found.extend(data if isinstance(data, list) else [data])
    return found


def test_every_policy_has_a_page_with_a_default_text(client):
    for kind in Policy.Kind:
        response = client.get(f"/trasparenza/{kind.value}/")
        assert response.status_code == 200, kind
        assert f"<h1>{escape(kind.label)}</h1>" in response.content.decode()
    assert client.get("/trasparenza/inesistente/").status_code == 404


def test_a_policy_written_in_the_admin_replaces_the_default(client):
    Policy.objects.create(
        kind=Policy.Kind.ETHICS, body="<p>Nessun regalo oltre i 25 euro.</p><script>x</script>"
    )
    html = client.get("/trasparenza/codice-etico/").content.decode()
    assert "Nessun regalo oltre i 25 euro." in html
    assert "<script>x" not in html
    assert "Ultimo aggiornamento" in html


def test_transparency_page_is_generated_from_the_masthead_data(client):
    trust = TrustSettings.load()
    trust.ownership = "Edizioni Salute Italia è controllata al 100% da Fondazione Salute."
    trust.funding = "Pubblicità (70%), contenuti sponsorizzati (30%)."
    trust.hosting_provider = "Aruba S.p.A."
    trust.save()
    response = client.get("/trasparenza/")
    html = response.content.decode()
    for text in (
        "Laura Ferri",
        "Registrazione Tribunale di Roma n. 123",
        "Fondazione Salute",
        "Pubblicità (70%)",
        "Aruba S.p.A.",
        'href="/rettifica/"',
        'href="/trasparenza/correzioni/"',
    ):
        assert text in html, text


def test_organization_json_ld_links_every_policy(client):
    """NewsMediaOrganization with the trust properties, each an absolute URL that answers."""
    [org] = jsonld(client.get("/trasparenza/"))
    assert org["@context"] == "https://schema.org"
    assert org["@type"] == "NewsMediaOrganization"
    assert org["name"] == "Sanità33"
    assert org["legalName"] == "Edizioni Salute Italia S.r.l."
    assert org["logo"]["@type"] == "ImageObject"
    assert "https://www.edraspa.it/" in org["sameAs"]
    for prop in POLICY_PROPERTIES:
        url = org[prop]
        assert url.startswith("https://www.sanita33.example/"), prop
        assert client.get(url.removeprefix("https://www.sanita33.example")).status_code == 200


def test_home_has_website_with_search_action_and_organization(client):
    data = {item["@type"]: item for item in jsonld(client.get("/"))}
    website = data["WebSite"]
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == (
        "https://www.sanita33.example/cerca/?q={search_term_string}"
    )
    assert action["query-input"] == "required name=search_term_string"
    assert data["NewsMediaOrganization"]["correctionsPolicy"].endswith("/trasparenza/correzioni/")


def test_footer_links_transparency_policies_rettifica_and_the_publisher_site(client):
    html = client.get("/").content.decode()
    for href in (
        "/trasparenza/",
        "/trasparenza/principi-editoriali/",
        "/trasparenza/correzioni/",
        "/rettifica/",
        "/accessibilita/",
    ):
        assert f'href="{href}"' in html, href
    assert '<a href="https://www.edraspa.it/" rel="noopener">www.edraspa.it</a>' in html


def test_accessibility_statement_follows_the_admin_data(client):
    trust = TrustSettings.load()
    trust.accessibility_compliance = TrustSettings.Compliance.PARTIAL
    trust.accessibility_checked_on = date(2026, 11, 30)
    trust.accessibility_known_issues = "Alcuni PDF allegati non sono accessibili."
    trust.save()
    html = client.get("/accessibilita/").content.decode()
    assert "parzialmente conforme" in html
    assert "WCAG 2.1 di livello AA" in html
    assert "30 novembre 2026" in html
    assert "Alcuni PDF allegati" in html
    assert "Difensore civico per il digitale" in html


def test_tdmrep_follows_the_publishers_choice(
    client, publisher, django_capture_on_commit_callbacks
):
    response = client.get("/.well-known/tdmrep.json")
    assert response["Content-Type"] == "application/json"
    assert response.json() == [{"location": "/*", "tdm-reservation": 1}]
    publisher.tdm_policy_url = "https://www.edraspa.it/licenze-tdm"
    save_as_the_admin_does(publisher, django_capture_on_commit_callbacks)
    assert client.get("/.well-known/tdmrep.json").json() == [
        {"location": "/*", "tdm-reservation": 1, "tdm-policy": "https://www.edraspa.it/licenze-tdm"}
    ]
    publisher.tdm_reservation = False
    save_as_the_admin_does(publisher, django_capture_on_commit_callbacks)
    assert client.get("/.well-known/tdmrep.json").json() == [
        {"location": "/*", "tdm-reservation": 0}
    ]


def test_reader_pages_carry_the_tdm_reservation_header(
    client, publisher, django_capture_on_commit_callbacks
):
    response = client.get("/trasparenza/")
    assert response["tdm-reservation"] == "1"
    publisher.tdm_reservation = False
    save_as_the_admin_does(publisher, django_capture_on_commit_callbacks)
    assert client.get("/trasparenza/")["tdm-reservation"] == "0"


@pytest.mark.parametrize(
    ("choice", "blocked", "allowed"),
    [
        ("allow", [], ["GPTBot", "ChatGPT-User"]),
        ("block-training", ["GPTBot", "CCBot", "Google-Extended"], ["ChatGPT-User"]),
        ("block-all", ["GPTBot", "ChatGPT-User", "PerplexityBot"], []),
    ],
)
def test_robots_txt_ai_rules_follow_the_admin_choice(client, publisher, choice, blocked, allowed):
    publisher.ai_crawlers = choice
    publisher.save()
    robots = client.get("/robots.txt").content.decode()
    groups = robots.split("\n\n")
    ai_group = next((g for g in groups if "Disallow: /\n" in g + "\n"), "")
    for agent in blocked:
        assert f"User-agent: {agent}\n" in ai_group
    for agent in allowed:
        assert f"User-agent: {agent}" not in robots
    assert "User-agent: *" in robots  # search engines keep their rules


def test_reader_csp_allows_connect_to_self_only(client):
    policy = client.get("/trasparenza/")["Content-Security-Policy"]
    assert "connect-src 'self'" in policy
    assert "script-src 'none'" in policy
