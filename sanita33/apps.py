from django.apps import AppConfig
from django.db.backends.signals import connection_created


class Sanita33Config(AppConfig):
    name = "sanita33"
    verbose_name = "Sanità33"

    def ready(self):
        from sanita33.outage import database_connected

        connection_created.connect(database_connected, dispatch_uid="outage-database-connected")
