"""The migration to review options: certification exams take the certification's default (score only until
the exam is closed for the candidate); other exams keep their former single setting at every moment."""
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exams import review

BEFORE = [("exams", "0002_certification_preparation_course_and_more")]
AFTER = [("exams", "0003_review_options_per_moment")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_former_review_setting_becomes_options():
    old = _migrate(BEFORE)
    Exam, Certification = old.get_model("exams", "Exam"), old.get_model("exams", "Certification")
    exams = {}
    for slug, former in [("cert", "full"), ("none", "none"), ("responses", "responses"), ("full", "full")]:
        exams[slug] = Exam.objects.create(title_fr=slug, slug=slug, review=former, theory_weight=Decimal(100),
                                          practical_weight=Decimal(0))
    Certification.objects.create(code="fsr", name_fr="FSR", exam=exams["cert"], price=Decimal(149))
    try:
        new = _migrate(AFTER)
        Exam = new.get_model("exams", "Exam")
        options = {e.slug: review.options_of(e) for e in Exam.objects.all()}
        every = lambda parts: {m: frozenset(parts) for m in review.MOMENTS}  # noqa: E731
        assert options["cert"] == review.DEFAULTS
        assert options["none"] == every({review.SCORE})
        assert options["responses"] == every({review.SCORE, review.RESPONSES})
        assert options["full"] == every(review.PARTS)
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
