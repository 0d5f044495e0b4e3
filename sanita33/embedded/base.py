"""PostgreSQL backend that starts the embedded server on the first connection."""

from django.db.backends.postgresql import base

from sanita33 import database


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params["host"] = database.ensure_running()
        params.pop("port", None)
        return params
