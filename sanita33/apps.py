from django.apps import AppConfig


class Sanita33Config(AppConfig):
    name = "sanita33"
    verbose_name = "Sanità33"
