import pytest

from tests.careers import kit


@pytest.fixture(autouse=True)
def _careers_today(monkeypatch):
    """The careers pages and services read today's date through ``careers.selectors.today``: tests fix it, so that
    their offers (May–July 2027) stay in the future whenever the suite runs."""
    from careers import selectors

    monkeypatch.setattr(selectors, "today", lambda: kit.TODAY)
    selectors.forget_live_offers()
    yield
    selectors.forget_live_offers()


@pytest.fixture
def rates(db):
    """The legal rate rows (the migration seeds them; a flushed database gets them back)."""
    from careers import services

    services.seed_legal_rates()
