"""Who may do what, as data: every URL pattern of the real URL conf and every operation of the JSON API × every role
→ the answer class expected (issue 10, "One place for who may do what"; docs/architecture.md, DESIGN §7).

Walked by tests/security/test_authz_matrix.py against the real URL conf with the Django test client, in the world of
tests/security/authz_world.py: school A owns every object a URL names (an attempt awaiting its practical assessment,
a credential, a cohort with an invitation, a course with a submission, a partnership, an erasure request, the
student's API token…), school B has the same people, two employers (the first owns the offer the student applied
to), Flow Stage staff and a superuser. The "other_…" roles are school B's (or the other employer): their rows are the
cross-school attempts.

A new URL pattern or API operation without a row fails the walk: add a Row here.
- `route`: the pattern as the resolver spells it (the routes of the included URL confs joined, the language prefix
  left out); "admin/*" and "django-admin/*" stand for every pattern under that prefix (Wagtail's and Django's own
  permission checks; one row each).
- `path`: the URL requested, with `{name}` filled from `authz_world.build()`'s ids.
- `expect`: role → answer class: "200", "201", "204", "redirect" (a 3xx not to the login page), "login" (a 3xx to
  the login page), or the 4xx code. Django pages refuse with "login" or 403 (404 where the object's existence is
  itself private); the API answers 401 without credentials.
- `method` other than GET: the request is sent (empty form, or `body` as JSON for the API) only for the roles whose
  expected answer is a refusal ("login" or a 4xx); ALLOWED marks the roles that may do it, which the walk never
  sends, so that it changes nothing (their behaviour is the apps' own tests').
- Beyond the answer class, a page an outsider (OUTSIDERS) opens with a 200 that anonymous may not open must not
  show school A's student (PRIVATE_MARKS): a list or a form scoped to the wrong school fails the walk too.
"""
from dataclasses import dataclass, field

ROLES = (
    "anonymous", "student", "other_student", "teacher", "other_teacher", "examiner", "other_examiner", "staff",
    "other_staff", "employer", "other_employer", "flowstage_staff", "superuser",
)
ALLOWED = "allowed"
# school B's people and the other employer: a page they may open (200) that is not public must not name school A's
# student (their e-mail address or surname), whatever the list or form it shows
OUTSIDERS = ("other_student", "other_teacher", "other_examiner", "other_staff", "other_employer")
PRIVATE_MARKS = ("victime.authz@example.test", "Authzprivee")
PREFIXES = ("admin/", "django-admin/")
DEBUG_ONLY = {"^media/(?P<path>.*)$"}  # lms/urls.py serves media itself only with DEBUG on


def answers(default: str, **per_role: str) -> dict[str, str]:
    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: per_role.get(role, default) for role in ROLES}


OFFER = ('{"title": "Régie", "specialisation": "sound", "postcode": "75011", "city": "Paris", '
         '"start_date": "2027-05-03", "end_date": "2027-07-30", "pay_monthly": "700", "tutor_name": "Jean", '
         '"expires_on": "2027-04-20"}')


@dataclass(frozen=True)
class Row:
    route: str
    path: str
    expect: dict = field(hash=False)
    method: str = "GET"
    body: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.route


MATRIX = [
    Row('admin/*', '/admin/',
        answers("200", anonymous="redirect", student="redirect", other_student="redirect", employer="redirect", other_employer="redirect")),
    Row('django-admin/*', '/django-admin/', answers("redirect", superuser="200")),
    Row('^media/(?P<path>.*)$', '/media/nothing.txt', answers("404")),
    Row('api/v1/openapi.json', '/api/v1/openapi.json', answers("200")),
    Row('api/v1/docs', '/api/v1/docs', answers("200")),
    Row('api/v1/', '/api/v1/', answers("404")),
    # signing in does not depend on the session: one wrong password, anonymous (more would meet the lockout, 429)
    Row('api/v1/auth/token', '/api/v1/auth/token',
        answers(ALLOWED, anonymous="401"), method="POST", body='{"email": "nobody@example.test", "password": "wrong"}'),
    Row('api/v1/auth/token', '/api/v1/auth/token', answers(ALLOWED, anonymous="401"), method="DELETE"),
    Row('api/v1/auth/tokens', '/api/v1/auth/tokens', answers("200", anonymous="401")),
    Row('api/v1/auth/tokens/<token_id>', '/api/v1/auth/tokens/{token}',
        answers("404", anonymous="401", student=ALLOWED), method="DELETE"),
    Row('api/v1/me', '/api/v1/me', answers("200", anonymous="401")),
    Row('api/v1/courses/', '/api/v1/courses/', answers("200")),
    Row('api/v1/courses/mine', '/api/v1/courses/mine', answers("200", anonymous="401")),
    Row('api/v1/courses/<course_id>/enrol', '/api/v1/courses/{course}/enrol',
        answers(ALLOWED, anonymous="401", student="409"), method="POST"),
    Row('api/v1/courses/cohorts/<cohort_id>/progress', '/api/v1/courses/cohorts/{cohort}/progress',
        answers("403", anonymous="401", teacher="200", staff="200", flowstage_staff="200", superuser="200")),
    Row('api/v1/exams/<exam_id>/attempts', '/api/v1/exams/{exam}/attempts',
        answers("409", anonymous="401", student=ALLOWED), method="POST"),
    Row('api/v1/exams/attempts/<attempt_id>', '/api/v1/exams/attempts/{attempt}',
        answers("404", anonymous="401", student="200")),
    Row('api/v1/exams/attempts/<attempt_id>/answers/<question_id>', '/api/v1/exams/attempts/{attempt}/answers/1',
        answers("404", anonymous="401", student="409"), method="PUT"),
    Row('api/v1/exams/attempts/<attempt_id>/submit', '/api/v1/exams/attempts/{attempt}/submit',
        answers("404", anonymous="401", student=ALLOWED), method="POST"),
    Row('api/v1/exams/attempts/<attempt_id>/result', '/api/v1/exams/attempts/{attempt}/result',
        answers("404", anonymous="401", student="200")),
    Row('api/v1/credentials/verify', '/api/v1/credentials/verify', answers(ALLOWED), method="POST"),
    Row('api/v1/credentials/mine', '/api/v1/credentials/mine', answers("200", anonymous="401")),
    Row('api/v1/careers/offers', '/api/v1/careers/offers',
        answers("200", anonymous="401", teacher="403", other_teacher="403", examiner="403", other_examiner="403", employer="403", other_employer="403")),
    Row('api/v1/careers/offers/<offer_id>', '/api/v1/careers/offers/{offer}',
        answers("200", anonymous="401", teacher="404", other_teacher="404", examiner="404", other_examiner="404", other_employer="404")),
    Row('api/v1/careers/matches', '/api/v1/careers/matches',
        answers("403", anonymous="401", student="200", other_student="200")),
    Row('api/v1/careers/offers/<offer_id>/apply', '/api/v1/careers/offers/{offer}/apply',
        answers("403", anonymous="401", student=ALLOWED, other_student=ALLOWED),
        method="POST", body='{"message": "Bonjour"}'),
    Row('api/v1/careers/applications', '/api/v1/careers/applications',
        answers("403", anonymous="401", student="200", other_student="200")),
    Row('api/v1/careers/applications/<application_id>', '/api/v1/careers/applications/{application}',
        answers("403", anonymous="401", student="200", other_student="404")),
    Row('api/v1/careers/applications/<application_id>/withdraw', '/api/v1/careers/applications/{application}/withdraw',
        answers("403", anonymous="401", student=ALLOWED, other_student="404"), method="POST"),
    Row('api/v1/careers/agreements', '/api/v1/careers/agreements', answers("200", anonymous="401")),
    Row('api/v1/careers/agreements/<agreement_id>', '/api/v1/careers/agreements/{agreement}',
        answers("404", anonymous="401", student="200", staff="200", employer="200")),
    Row('api/v1/careers/employer/offers', '/api/v1/careers/employer/offers',
        answers("403", anonymous="401", employer="200", other_employer="200")),
    Row('api/v1/careers/employer/offers', '/api/v1/careers/employer/offers',
        answers("403", anonymous="401", employer=ALLOWED, other_employer=ALLOWED), method="POST", body=OFFER),
    Row('api/v1/careers/employer/offers/<offer_id>', '/api/v1/careers/employer/offers/{offer}',
        answers("403", anonymous="401", employer=ALLOWED, other_employer="404"), method="PUT", body=OFFER),
    Row('api/v1/careers/employer/offers/<offer_id>/publish', '/api/v1/careers/employer/offers/{offer}/publish',
        answers("403", anonymous="401", employer="409", other_employer="404"), method="POST"),
    Row('api/v1/careers/employer/offers/<offer_id>/close', '/api/v1/careers/employer/offers/{offer}/close',
        answers("403", anonymous="401", employer=ALLOWED, other_employer="404"), method="POST"),
    Row('api/v1/careers/employer/offers/<offer_id>/applicants', '/api/v1/careers/employer/offers/{offer}/applicants',
        answers("403", anonymous="401", employer="200", other_employer="404")),
    Row('api/v1/careers/employer/applications/<application_id>/decision', '/api/v1/careers/employer/applications/{application}/decision',
        answers("403", anonymous="401", employer=ALLOWED, other_employer="404"),
        method="POST", body='{"action": "decline"}'),
    Row('documents/^(\\d+)/(.*)$', '/documents/999999/nothing.pdf', answers("404")),
    Row('documents/authenticate_with_password/<int:restriction_id>/', '/documents/authenticate_with_password/999999/',
        answers("404")),
    Row('i18n/setlang/', '/i18n/setlang/', answers("405")),
    Row('healthz', '/healthz', answers("200")),
    Row('.well-known/did.json', '/.well-known/did.json', answers("200")),
    Row('issuer.json', '/issuer.json', answers("200")),
    Row('issuer/image.png', '/issuer/image.png', answers("200")),
    Row('status/<id:number>', '/status/{status_list}', answers("200")),
    Row('credentials/<uuid:pk>', '/credentials/{credential}', answers("200")),
    Row('achievements/<slug:slug>', '/achievements/{achievement}', answers("200")),
    Row('achievements/<slug:slug>/image.png', '/achievements/{achievement}/image.png', answers("200")),
    Row('achievements/<slug:slug>/image.svg', '/achievements/{achievement}/image.svg', answers("200")),
    Row('v/<str:short_id>/', '/v/{short_id}/', answers("redirect")),
    Row('competences/<slug:slug>', '/competences/{skill}', answers("redirect")),
    Row('jsi18n/', '/jsi18n/', answers("200")),
    Row('', '/', answers("200")),
    Row('dashboard/', '/dashboard/', answers("redirect", anonymous="login")),
    Row('accounts/login/', '/accounts/login/', answers("redirect", anonymous="200")),
    Row('accounts/logout/', '/accounts/logout/', answers("405")),
    Row('accounts/password-reset/', '/accounts/password-reset/', answers("200")),
    Row('accounts/password-reset/sent/', '/accounts/password-reset/sent/', answers("200")),
    Row('accounts/reset/<uidb64>/<token>/', '/accounts/reset/MQ/bad-token/', answers("200")),
    Row('accounts/reset/done/', '/accounts/reset/done/', answers("200")),
    Row('accounts/password-change/', '/accounts/password-change/', answers("200", anonymous="login")),
    Row('accounts/password-change/done/', '/accounts/password-change/done/', answers("200", anonymous="login")),
    Row('accounts/my-data/', '/accounts/my-data/', answers("200", anonymous="login")),
    Row('accounts/my-data/export.json', '/accounts/my-data/export.json', answers("200", anonymous="login")),
    Row('accounts/my-data/export/', '/accounts/my-data/export/', answers("200", anonymous="login")),
    Row('accounts/my-data/erase/', '/accounts/my-data/erase/', answers(ALLOWED, anonymous="login"), method="POST"),
    Row('accounts/erasure-requests/', '/accounts/erasure-requests/',
        answers("403", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('accounts/erasure-requests/<id:pk>/', '/accounts/erasure-requests/{erasure}/',
        answers("403", anonymous="login", flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('accounts/signup/', '/accounts/signup/', answers("redirect", anonymous="200")),
    Row('accounts/signup/student/', '/accounts/signup/student/', answers("redirect", anonymous="200")),
    Row('accounts/signup/employer/', '/accounts/signup/employer/', answers("redirect", anonymous="200")),
    Row('student/', '/student/', answers("403", anonymous="login", student="200", other_student="200")),
    Row('profile/', '/profile/', answers("403", anonymous="login", student="200", other_student="200")),
    Row('profile/edit/', '/profile/edit/', answers("403", anonymous="login", student="200", other_student="200")),
    Row('profile/edit/<slug:section>/', '/profile/edit/{section}/',
        answers("403", anonymous="login", student="200", other_student="200")),
    Row('profile/readiness/', '/profile/readiness/',
        answers("403", anonymous="login", student="200", other_student="200")),
    Row('p/<uuid:public_id>/', '/p/{public_id}/', answers("404", student="200")),
    Row('p/<uuid:public_id>/review/', '/p/{public_id}/review/', answers("405", anonymous="login")),
    Row('p/<uuid:public_id>/connect/', '/p/{public_id}/connect/', answers("404", anonymous="login"), method="POST"),
    Row('school-dashboard/', '/school-dashboard/',
        answers("403", anonymous="login", staff="redirect", other_staff="redirect", flowstage_staff="redirect", superuser="redirect")),
    Row('school-dashboard/<slug:slug>/', '/school-dashboard/{school}/',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    Row('school-dashboard/<slug:slug>/export.csv', '/school-dashboard/{school}/export.csv',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    Row('flow-stage/kpis/', '/flow-stage/kpis/',
        answers("403", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('learning/catalogue/', '/learning/catalogue/', answers("redirect")),
    Row('learning/mine/', '/learning/mine/', answers("200", anonymous="login")),
    Row('learning/transcript/', '/learning/transcript/', answers("200", anonymous="login")),
    Row('learning/courses/<id:course_id>/enrol/', '/learning/courses/{course}/enrol/',
        answers(ALLOWED, anonymous="login"), method="POST"),
    Row('learning/lessons/<id:lesson_id>/complete/', '/learning/lessons/{lesson}/complete/',
        answers(ALLOWED, anonymous="login"), method="POST"),
    Row('learning/lessons/<id:lesson_id>/submit/', '/learning/lessons/{lesson}/submit/',
        answers(ALLOWED, anonymous="login"), method="POST"),
    Row('learning/grading/', '/learning/grading/',
        answers("403", anonymous="login", teacher="200", other_teacher="200", flowstage_staff="200", superuser="200")),
    Row('learning/grading/submissions/<id:submission_id>/', '/learning/grading/submissions/{submission}/',
        answers("405", anonymous="login")),
    Row('learning/grading/courses/<id:course_id>/', '/learning/grading/courses/{course}/',
        answers("403", anonymous="login", teacher="200", flowstage_staff="200", superuser="200")),
    Row('learning/grading/courses/<id:course_id>/history/', '/learning/grading/courses/{course}/history/',
        answers("403", anonymous="login", teacher="200", flowstage_staff="200", superuser="200")),
    Row('learning/cohorts/enrol/', '/learning/cohorts/enrol/',
        answers("403", anonymous="login", staff="200", other_staff="200", flowstage_staff="200", superuser="200")),
    Row('exams/certifications/', '/exams/certifications/', answers("200", anonymous="login")),
    Row('exams/certifications/<slug:code>/', '/exams/certifications/{cert_code}/', answers("200", anonymous="login")),
    Row('exams/<id:exam_id>/start/', '/exams/{exam}/start/', answers(ALLOWED, anonymous="login"), method="POST"),
    Row('exams/attempts/<id:attempt_id>/', '/exams/attempts/{attempt}/',
        answers("403", anonymous="login", student="redirect")),
    Row('exams/attempts/<id:attempt_id>/result/', '/exams/attempts/{attempt}/result/',
        answers("403", anonymous="login", student="200", examiner="200", flowstage_staff="200", superuser="200")),
    Row('exams/examiner/', '/exams/examiner/',
        answers("403", anonymous="login", examiner="200", other_examiner="200", flowstage_staff="200", superuser="200")),
    Row('exams/examiner/attempts/<id:attempt_id>/', '/exams/examiner/attempts/{attempt}/',
        answers("403", anonymous="login", examiner="200", flowstage_staff="200", superuser="200")),
    Row('exams/bank/import/', '/exams/bank/import/',
        answers("403", anonymous="login", flowstage_staff="200", superuser="200")),
    # a staged import is its author's alone: another bank administrator gets a 404
    Row('exams/bank/import/<id:staged_id>/', '/exams/bank/import/{staged_import}/',
        answers("403", anonymous="login", flowstage_staff="200", superuser="404")),
    Row('exams/bank/export/<id:category_id>/<str:fmt>/', '/exams/bank/export/{category}/xml/',
        answers("404", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('exams/bank/export/<str:fmt>/', '/exams/bank/export/xml/',
        answers("404", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('exams/bank/questions/<id:question_id>/regrade/', '/exams/bank/questions/{question}/regrade/',
        answers("403", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('badges/', '/badges/', answers("redirect")),
    Row('badges/mine/', '/badges/mine/', answers("200", anonymous="login")),
    Row('badges/verify/', '/badges/verify/', answers("200")),
    Row('badges/staff/', '/badges/staff/', answers("403", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('badges/staff/<uuid:pk>/revoke/', '/badges/staff/{credential}/revoke/',
        answers("403", anonymous="login", flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('badges/staff/bulk/<id:pk>/', '/badges/staff/bulk/{bulk}/',
        answers("403", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('badges/staff/bulk/<id:pk>/progress.json', '/badges/staff/bulk/{bulk}/progress.json',
        answers("403", flowstage_staff="200", superuser="200")),
    Row('badges/<uuid:pk>/', '/badges/{credential}/',
        answers("404", anonymous="login", student="200", flowstage_staff="200", superuser="200")),
    Row('badges/<uuid:pk>/credential.json', '/badges/{credential}/credential.json',
        answers("404", anonymous="login", student="200", flowstage_staff="200", superuser="200")),
    Row('badges/<uuid:pk>/badge.png', '/badges/{credential}/badge.png',
        answers("404", anonymous="login", student="200", flowstage_staff="200", superuser="200")),
    Row('badges/<uuid:pk>/badge.svg', '/badges/{credential}/badge.svg',
        answers("404", anonymous="login", student="200", flowstage_staff="200", superuser="200")),
    Row('badges/<uuid:pk>/qr.png', '/badges/{credential}/qr.png',
        answers("404", anonymous="login", student="200", flowstage_staff="200", superuser="200")),
    Row('badges/<uuid:pk>/qr.svg', '/badges/{credential}/qr.svg',
        answers("404", anonymous="login", student="200", flowstage_staff="200", superuser="200")),
    Row('badges/<uuid:pk>/certificate.pdf', '/badges/{credential}/certificate.pdf',
        answers("404", anonymous="login", student="200", flowstage_staff="200", superuser="200")),
    Row('verify/<uuid:pk>/', '/verify/{credential}/', answers("200")),
    Row('competences/<slug:slug>/', '/competences/{skill}/', answers("200")),
    Row('verify/', '/verify/', answers("redirect")),
    Row('schools/', '/schools/',
        answers("403", anonymous="login", staff="200", other_staff="200", flowstage_staff="200", superuser="200")),
    Row('schools/cohorts/', '/schools/cohorts/',
        answers("403", anonymous="login", staff="200", other_staff="200", flowstage_staff="200", superuser="200")),
    Row('schools/cohorts/<id:pk>/', '/schools/cohorts/{cohort}/',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    Row('schools/cohorts/<id:pk>/enrol/', '/schools/cohorts/{cohort}/enrol/',
        answers("403", anonymous="login", staff=ALLOWED, flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('schools/cohorts/<id:pk>/import/', '/schools/cohorts/{cohort}/import/',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    Row('schools/cohorts/<id:pk>/import/confirm/', '/schools/cohorts/{cohort}/import/confirm/',
        answers("403", anonymous="login", staff=ALLOWED, flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('schools/cohorts/<id:pk>/invitations/<id:invitation_id>/revoke/', '/schools/cohorts/{cohort}/invitations/{invitation}/revoke/',
        answers("403", anonymous="login", staff=ALLOWED, flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('schools/invitations/<str:token>/', '/schools/invitations/not-a-token/', answers("410")),
    Row('schools/partnerships/<id:pk>/transition/', '/schools/partnerships/{partnership}/transition/',
        answers("403", anonymous="login", flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('schools/<slug:slug>/', '/schools/{school}/',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    # --- Service requests (issue 12): a school's services page and its request (its staff; Flow Stage may look), the
    # Flow Stage list and its handling (Flow Stage's staff only)
    Row('schools/<slug:slug>/services/', '/schools/{school}/services/',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    Row('schools/<slug:slug>/services/', '/schools/{school}/services/',
        answers("403", anonymous="login", staff=ALLOWED, flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('schools/service-requests/', '/schools/service-requests/',
        answers("403", anonymous="login", flowstage_staff="200", superuser="200")),
    Row('schools/service-requests/<id:pk>/', '/schools/service-requests/{service_request}/',
        answers("403", anonymous="login", flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('careers/', '/careers/', answers("403", anonymous="login", student="200", other_student="200")),
    Row('careers/offers/<int:pk>/', '/careers/offers/{offer}/',
        answers("200", anonymous="login", teacher="404", other_teacher="404", examiner="404", other_examiner="404", other_employer="404")),
    Row('careers/offers/<int:pk>/apply/', '/careers/offers/{offer}/apply/',
        answers("403", anonymous="login", student=ALLOWED, other_student=ALLOWED), method="POST"),
    Row('careers/offers/<int:pk>/contact-school/', '/careers/offers/{offer}/contact-school/',
        answers("403", anonymous="login", student=ALLOWED, other_student=ALLOWED), method="POST"),
    Row('careers/applications/', '/careers/applications/',
        answers("403", anonymous="login", student="200", other_student="200")),
    Row('careers/applications/<int:pk>/', '/careers/applications/{application}/',
        answers("403", anonymous="login", student="200", other_student="404")),
    Row('careers/applications/<int:pk>/withdraw/', '/careers/applications/{application}/withdraw/',
        answers("403", anonymous="login", student=ALLOWED, other_student="404"), method="POST"),
    Row('careers/applications/<int:pk>/withdraw-consent/', '/careers/applications/{application}/withdraw-consent/',
        answers("403", anonymous="login", student=ALLOWED, other_student="404"), method="POST"),
    Row('careers/preferences/', '/careers/preferences/',
        answers("403", anonymous="login", student="200", other_student="200")),
    Row('careers/employer/', '/careers/employer/',
        answers("403", anonymous="login", employer="200", other_employer="200")),
    Row('careers/employer/offers/new/', '/careers/employer/offers/new/',
        answers("403", anonymous="login", employer="200", other_employer="200")),
    Row('careers/employer/offers/<int:pk>/', '/careers/employer/offers/{offer}/',
        answers("403", anonymous="login", employer="200", other_employer="404")),
    Row('careers/employer/offers/<int:pk>/edit/', '/careers/employer/offers/{offer}/edit/',
        answers("403", anonymous="login", employer="200", other_employer="404")),
    Row('careers/employer/offers/<int:pk>/applicants/', '/careers/employer/offers/{offer}/applicants/',
        answers("403", anonymous="login", employer="200", other_employer="404")),
    Row('careers/employer/offers/<int:pk>/do/<slug:action>/', '/careers/employer/offers/{offer}/do/close/',
        answers("403", anonymous="login", employer=ALLOWED, other_employer="404"), method="POST"),
    Row('careers/employer/applications/<int:pk>/', '/careers/employer/applications/{application}/',
        answers("403", anonymous="login", employer="200", other_employer="404")),
    Row('careers/employer/applications/<int:pk>/decide/', '/careers/employer/applications/{application}/decide/',
        answers("403", anonymous="login", employer=ALLOWED, other_employer="404"), method="POST"),
    Row('careers/employer/cv/', '/careers/employer/cv/', answers("403", anonymous="login")),
    # internship agreements: the parties (the student, the host's staff, the student's school staff) and nobody else
    Row('careers/agreements/', '/careers/agreements/', answers("200", anonymous="login")),
    Row('careers/applications/<id:application_pk>/agreement/', '/careers/applications/{accepted}/agreement/',
        answers("404", anonymous="login", staff=ALLOWED, employer=ALLOWED, flowstage_staff=ALLOWED, superuser=ALLOWED),
        method="POST"),
    Row('careers/agreements/<id:pk>/', '/careers/agreements/{agreement}/',
        answers("404", anonymous="login", student="200", staff="200", employer="200")),
    Row('careers/agreements/<id:pk>/edit/', '/careers/agreements/{agreement}/edit/',
        answers("404", anonymous="login", student="403", staff="200", employer="200")),
    Row('careers/agreements/<id:pk>/sign/', '/careers/agreements/{agreement}/sign/',
        answers("404", anonymous="login", student=ALLOWED, staff=ALLOWED, employer=ALLOWED), method="POST"),
    Row('careers/agreements/<id:pk>/tutor-link/', '/careers/agreements/{agreement}/tutor-link/',
        answers("404", anonymous="login", student=ALLOWED, staff=ALLOWED, employer=ALLOWED), method="POST"),
    Row('careers/agreements/<id:pk>/agreement.pdf', '/careers/agreements/{agreement}/agreement.pdf',
        answers("404", anonymous="login", student="200", staff="200", employer="200")),
    # the public check of a signed document by its hash, and the tutor's single-purpose link (a forged token here)
    Row('careers/agreements/check/', '/careers/agreements/check/', answers("200")),
    # (nobody has signed the world's agreement: its document matches no signed agreement)
    Row('careers/agreements/check/<str:document_hash>/', '/careers/agreements/check/{agreement_hash}/', answers("404")),
    Row('careers/agreements/tutor/<str:token>/', '/careers/agreements/tutor/forged-token/', answers("400")),
    # final report and credits, cancellation (the world's agreement is not signed yet: no report, no file)
    Row('careers/agreements/<id:pk>/report/', '/careers/agreements/{agreement}/report/',
        answers("404", anonymous="login", student="200", staff="200", employer="200")),
    Row('careers/agreements/<id:pk>/report/file/', '/careers/agreements/{agreement}/report/file/',
        answers("404", anonymous="login")),
    Row('careers/agreements/<id:pk>/report/do/<slug:action>/', '/careers/agreements/{agreement}/report/do/grade/',
        answers("404", anonymous="login", student="403", staff=ALLOWED, employer="403"), method="POST"),
    Row('careers/agreements/<id:pk>/cancel/', '/careers/agreements/{agreement}/cancel/',
        answers("404", anonymous="login", student="403", staff=ALLOWED, employer="403"), method="POST"),
    Row('careers/agreements/report/tutor/<str:token>/', '/careers/agreements/report/tutor/forged-token/',
        answers("400")),
    Row('careers/school/<slug:slug>/partners/', '/careers/school/{school}/partners/',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    # --- Outcomes (issue 12): the student's own page, the satisfaction answer, the six-month survey's link (a forged
    # token is 404 for everyone), a school's outcomes (its staff and Flow Stage only)
    Row('careers/outcomes/', '/careers/outcomes/', answers("200", anonymous="login")),
    Row('careers/outcomes/rate/', '/careers/outcomes/rate/', answers("422", anonymous="login"), method="POST"),
    Row('careers/outcomes/survey/<str:token>/', '/careers/outcomes/survey/forged-token/', answers("404")),
    Row('careers/school/<slug:slug>/outcomes/', '/careers/school/{school}/outcomes/',
        answers("403", anonymous="login", staff="200", flowstage_staff="200", superuser="200")),
    Row('careers/school/<slug:slug>/outcomes/', '/careers/school/{school}/outcomes/',
        answers("403", anonymous="login", staff=ALLOWED, flowstage_staff=ALLOWED, superuser=ALLOWED), method="POST"),
    Row('^(?!_util/)((?:[\\w\\-]+/)*)$', '{course_url}', answers("200")),
    Row('_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/', '/_util/authenticate_with_password/999999/999999/',
        answers("404")),
    Row('_util/login/', '/_util/login/', answers("200")),
    Row('^((?:[\\w\\-]+/)*)$', '/en/catalogue/', answers("200")),
]
