"""What keeping pages live costs the server: one change seen by 100 open pages, and idle checks.

    .venv/bin/python bench/live_bench.py [--pages 100] [--issues 500] [--idle 2000]

Builds a throwaway workshop in an in-memory SQLite database (500 issues with dots and
scores, 100 participants), then measures server CPU (time.process_time: this process
runs Django and SQLite both) through the whole WSGI stack and middleware, with DEBUG
off as in production, and prints:

  * one full render of the 500-item issues board (what a page load costs);
  * one change (a dot, a new issue, a score) seen by 100 open pages through the delta
    path: the sum over the 100 polls that find the change and render only it;
  * the idle check (a poll when nothing changed) per request, its query count, next
    to a bare Django view (returns 204, no database) through the same middleware.

Requests carry Accept-Language as browsers do, and a poll its session cookie and its
poller's X-Viewer-Token header. With PostgreSQL the database's own CPU
is spent in its server process and is not in these figures; the query counts are.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "futurecenter.settings")
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite database
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    # Production runs without DEBUG: no query log on every cursor. (Settings were read with
    # DEBUG on, so static files need no manifest.)
    settings.DEBUG = False
    # The project's addresses plus a bare view to compare with, from this module.
    sys.modules[__name__].urlpatterns = urlpatterns_for_bench()
    settings.ROOT_URLCONF = __name__


def bare(request):
    from django.http import HttpResponse

    return HttpResponse(status=204)


def urlpatterns_for_bench():
    from django.urls import include, path

    return [path("bench/bare/", bare), path("", include("futurecenter.urls"))]


class Server:
    """Calls the WSGI application the way a server process does, and times it in CPU seconds."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()

    def environ(self, path, cookies="", token=""):
        from urllib.parse import urlsplit

        parts = urlsplit(path)
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "HTTP_ACCEPT_LANGUAGE": "en",
            "HTTP_HX_REQUEST": "true",
            "HTTP_COOKIE": cookies,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if token:
            environ["HTTP_X_VIEWER_TOKEN"] = token  # what a page's poller sends (hx-headers)
        return environ

    def get(self, path, cookies="", token=""):
        status = []

        def start_response(line, headers, exc_info=None):
            status.append(int(line.split()[0]))

        body = b"".join(self.app(self.environ(path, cookies, token), start_response))
        return status[0], body

    def cpu(self, path, cookies="", token=""):
        start = time.process_time()
        status, body = self.get(path, cookies, token)
        return time.process_time() - start, status, body


def build(issue_count, page_count):
    import datetime

    from django.contrib.auth import get_user_model

    from visions.models import (
        Assessment,
        Issue,
        IssueScore,
        IssueVote,
        Participant,
        Phase,
        Target,
        Theme,
        Vision,
        Workshop,
    )

    user = get_user_model().objects.create_user("bench", password=None)
    workshop = Workshop.objects.create(
        title="Bench 2050", base_year=2026, target_year=2050, language="en", phase=Phase.ISSUES, dot_budget=5
    )
    workshop.facilitators.add(user)
    people = Participant.objects.bulk_create(
        Participant(workshop=workshop, display_name=f"Person {n}", sector=["government", "academia", "industry", "citizen"][n % 4])
        for n in range(page_count)
    )
    themes = [Theme.objects.create(workshop=workshop, name=f"Theme {n}") for n in range(6)]
    vision = Vision.objects.create(workshop=workshop, statement="Bench vision", target_year=2050, status="adopted")
    for n in range(3):
        target = Target.objects.create(
            workshop=workshop, vision=vision, indicator=f"Indicator {n}", unit="%", direction="increase",
            target_value=90, target_year=2050,
        )
        for year, value in ((2022, 40 + n), (2024, 45 + n)):
            Assessment.objects.create(target=target, value=value, as_of=datetime.date(year, 4, 1))
    derived = Issue.objects.filter(workshop=workshop).count()
    issues = Issue.objects.bulk_create(
        Issue(
            workshop=workshop,
            title=f"Issue number {n}: something the group should solve",
            description="A sentence or two that explains the issue in the participant's words.",
            author=people[n % page_count],
            theme=themes[n % len(themes)],
        )
        for n in range(issue_count - derived)
    )
    IssueVote.objects.bulk_create(
        IssueVote(issue=issues[(p * 7 + k) % len(issues)], participant=person, dots=1)
        for p, person in enumerate(people[1:])
        for k in range(4)
    )
    IssueScore.objects.bulk_create(
        IssueScore(issue=issue, participant=people[1 + n % (page_count - 1)], impact=1 + n % 5, feasibility=1 + (n * 3) % 5)
        for n, issue in enumerate(issues)
    )
    return workshop, people, issues


def session_for(participant):
    from django.contrib.sessions.backends.db import SessionStore

    from visions.live.access import remember_participant

    store = SessionStore()
    remember_participant(store, participant)
    store.save()
    return store.session_key


def session_cookie_for(participant):
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={session_for(participant)}"


def open_pages(workshop, people):
    """Each participant's open issues page: its poll address, session cookie and viewer token."""
    from django.conf import settings

    from visions import live
    from visions.live.access import session_mac
    from visions.live.pages import PAGE_PHASE, poll_url

    since = live.last_activity_id(workshop.pk)
    pages = []
    for person in people:
        key = session_for(person)
        viewer = live.Viewer(
            workshop_id=workshop.pk, participant_id=person.pk, role=person.role, is_facilitator=False,
            session_mac=session_mac(key),
        )
        address = poll_url(viewer, since, "issues", PAGE_PHASE, True, True)
        pages.append((address, f"{settings.SESSION_COOKIE_NAME}={key}", viewer.token()))
    return pages


def seen_by_all(server, pages, processes):
    """CPU to deliver the latest change to every open page; the pages' next poll addresses.

    The pages' polls are spread over `processes` app processes: each renders the delta once
    (its memo starts empty), the others of its share are served from its memo.
    """
    import html
    import re

    from visions import live

    total = 0.0
    following = []
    share = -(-len(pages) // processes)
    for number, (address, cookie, token) in enumerate(pages):
        if number % share == 0:
            live.DELTA_MEMO.clear()  # the next process
        spent, status, body = server.cpu(address, cookie, token)
        assert status == 200, status
        total += spent
        address = html.unescape(re.search(rb'id="live-poll" hx-get="([^"]+)"', body).group(1).decode())
        following.append((address, cookie, token))
    return total, following, len(body)


def count_queries(server, path, cookies="", token=""):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        server.get(path, cookies, token)
    return len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--idle", type=int, default=2000)
    args = parser.parse_args()

    setup_django()
    from django.test import Client
    from django.urls import reverse

    from visions.models import Issue

    workshop, people, issues = build(args.issues, args.pages)
    server = Server()
    me = people[0]
    cookie = session_cookie_for(me)
    board = reverse("phase_page", args=[workshop.pk, "issues"])
    client = Client(headers={"Accept-Language": "en"})
    client.cookies.load(cookie)

    # Warm the template cache and the connection, as a running process has.
    for _ in range(2):
        server.get(board, cookie)
    renders = [server.cpu(board, cookie) for _ in range(5)]
    assert all(status == 200 for _, status, _ in renders)
    full_render = statistics.median(spent for spent, _, _ in renders)
    board_queries = count_queries(server, board, cookie)
    item_count = Issue.objects.filter(workshop=workshop).count()

    pages = open_pages(workshop, people)
    spreads = [1, 4, len(people)]
    results = {}

    def change(label, act, processes):
        nonlocal pages
        act()
        spent, pages, size = seen_by_all(server, pages, processes)
        results[label, processes] = (spent, size)

    target_issue = issues[len(issues) // 2]
    changes = [
        ("a dot on one issue", lambda n: {"dots": 1 + n % 2}, "issue_vote"),
        ("a new issue", lambda n: {"title": f"Buses stop at six ({n})"}, "issue_add"),
        ("a score (counts, matrix dot, ranking)", lambda n: {"impact": 1 + n % 5, "feasibility": 5}, "issue_score"),
    ]
    change("warm-up", lambda: client.post(reverse("issue_vote", args=[workshop.pk, issues[0].pk]), {"dots": 1}), 1)
    for round_number, processes in enumerate(spreads):
        for label, data, name in changes:
            url_args = [workshop.pk] if name == "issue_add" else [workshop.pk, target_issue.pk]
            change(label, lambda: client.post(reverse(name, args=url_args), data(round_number)), processes)

    # The idle check as a page's poller sends it: the address, its token header, the session cookie.
    idle_page = pages[0]
    status, _ = server.get(*idle_page)
    assert status == 204, status
    idle_queries = count_queries(server, *idle_page)
    bare_path = "/bench/bare/"
    for _ in range(50):
        server.get(*idle_page)
        server.get(bare_path, idle_page[1])
    idle_cpu, bare_cpu, idle_wall = [], [], []
    for _ in range(args.idle):
        start_wall = time.perf_counter()
        spent, status, _ = server.cpu(*idle_page)
        idle_wall.append(time.perf_counter() - start_wall)
        idle_cpu.append(spent)
        spent, status, _ = server.cpu(bare_path, idle_page[1])
        bare_cpu.append(spent)
    bare_queries = count_queries(server, bare_path)

    ms = 1000
    print(f"Live workshop bench: {item_count} items on the issues board, {len(people)} open pages, SQLite in memory, DEBUG off")
    print()
    print(f"full board render (one page load, {item_count} items): {full_render * ms:8.1f} ms CPU, {board_queries} queries")
    print()
    print(f"one change seen by {len(people)} open pages: delta path, CPU summed over the {len(people)} polls that")
    print(f"deliver it, with the pages spread over 1, 4 or {len(people)} app processes (each renders the delta once):")
    print(f"  {'change':<40} {'1 process':>12} {'4 processes':>12} {f'{len(people)} processes':>15} {'bytes/page':>11}")
    for label, _data, _name in changes:
        cells = [results[label, processes][0] for processes in spreads]
        print(
            f"  {label:<40} "
            + " ".join(f"{spent * ms:9.1f} ms" + ("" if spent < full_render else "!") + ("  " if n < 2 else "     ")
                       for n, spent in enumerate(cells))
            + f"{results[label, 1][1]:8d}"
        )
    print(f"  (! = more than one full render. A full re-render on every page would cost {full_render * len(people) * ms:,.0f} ms.)")
    print()
    print(f"idle check (nothing changed, answered 204): {statistics.mean(idle_cpu) * ms:6.3f} ms CPU per request "
          f"(median {statistics.median(idle_cpu) * ms:.3f}), {idle_queries} query, {statistics.median(idle_wall) * ms:.3f} ms wall")
    print(f"bare Django view (204, same middleware):  {statistics.mean(bare_cpu) * ms:6.3f} ms CPU per request "
          f"(median {statistics.median(bare_cpu) * ms:.3f}), {bare_queries} queries")
    print(f"  {args.idle} requests each; an idle page polls every 2 s, so 100 idle pages cost "
          f"{statistics.mean(idle_cpu) * 50 * 1000:.0f} ms CPU per second of workshop "
          f"({statistics.mean(idle_cpu) * 50 * 100:.1f} % of one core)")


urlpatterns = []  # filled by setup_django()

if __name__ == "__main__":
    main()
