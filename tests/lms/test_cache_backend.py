"""The Redis cache keeps one client object per connection pool (Django's builds one per operation)."""
from lms.cache_backend import ResilientRedisCache


def test_one_client_per_pool_whatever_the_operation():
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15;redis://127.0.0.1:6379/14", {})
    client = cache._cache.get_client("k", write=True)
    assert cache._cache.get_client("other", write=True) is client
    assert cache._cache.get_client("k", write=True).connection_pool is client.connection_pool
    reader = cache._cache.get_client("k")  # a replica's pool: its own client
    assert reader is not client and reader.connection_pool is not client.connection_pool
    assert cache._cache.get_client("k") is reader
