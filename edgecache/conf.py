"""EDGECACHE_BACKENDS from the environment (read by sanita33/settings.py)."""

from __future__ import annotations

from sanita33.env import ConfigurationError, env_list, env_str

KINDS = ("none", "varnish", "fastly", "cloudflare", "nginx")


def _required(name: str, kind: str) -> str:
    value = env_str(name)
    if not value:
        raise ConfigurationError(f"EDGE_CACHE={kind} needs {name}")
    return value


def edge_cache_backends(kind: str) -> dict:
    """The purge backends for EDGE_CACHE=<kind>, with their options."""
    if kind == "none":
        return {}
    if kind in ("varnish", "nginx"):
        locations = env_list("EDGE_CACHE_URLS", [])
        if not locations:
            raise ConfigurationError(
                f"EDGE_CACHE={kind} needs EDGE_CACHE_URLS (e.g. http://127.0.0.1:6081)"
            )
        backend = "VarnishBackend" if kind == "varnish" else "NginxBackend"
        options = {"LOCATIONS": locations}
        if kind == "varnish":
            options["MODE"] = env_str("VARNISH_PURGE", "xkey")
            if options["MODE"] not in ("xkey", "ban"):
                raise ConfigurationError("VARNISH_PURGE must be xkey or ban")
        return {kind: {"BACKEND": f"edgecache.backends.{backend}", **options}}
    if kind == "fastly":
        options = {
            "SERVICE_ID": _required("FASTLY_SERVICE_ID", kind),
            "API_TOKEN": _required("FASTLY_API_TOKEN", kind),
        }
        return {kind: {"BACKEND": "edgecache.backends.FastlyBackend", **options}}
    if kind == "cloudflare":
        options = {
            "ZONE_ID": _required("CLOUDFLARE_ZONE_ID", kind),
            "API_TOKEN": _required("CLOUDFLARE_API_TOKEN", kind),
        }
        return {kind: {"BACKEND": "edgecache.backends.CloudflareBackend", **options}}
    raise ConfigurationError(f"EDGE_CACHE must be one of {', '.join(KINDS)}, not {kind!r}")
