"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a kept connection at the start of each
request with `SELECT 1`: a round trip to the server on every page. A server
that restarted, or closed the connection for any reason, has sent its
farewell or closed the socket, and either makes the socket readable; an idle
healthy connection has nothing to read. So a zero-timeout poll of the socket
answers for the healthy case, and only a readable socket costs the real
check. (A host that vanished without a word is not detected either way; the
query then fails or times out and the request gets the 503 page.)
"""

import select

from django.db.backends.postgresql import base
from psycopg import _queries, pq

# psycopg caches the conversion of a query's placeholders only for queries up
# to 4 KB; the article page's (pages.PreparedQuery) is about 6 KB and was
# converted again on every request.
if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", 0) < 16384:
    _queries.MAX_CACHED_STATEMENT_LENGTH = 16384


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN)
            readable = poller.poll(0)
        except Exception:  # no socket left
            return False
        return not readable or super().is_usable()
