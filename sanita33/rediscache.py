"""Django's Redis cache backend, with one redis-py client per connection pool.

Django 5.2's RedisCacheClient builds a new `redis.Redis` for every cache call,
and redis-py 8 fills about 170 response callbacks into each new client: that
costs about as much CPU as the network round trip it wraps. A client is only a
handle on its (process-safe, thread-safe) connection pool, so one per pool is
kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
