import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Outlines and catalogue cards are cached; each test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
