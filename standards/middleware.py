"""The TDMRep reservation on readers' pages (W3C TDMRep, HTTP binding)."""

from __future__ import annotations


class TdmReservationMiddleware:
    """`tdm-reservation: 1` (and `tdm-policy`) when the publisher reserves TDM rights.

    Set on HTML pages, from the cached publisher those pages have already read
    (no extra query); /.well-known/tdmrep.json states the same for every path.
    Stored with cached pages like any header; saving the publisher makes them
    stale.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only pages rendered with the site's context, which has read the publisher:
        # no query of its own, none on an error page while the database is down.
        publisher = getattr(request, "publisher", None)
        if publisher is None or not response.get("Content-Type", "").startswith("text/html"):
            return response
        response["tdm-reservation"] = "1" if publisher.tdm_reservation else "0"
        if publisher.tdm_reservation and publisher.tdm_policy_url:
            response["tdm-policy"] = publisher.tdm_policy_url
        return response
