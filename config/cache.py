"""Django's Redis cache backend, keeping one client per connection pool.

Django builds a new `redis.Redis` object for every cache call; its constructor sets up some
hundred response callbacks, which cost more CPU than the GET itself (a page makes several).
The client is thread-safe and holds no connection of its own (the pool does), so one is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class _RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Private in django-stubs, public enough in Django: get_client() itself is two lines.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        clients: dict[int, Any] = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _RedisCacheClient
