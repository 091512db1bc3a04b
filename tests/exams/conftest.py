import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Exams tests read English messages; reverse() then gives /en/ pages (French is tested separately)."""
    with translation.override("en"):
        yield
