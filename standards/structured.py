"""NewsMediaOrganization JSON-LD: the masthead and its policies, as schema.org reads them."""

from __future__ import annotations

from articles.links import cached_reverse
from articles.structured import CONTEXT, absolute, logo_url
from standards.models import Policy

# schema.org's trust properties and the policy page each one points to.
POLICY_PROPERTIES = {
    "publishingPrinciples": Policy.Kind.PRINCIPLES,
    "correctionsPolicy": Policy.Kind.CORRECTIONS,
    "ethicsPolicy": Policy.Kind.ETHICS,
    "ownershipFundingInfo": Policy.Kind.OWNERSHIP,
    "verificationFactCheckingPolicy": Policy.Kind.FACT_CHECKING,
    "actionableFeedbackPolicy": Policy.Kind.FEEDBACK,
}


def policy_url(kind: str) -> str:
    return absolute(cached_reverse("standards:policy", kind=kind))


def organization(publisher) -> dict:
    """The publisher as a NewsMediaOrganization, with every policy linked."""
    data = {
        "@context": CONTEXT,
        "@type": "NewsMediaOrganization",
        "@id": absolute("/#organization"),
        "name": publisher.site_name,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": logo_url(publisher)},
        "masthead": absolute(cached_reverse("standards:transparency")),
        **{prop: policy_url(kind) for prop, kind in POLICY_PROPERTIES.items()},
    }
    if publisher.company_name:
        data["legalName"] = publisher.company_name
    if publisher.vat_number:
        data["vatID"] = publisher.vat_number
    if publisher.email or publisher.phone:
        point = {"@type": "ContactPoint", "contactType": "redazione"}
        if publisher.email:
            point["email"] = publisher.email
        if publisher.phone:
            point["telephone"] = publisher.phone
        data["contactPoint"] = point
    if publisher.registered_office:
        data["address"] = publisher.registered_office
    same_as = [
        url
        for url in (
            publisher.website_url,
            publisher.facebook_url,
            publisher.x_url,
            publisher.linkedin_url,
        )
        if url
    ]
    if same_as:
        data["sameAs"] = same_as
    return data
