"""The Python floor: a bare WSGI app returning the saved HTML of the article page.

No Django, no middleware, no database: what gunicorn itself costs per request,
under the same settings as the site. FLOOR_HTML names the saved page.
"""

import os
from pathlib import Path

BODY = Path(os.environ["FLOOR_HTML"]).read_bytes()
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(BODY))),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
