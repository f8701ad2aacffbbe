"""A Redis cache that degrades to local memory while Redis is unreachable.

The cache holds nothing that must survive (throttle counters, the dashboard's week panel), so when
Redis refuses a connection or times out, each process answers from its own LocMemCache for
`FALLBACK_SECONDS` (logged once per outage), then tries Redis again. Pages and the API keep working;
throttling keeps counting, per process, until Redis is back."""
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("config.cache")

# Outage state per Redis location, shared by every thread of the process (Django keeps one cache
# object per thread).
_down_until: dict[str, float] = {}
_state_lock = threading.Lock()


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class FallbackRedisCache(RedisCache):
    """django's RedisCache; on a connection error or timeout, LocMemCache for a short while.

    OPTIONS: FALLBACK_SECONDS (default 30) plus redis-py's pool options; `socket_connect_timeout`
    and `socket_timeout` default to 0.5 s and 1 s so an outage costs a request at most a second."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.fallback_seconds = float(options.pop("FALLBACK_SECONDS", 30))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        # Same key prefix, version and key function as the Redis side, one store per process.
        self._local = LocMemCache(f"redis-fallback:{self._location}", {**params, "OPTIONS": {"MAX_ENTRIES": 10000}})

    @property
    def degraded(self) -> bool:
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def _call(self, name, *args, **kwargs):
        if not self.degraded:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except _redis_errors() as exc:
                with _state_lock:
                    first = _down_until.get(self._location, 0.0) == 0.0
                    _down_until[self._location] = time.monotonic() + self.fallback_seconds
                if first:
                    log.warning("Redis cache at %s unreachable (%s); using local memory, retrying every %ss.",
                                self._location, exc, self.fallback_seconds)
            else:
                if _down_until.get(self._location):
                    with _state_lock:
                        _down_until[self._location] = 0.0
                    log.warning("Redis cache at %s is back.", self._location)
                return result
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._local.clear()
        return self._call("clear")
