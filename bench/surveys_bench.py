"""Residents' ratings under load: submissions per second through the real form, and the time
to aggregate a month of one million ratings.

    python bench/surveys_bench.py submit --base-url http://127.0.0.1:PORT
    python bench/surveys_bench.py aggregate [--responses 1000000]

``submit``: run.sh started gunicorn with ``SURVEYS_CAPTCHA_TEST_MODE=1`` (the captcha accepts
"PASSED") and a raised ``SURVEYS_RATE_LIMIT``. One GET of a service's QR address gives a CSRF
cookie and token; wrk then POSTs ratings with them (bench/wrk_rating.lua), each request with a
User-Agent of its own, so each is a new resident for the one-a-day rule. Every 302 is a stored
rating (checked against the database). The ratings, and the cases the poor ones opened, are
deleted afterwards. Target: at least 150 stored ratings per second on 2 cores.

``aggregate``: inserts one million ratings of this month into the bench database with
``INSERT … SELECT generate_series`` (one overall-satisfaction answer each; some with a comment
or a chosen option), and runs ``surveys.aggregation.aggregate_month`` as the monthly job would,
timed; all in one transaction that is rolled back, so no rating, result or indicator value is
left behind, even by a run killed halfway. Target: under 30 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from urllib.parse import urlencode

from benchlib import BENCH_DIR, RESULTS_DIR, check, read_json, setup_django, write_section

DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_RATING_CONNECTIONS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
SUBMISSIONS_PER_S = 150.0
AGGREGATION_S = 30.0
BENCH_KEY = "bench1m-"  # client keys of the aggregation benchmark's ratings
# Background tasks a rating's saves queue (cases' search documents, Wagtail's reference index),
# by the end of their dotted path.
RUN_TASKS = (".index_documents", ".update_reference_index_task")


# ---- submissions per second ---------------------------------------------------------------


def _open_service():
    """A public service with an open survey that has a satisfaction question, or None."""
    from surveys.models import Service
    from surveys.views.services import open_survey_for

    for service in Service.objects.public().order_by("pk")[:200]:
        survey = open_survey_for(service)
        if survey and any(q.is_satisfaction_scale for q in survey.questions.all()):
            return service, survey
    return None


def _bodies(survey, service, token: str, captcha_key: str) -> list[str]:
    """Twenty rating forms as the browser would post them: mostly satisfied, one in ten
    dissatisfied (opening a case), some with a comment holding a phone number to mask."""
    from surveys.aggregation import overall_question
    from surveys.models import SurveyQuestion

    questions = list(survey.questions.order_by("sort_order", "pk"))
    overall = overall_question(questions)
    levels = [5, 5, 5, 4, 5, 4, 5, 3, 5, 4, 5, 5, 4, 2, 5, 4, 5, 5, 4, 1]
    bodies = []
    for n, level in enumerate(levels):
        data = [
            ("csrfmiddlewaretoken", token),
            ("service", service.pk),
            ("service_slug", service.slug),
            ("channel", service.channel),
            ("website", ""),
            ("captcha_0", captcha_key),
            ("captcha_1", "PASSED"),
        ]
        for question in questions:
            if question.pk == overall.pk:
                data.append((question.field_name, level))
            elif question.show_if_key:
                if level <= 2 and question.display_options:
                    data.append((question.field_name, question.display_options[0]))
            elif question.kind == SurveyQuestion.Kind.SCALE and n % 3:
                data.append((question.field_name, max(1, level - n % 2)))
            elif question.kind == SurveyQuestion.Kind.MULTIPLE and n % 2:
                data += [(question.field_name, o) for o in question.display_options[:2]]
            elif question.kind == SurveyQuestion.Kind.CHOICE and question.display_options:
                data.append((question.field_name, question.display_options[0]))
            elif question.kind == SurveyQuestion.Kind.TEXT and (level <= 2 or n % 5 == 0):
                data.append((question.field_name, f"排队时间太长，请回电1391234{n:04d}"))
        bodies.append(urlencode(data))
    return bodies


def _csrf(base_url: str, service) -> tuple[str, str, str, str]:
    """(form path, cookie header, CSRF token, captcha key) from one GET of the QR address."""
    import re
    import urllib.request
    from http.cookiejar import CookieJar

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + service.get_rating_url(), timeout=30) as response:
        html = response.read().decode()
        path = response.url.removeprefix(base_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    captcha = re.search(r'name="captcha_0" value="(\w+)"', html).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.name == "csrftoken")
    return path, cookie, token, captcha


def submit(base_url: str) -> None:
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from surveys.models import RectificationCase, Response

    rows, checks, notes = [], [], []
    found = _open_service()
    if found is None:
        checks.append(check("rating submissions/s", "no open survey", "≥ 150/s", None))
        write_section("surveys_submit", "Ratings: submissions", ["run"], [], checks, notes, 60)
        return
    service, survey = found
    started = timezone.now()
    path, cookie, token, captcha_key = _csrf(base_url, service)
    bodies_file = RESULTS_DIR / "rating-bodies.txt"
    bodies_file.write_text("\n".join(_bodies(survey, service, token, captcha_key)) + "\n")
    out = RESULTS_DIR / "wrk" / "surveys-submit.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    env = dict(
        os.environ, BENCH_WRK_OUT=str(out), BENCH_BODIES_FILE=str(bodies_file), BENCH_COOKIE=cookie
    )
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}",
        "--timeout=10s",
        "--latency",
        "-s",
        str(BENCH_DIR / "wrk_rating.lua"),
        base_url + path,
    ]
    print(f"  wrk: POST {path} ({CONNECTIONS} connections, {DURATION})")
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True)
        (RESULTS_DIR / "wrk" / "surveys-submit.txt").write_text(completed.stdout + completed.stderr)
        summary = read_json(out)
        ours = Response.objects.filter(survey=survey, submitted_at__gte=started)
        in_database = ours.count()
        cases = RectificationCase.objects.filter(response__in=ours).count()
    finally:
        # Leave the bench database as it was: the ratings, the cases they opened and the
        # background tasks their saves queued (search documents of the cases, Wagtail's
        # reference index) for a worker the benchmark does not run.
        from django_tasks_db.models import DBTaskResult

        with transaction.atomic():
            mine = Response.objects.filter(survey=survey, submitted_at__gte=started)
            RectificationCase.objects.filter(response__in=mine).delete()
            mine.delete()
        # After the commit: deleting the cases queued their search documents' removal too.
        queued = Q()
        for name in RUN_TASKS:
            queued |= Q(task_path__endswith=name)
        DBTaskResult.objects.filter(queued, enqueued_at__gte=started).delete()
    if completed.returncode != 0 or summary is None:
        print(completed.stdout + completed.stderr, file=sys.stderr)
        checks.append(check("rating submissions/s", "wrk failed", "≥ 150/s", None))
        write_section("surveys_submit", "Ratings: submissions", ["run"], [], checks, notes, 60)
        return
    rows.append(
        [
            "POST rating (captcha test mode)",
            path,
            round(summary["stored_per_s"], 1),
            round(summary["p50_ms"], 1),
            round(summary["p95_ms"], 1),
            summary["stored"],
            summary["refused"] and f"{summary['refused']} × HTTP {summary['first_refusal']}…",
            in_database,
            cases,
        ]
    )
    clean = summary["refused"] == 0 and summary["socket_errors"] == 0
    checks.append(
        check(
            f"rating submissions/s ({CONNECTIONS} connections)",
            f"{summary['stored_per_s']:.0f}/s",
            f"≥ {SUBMISSIONS_PER_S:.0f}/s",
            summary["stored_per_s"] >= SUBMISSIONS_PER_S if clean else None,
        )
    )
    # A request still in flight when wrk stops is stored but not counted: at most one per
    # connection.
    checks.append(
        check(
            "every 302 is one stored rating",
            f"{summary['stored']} × 302, {in_database} stored",
            f"equal (+ ≤ {CONNECTIONS} in flight)",
            summary["stored"] <= in_database <= summary["stored"] + CONNECTIONS,
        )
    )
    workers = os.environ.get("BENCH_RATING_WORKERS", "?")
    notes.append(
        f"gunicorn ({workers} workers) with "
        f"SURVEYS_CAPTCHA_TEST_MODE=1 and SURVEYS_RATE_LIMIT raised; wrk -t{THREADS} "
        f"-c{CONNECTIONS} -d{DURATION}, one CSRF cookie and token, a User-Agent per request "
        "(a new resident each time); 1 in 10 ratings is poor and opens a case. The ratings and "
        "cases were deleted afterwards."
    )
    write_section(
        "surveys_submit",
        "Ratings: submissions through the form",
        [
            "run",
            "URL",
            "stored/s",
            "p50 ms",
            "p95 ms",
            "stored (302)",
            "refused",
            "rows in database",
            "cases opened",
        ],
        rows,
        checks,
        notes,
        order=60,
    )


# ---- aggregation of one million ratings ---------------------------------------------------


def _survey_rows():
    """(survey, service, channel, overall question, text question, option question, options)
    for every open survey's services: who the million ratings are spread over."""
    from django.utils import timezone

    from surveys.aggregation import overall_question
    from surveys.models import Survey, SurveyQuestion

    today = timezone.localdate()
    rows = []
    for survey in Survey.objects.prefetch_related("questions", "services").order_by("pk"):
        questions = sorted(survey.questions.all(), key=lambda q: (q.sort_order or 0, q.pk))
        overall = overall_question(questions)
        if not survey.is_open(today) or overall is None:
            continue
        text = next((q for q in questions if q.kind == SurveyQuestion.Kind.TEXT), None)
        chosen = next(
            (
                q
                for q in questions
                if q.kind in (SurveyQuestion.Kind.CHOICE, SurveyQuestion.Kind.MULTIPLE)
                and not q.show_if_key
                and q.display_options
            ),
            None,
        )
        for service in survey.services.all() or [None]:
            rows.append(
                (
                    survey.pk,
                    service.pk if service else None,
                    service.channel if service else "",
                    overall.pk,
                    text.pk if text else None,
                    chosen.pk if chosen else None,
                    chosen.display_options[0] if chosen else "",
                )
            )
    return rows


def _insert(cursor, month: datetime.date, count: int, pairs: int) -> int:
    """``count`` ratings of ``month`` in two statements: responses spread evenly over the
    services and the month's days; one overall answer each (55 % 5, 28 % 4, 10 % 3, 5 % 2,
    2 % 1), a comment on 12 % and a chosen option on 30 %. Returns the answers inserted."""
    from django.conf import settings

    from portal.months import next_month

    cursor.execute("SELECT setseed(0.2026)")
    cursor.execute(
        """
        INSERT INTO surveys_response
            (survey_id, service_id, channel, submitted_at, period, day, client_key, language,
             invalid_reason)
        SELECT p.survey_id, p.service_id, p.channel,
               (s.day + s.seconds * interval '1 second') AT TIME ZONE %(tz)s,
               %(month)s, s.day, %(key)s || s.g, 'zh-hans', ''
        FROM (SELECT g, %(month)s::date + (g %% %(days)s) AS day,
                     (random() * 86399)::int AS seconds
              FROM generate_series(1, %(count)s) AS g) AS s
        JOIN bench_rated AS p ON p.n = s.g %% %(pairs)s + 1
        """,
        {
            "tz": settings.TIME_ZONE,
            "month": month,
            "key": BENCH_KEY,
            "days": (next_month(month) - month).days,
            "count": count,
            "pairs": pairs,
        },
    )
    cursor.execute(
        """
        WITH r AS (
            SELECT r.id, p.overall_id, p.text_id, p.option_id, p.option,
                   random() AS level, random() AS comment, random() AS chosen
            FROM surveys_response AS r JOIN bench_surveys AS p USING (survey_id)
            WHERE r.client_key LIKE %(key)s AND r.period = %(month)s
        )
        INSERT INTO surveys_answer (response_id, question_id, level, choice, text)
        SELECT id, overall_id,
               CASE WHEN level < 0.55 THEN 5 WHEN level < 0.83 THEN 4 WHEN level < 0.93 THEN 3
                    WHEN level < 0.98 THEN 2 ELSE 1 END, '', ''
        FROM r
        UNION ALL
        SELECT id, text_id, NULL, '', '窗口排队时间较长，建议增加午间窗口。'
        FROM r WHERE text_id IS NOT NULL AND comment < 0.12
        UNION ALL
        SELECT id, option_id, NULL, option, '' FROM r WHERE option_id IS NOT NULL AND chosen < 0.3
        """,
        {"key": BENCH_KEY + "%", "month": month},
    )
    return cursor.rowcount


def aggregate(count: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from surveys.aggregation import aggregate_month

    month = timezone.localdate().replace(day=1)
    rows = _survey_rows()
    columns = ["step", "seconds", "rows"]
    if not rows:
        checks = [check("aggregate 1M ratings", "no open survey", "< 30 s", None)]
        write_section("surveys_aggregate", "Ratings: aggregation", columns, [], checks, [], 61)
        return
    steps = []
    # One transaction, rolled back at the end: the million ratings, their results and the
    # indicator values never reach another session, and even a run killed halfway leaves
    # nothing in the shared bench database.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_rated (n int, survey_id bigint, service_id bigint, "
            "channel text, overall_id bigint, text_id bigint, option_id bigint, option text) "
            "ON COMMIT DROP"
        )
        cursor.executemany(
            "INSERT INTO bench_rated VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(n, *row) for n, row in enumerate(rows, start=1)],
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_surveys ON COMMIT DROP AS SELECT DISTINCT survey_id, "
            "overall_id, text_id, option_id, option FROM bench_rated"
        )
        started = time.perf_counter()
        answers = _insert(cursor, month, count, len(rows))
        steps.append(
            [
                "insert (INSERT … SELECT generate_series)",
                time.perf_counter() - started,
                f"{count:,} ratings, {answers:,} answers",
            ]
        )
        started = time.perf_counter()
        # What autovacuum does soon after a bulk load: fresh statistics for the planner.
        cursor.execute("ANALYZE surveys_response")
        cursor.execute("ANALYZE surveys_answer")
        steps.append(["ANALYZE", time.perf_counter() - started, ""])

        started = time.perf_counter()
        result = aggregate_month(month)  # the monthly job, as the command runs it
        elapsed = time.perf_counter() - started
        steps.append(
            [
                f"aggregate_month({month:%Y-%m})",
                elapsed,
                f"{result.responses:,} ratings → {result.results_written} results, "
                f"{len(result.measurements)} indicator scores",
            ]
        )
        transaction.set_rollback(True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The rolled-back rows still take space until vacuumed: give it back now, so the shared
        # bench database does not grow run after run.
        cursor.execute("VACUUM surveys_response, surveys_answer")
    steps.append(["rollback, VACUUM", time.perf_counter() - started, "nothing left"])
    checks = [
        check(
            f"aggregate {count:,} ratings",
            f"{elapsed:.1f} s",
            f"< {AGGREGATION_S:.0f} s",
            elapsed < AGGREGATION_S and result.responses >= count,
        )
    ]
    notes = [
        f"{count:,} ratings of {month:%Y-%m} spread over {len(rows)} services of "
        f"{len({r[0] for r in rows})} open surveys, inserted, analysed and aggregated "
        "(results, indicator values, statuses and scores) in one transaction that was then "
        "rolled back: nothing stays in the bench database."
    ]
    write_section(
        "surveys_aggregate",
        "Ratings: aggregating a month",
        columns,
        [[name, round(seconds, 1), what] for name, seconds, what in steps],
        checks,
        notes,
        order=61,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["submit", "aggregate"])
    parser.add_argument("--base-url")
    parser.add_argument("--responses", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django()
    if args.mode == "submit":
        submit(args.base_url.rstrip("/"))
    else:
        aggregate(args.responses)


if __name__ == "__main__":
    main()
