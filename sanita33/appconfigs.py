"""Third-party apps under Italian names in the admin (their own names are fixed strings)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sicurezza degli accessi")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Attività in background")
