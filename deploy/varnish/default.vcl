# Varnish 7 in front of Sanità33 (Debian: apt install varnish varnish-modules).
#
#   varnishd -a :80 -f /etc/varnish/default.vcl -p vcl_path=/etc/varnish -s malloc,1g
#
# - Anonymous GETs of public pages are cached for their s-maxage; concurrent
#   misses of one page wait for a single fetch (Varnish's waiting list).
# - A page past its s-maxage is served while a fresh copy is fetched in the
#   background (stale-while-revalidate, 60 s), and for as long as the site's
#   stale-if-error (a day) while gunicorn fails its health probe.
# - The site sends each page's cache tags in Surrogate-Key; a purge task
#   sends `PURGE` with an `xkey-purge: tag tag…` header (vmod xkey) and every
#   page carrying one of the tags is dropped at once. `BAN` with
#   `X-Ban-Tags: <regex>` is the fallback for Varnishes without xkey.
# - Staff (a `sessionid` cookie), POSTs, the admin, search, previews, the
#   reader's account pages and the newsletter forms pass straight to the site,
#   cookies and all. A signed-in reader (`sessionid` plus `s33_lettore=1`) gets
#   the cached public pages; a reserved article's body is an ESI fragment that
#   alone reaches the site, with the reader's session.
# - Analytics cookies and tracking parameters (utm_*, fbclid, gclid) are
#   dropped before the cache lookup, so they never split or bypass the cache.
# The backend and the purgers' addresses are in origin.vcl.

vcl 4.1;

import std;
import xkey;

include "origin.vcl";

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.X-Purged));
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.X-Ban-Tags) {
            return (synth(400, "X-Ban-Tags missing"));
        }
        ban("obj.http.xkey ~ " + req.http.X-Ban-Tags);
        return (synth(200, "Banned"));
    }
    # Reserved articles: the page is cached for everyone, and the body for this
    # reader comes from an ESI fragment (readers/views.py reserved_body).
    set req.http.Surrogate-Capability = "varnish=ESI/1.0";
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The reserved body of a reader (readers/views.py reserved_body), fetched as an
    # ESI fragment of a cached page: with the reader's own session, never cached.
    if (req.esi_level > 0 && req_top.http.X-Reader-Cookie &&
        req.url ~ "^/account/profilo/riservato/[0-9]+/") {
        set req.http.Cookie = req_top.http.X-Reader-Cookie;
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        # A signed-in reader (marked by readers/middleware.py) gets the cached
        # public page, and only the reserved body with their session; staff and
        # the reader's own pages pass.
        if (req.esi_level == 0 && req.http.Cookie ~ "(^|;\s*)s33_lettore=1" &&
            req.url !~ "^/(account|newsletter|cerca|anteprima)([/?]|$)") {
            set req.http.X-Reader-Cookie = req.http.Cookie;
        } else {
            return (pass);
        }
    }
    if (req.url ~ "^/(cerca|anteprima|newsletter|ckeditor|healthz)([/?]|$)") {
        return (pass);
    }

    # Tracking parameters select no other page.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=") {
        set req.url = regsuball(req.url, "(utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    # Anonymous readers' cookies (analytics, an old csrftoken) change no page.
    unset req.http.Cookie;

    # Serve up to 60 s past s-maxage while refreshing in the background; the
    # whole stale-if-error window only while the site is down.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 60s;
    }
    return (hash);
}

sub vcl_backend_fetch {
    # The reader's cookie travels only with their own fragment.
    unset bereq.http.X-Reader-Cookie;
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "ESI/1\.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
    # Only what the site marks public for shared caches (edgecache middleware).
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "(public|s-maxage)" ||
        beresp.http.Cache-Control ~ "(private|no-cache|no-store)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 30s;
        return (deliver);
    }
    # Varnish takes the TTL from s-maxage and the grace from
    # stale-while-revalidate; keep the object for stale-if-error too.
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, ".*stale-if-error=([0-9]+).*", "\1s"), 60s);
    }
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Via;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_synth {
    unset resp.http.Retry-After;
}
