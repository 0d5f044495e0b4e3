from django.apps import AppConfig


class EdgeCacheConfig(AppConfig):
    name = "edgecache"
    verbose_name = "Edge cache"
