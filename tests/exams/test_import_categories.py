"""Import honours the files' category lines: preview per question, categories created in the school of
the chosen category (all or nothing), bad category lines refused on their line; export round-trips a
bank of several categories."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from exams import selectors, services
from exams.formats import gift, moodlexml
from exams.models import Question, QuestionCategory
from partnerships.models import SchoolMember
from tests.exams import helpers as h
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SOURCE = """
::Before::Avant toute catégorie {T}

$CATEGORY: $course$/top/Live sound/Mixing

::Mix::Un bus de sortie ? {T}

$CATEGORY: $course$/top/Acoustique

::Ac::RT60 ? {=réverbération}

$CATEGORY: $course$/top/Mine

::Back::Dans la catégorie du formulaire, par son nom ? {F}
"""


@pytest.fixture
def bank():
    school = h.entitled_school("Import school")
    teacher = make_user("teacher")
    SchoolMember.objects.create(school=school, user=teacher, role="teacher")
    chosen = QuestionCategory.objects.create(name="Mine", school=school)
    acoustique = QuestionCategory.objects.create(name="Acoustique", school=school)
    return school, teacher, chosen, acoustique


def _by_name():
    return {q.name: q.category for q in Question.objects.select_related("category")}


# --- Plan and service ---------------------------------------------------------------------------

def test_plan_tells_where_each_question_goes(bank):
    _school, _teacher, chosen, acoustique = bank
    plan = selectors.import_plan(gift.parse(SOURCE), chosen)
    assert plan.rejected == [] and plan.ok
    assert [(pq.name, t.name, t.status, t.category) for pq, t in plan.rows] == [
        ("Before", "Mine", "chosen", chosen),
        ("Mix", "Live sound / Mixing", "new", None),
        ("Ac", "Acoustique", "existing", acoustique),
        ("Back", "Mine", "chosen", chosen),
    ]
    assert plan.new_names == ["Live sound / Mixing"]


def test_import_creates_missing_categories_in_the_chosen_school(bank):
    school, teacher, chosen, acoustique = bank
    created = services.import_questions(gift.parse(SOURCE), chosen, teacher, "fr")
    assert len(created) == 4
    mixing = QuestionCategory.objects.get(name="Live sound / Mixing")
    assert mixing.school == school
    assert _by_name() == {"Before": chosen, "Mix": mixing, "Ac": acoustique, "Back": chosen}
    # Importing the same file again reuses the category it created.
    services.import_questions(gift.parse(SOURCE), chosen, teacher, "fr")
    assert QuestionCategory.objects.filter(name="Live sound / Mixing").count() == 1
    assert Question.objects.filter(category=mixing).count() == 2


def test_shared_category_of_the_same_name_is_not_written_by_a_school(bank):
    school, teacher, chosen, _ac = bank
    shared = QuestionCategory.objects.create(name="Live sound / Mixing")  # shared: read-only for teachers
    services.import_questions(gift.parse(SOURCE), chosen, teacher, "fr")
    assert not Question.objects.filter(category=shared).exists()
    assert Question.objects.get(name="Mix").category.school == school


def test_staff_importing_into_a_shared_category_creates_shared_categories(bank):
    staff = make_user("flowstage_staff")
    shared = QuestionCategory.objects.create(name="Tronc commun")
    source = SOURCE.split("$CATEGORY: $course$/top/Acoustique")[0]  # "Acoustique" is a school's category
    services.import_questions(gift.parse(source), shared, staff, "fr")
    mixing = QuestionCategory.objects.get(name="Live sound / Mixing", school__isnull=True)
    assert Question.objects.get(name="Mix").category == mixing
    assert Question.objects.get(name="Before").category == shared


def test_xml_category_questions_are_honoured(bank):
    school, teacher, chosen, _ac = bank
    from tests.exams.test_formats import XML_CATEGORIES

    services.import_questions(moodlexml.parse(XML_CATEGORIES), chosen, teacher, "fr")
    assert {n: (c.name, c.school_id) for n, c in _by_name().items()} == {
        "First": ("Mine", school.pk), "Mix": ("Live sound / Mixing", school.pk), "Old": ("Ancien format", school.pk)}


@pytest.mark.parametrize("line, reason", [
    ("$CATEGORY:", "empty category path"),
    ("$CATEGORY: $course$/top/Live sound/", "empty category name in the path"),
    ("$CATEGORY: $course$/top/" + "x" * 161, "longer than 160 characters"),
])
def test_bad_category_lines_are_refused_and_nothing_is_imported(bank, line, reason):
    _school, teacher, chosen, _ac = bank
    QuestionCategory.objects.create(name="Secret", school=h.entitled_school("Foreign"))
    source = SOURCE + f"\n{line}\n\n::Last::Dernière {{T}}\n"
    parsed = gift.parse(source)
    plan = selectors.import_plan(parsed, chosen)
    bad_line = source.split("\n").index(line) + 1
    assert [(r.line, reason in r.reason) for r in plan.rejected] == [(bad_line, True)]
    assert [t.status for pq, t in plan.rows if pq.name == "Last"] == ["invalid"]
    categories = QuestionCategory.objects.count()
    with pytest.raises(services.ExamError) as exc:
        services.import_questions(parsed, chosen, teacher, "fr")
    assert exc.value.status == 422
    assert Question.objects.count() == 0 and QuestionCategory.objects.count() == categories


def test_a_category_named_like_another_schools_is_created_in_the_importing_school(bank):
    school, teacher, chosen, _ac = bank
    foreign = QuestionCategory.objects.create(name="Secret", school=h.entitled_school("Foreign"))
    parsed = gift.parse("$CATEGORY: $course$/top/Secret\n\n::Last::Dernière {T}\n")
    plan = selectors.import_plan(parsed, chosen)
    assert not plan.rejected and plan.new_names == ["Secret"]
    services.import_questions(parsed, chosen, teacher, "fr")
    mine = Question.objects.get(name="Last").category
    assert (mine.name, mine.school_id) == ("Secret", school.pk) and mine.pk != foreign.pk
    assert not foreign.questions.exists()


def test_a_long_category_line_is_refused_even_without_questions_after_it(bank):
    _school, _teacher, chosen, _ac = bank
    source = SOURCE + "\n$CATEGORY: $course$/top/" + "y" * 500 + "\n"
    plan = selectors.import_plan(gift.parse(source), chosen)
    assert [(r.line, r.reason) for r in plan.rejected] == [
        (len(source.split("\n")) - 1, "The category name is longer than 160 characters.")]
    assert not plan.ok


def test_a_name_of_the_own_school_wins_over_another_school(bank):
    school, teacher, chosen, acoustique = bank
    QuestionCategory.objects.create(name="Acoustique", school=h.entitled_school("Other"))
    services.import_questions(gift.parse(SOURCE), chosen, teacher, "fr")
    assert Question.objects.get(name="Ac").category == acoustique


def test_import_is_all_or_nothing_with_the_created_categories(bank, monkeypatch):
    _school, teacher, chosen, _ac = bank
    real = Question.full_clean
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(self.name)
        if self.name == "Ac":  # after "Live sound / Mixing" was created and "Mix" saved
            raise ValidationError("boom")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Question, "full_clean", failing)
    with pytest.raises(services.ExamError) as exc:  # a refusal with its line, not a 500
        services.import_questions(gift.parse(SOURCE), chosen, teacher, "fr")
    assert exc.value.status == 422 and "boom" in str(exc.value.message)
    assert calls == ["Before", "Mix", "Ac"]
    assert Question.objects.count() == 0
    assert not QuestionCategory.objects.filter(name="Live sound / Mixing").exists()


# --- Preview and confirm over HTTP ---------------------------------------------------------------

def _post(client, chosen, source, button, fmt="gift"):
    return client.post(reverse("exams:import"), {"fmt": fmt, "category": chosen.pk, "language": "fr",
                                                 "source": source, button: "1"})


def _cells(html):
    """The category cell of each preview row, tags stripped."""
    import re

    cells = re.findall(r'<td class="import-category" data-status="(\w+)">(.*?)</td>', html, re.S)
    return [(status, re.sub(r"<[^>]+>", "", text).strip()) for status, text in cells]


def test_preview_shows_the_category_of_each_question(client, bank):
    _school, teacher, chosen, _ac = bank
    client.force_login(teacher)
    page = _post(client, chosen, SOURCE, "preview")
    assert page.status_code == 200
    html = page.content.decode()
    assert _cells(html) == [("chosen", "Mine — chosen on the form"), ("new", "Live sound / Mixing — new"),
                            ("existing", "Acoustique — existing"), ("chosen", "Mine — chosen on the form")]
    assert "The import will create 1 category" in html and 'name="confirm"' in html
    assert not QuestionCategory.objects.filter(name="Live sound / Mixing").exists()
    resp = _post(client, chosen, SOURCE, "confirm")
    assert resp.status_code == 302
    assert Question.objects.get(name="Mix").category.name == "Live sound / Mixing"


def test_preview_in_french(client, bank):
    _school, teacher, chosen, _ac = bank
    client.force_login(teacher)
    with translation.override("fr"):
        page = client.post(reverse("exams:import"), {"fmt": "gift", "category": chosen.pk, "language": "fr",
                                                     "source": SOURCE + "\n$CATEGORY:\n", "preview": "1"})
    html = page.content.decode()
    assert page.status_code == 422
    assert ("new", "Live sound / Mixing — nouvelle") in _cells(html)
    assert "L&#x27;import créera 1 catégorie" in html or "L'import créera 1 catégorie" in html
    assert "chemin de catégorie vide" in html


@pytest.mark.parametrize("line, reason", [
    ("$CATEGORY:", "empty category path"),
    ("$CATEGORY: $course$/top/" + "x" * 200, "longer than 160 characters"),
])
def test_preview_shows_bad_category_lines_and_confirm_imports_nothing(client, bank, line, reason):
    _school, teacher, chosen, _ac = bank
    QuestionCategory.objects.create(name="Secret", school=h.entitled_school("Foreign"))
    source = SOURCE + f"\n{line}\n\n::Last::Dernière {{T}}\n"
    bad_line = source.split("\n").index(line) + 1  # the pasted text is kept as is (leading blank line)
    client.force_login(teacher)
    page = _post(client, chosen, source, "preview")
    assert page.status_code == 422
    html = page.content.decode()
    assert "1 block rejected" in html and reason in html and 'name="confirm"' not in html
    rejected = html[html.index('id="rejected"'):html.index("</table>", html.index('id="rejected"'))]
    assert f"<td>{bad_line}</td>" in rejected
    assert ("invalid", f"refused (see line {bad_line})") in [(s, t.split("— ")[-1]) for s, t in _cells(html)]
    categories = QuestionCategory.objects.count()
    resp = _post(client, chosen, source, "confirm")
    assert resp.status_code == 422
    assert Question.objects.count() == 0 and QuestionCategory.objects.count() == categories


# --- Export of several categories ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["gift", "xml"])
def test_bank_with_several_categories_round_trips(client, bank, fmt):
    _school, teacher, chosen, _ac = bank
    services.import_questions(gift.parse(SOURCE), chosen, teacher, "fr")
    before = {(q.name, q.category.name) for q in Question.objects.select_related("category")}
    assert len({c for _n, c in before}) == 3
    client.force_login(teacher)
    ids = list(QuestionCategory.objects.filter(questions__isnull=False).distinct().values_list("pk", flat=True))
    resp = client.get(reverse("exams:export_bank", kwargs={"fmt": fmt}), {"category": ids})
    assert resp.status_code == 200
    text = resp.content.decode()
    marker = "$CATEGORY: $course$/top/" if fmt == "gift" else "<text>$course$/top/"
    assert text.count(marker) == 3 and "Live sound/Mixing" in text
    # Empty the bank (the created category too), then import the file back through the page.
    Question.objects.all().delete()
    QuestionCategory.objects.filter(name="Live sound / Mixing").delete()
    resp = _post(client, chosen, text, "confirm", fmt=fmt)
    assert resp.status_code == 302
    after = {(q.name, q.category.name) for q in Question.objects.select_related("category")}
    assert after == before
    assert QuestionCategory.objects.get(name="Live sound / Mixing").school == chosen.school


def test_bank_export_is_scoped(client, bank):
    _school, teacher, chosen, _ac = bank
    h.make_question(chosen)
    foreign = QuestionCategory.objects.create(name="Secret", school=h.entitled_school("Foreign"))
    h.make_question(foreign, "truefalse")
    client.force_login(teacher)
    url = reverse("exams:export_bank", kwargs={"fmt": "gift"})
    assert client.get(url, {"category": [foreign.pk]}).status_code == 404
    everything = client.get(url).content.decode()
    assert "$CATEGORY: $course$/top/Mine" in everything and "Secret" not in everything
    assert client.get(reverse("exams:export_bank", kwargs={"fmt": "pdf"})).status_code == 404


def test_shared_categories_are_named_in_the_readers_language(client, bank):
    _school, teacher, _chosen, _ac = bank
    QuestionCategory.objects.create(name="Son live", school=None)
    client.force_login(teacher)
    french = client.get("/exams/bank/import/").content.decode()
    english = client.get("/en/exams/bank/import/").content.decode()
    assert "Son live (partagée)" in french and "(shared)" not in french
    assert "Son live (shared)" in english


def test_the_preview_names_question_types_in_the_readers_language(client, bank):
    _school, teacher, chosen, _ac = bank
    client.force_login(teacher)
    data = {"fmt": "gift", "category": chosen.pk, "language": "fr", "source": "::Q::Vrai ? {T}\n", "preview": "1"}
    french = client.post("/exams/bank/import/", data).content.decode()
    english = client.post("/en/exams/bank/import/", data).content.decode()
    assert "<td>Vrai/faux</td>" in french and "<td>truefalse</td>" not in french
    assert "<td>True/false</td>" in english
