"""What the heavy pages cost next to naive versions of themselves: CPU and bytes, and a phase change.

    .venv/bin/python bench/board_bench.py [--issues 500] [--actions 200] [--people 100] [--rounds 5]

Builds a throwaway workshop in an in-memory SQLite database (500 issues with dots and
scores, 200 actions with owners, issues and prerequisites, 100 participants), defines a
bare view and naive pages itself (one template loop each, numbers by subquery, one form
per item, Django's template engine), and measures through the whole WSGI stack and
middleware with DEBUG off, as in production:

  * CPU ms per request (time.process_time, median of --rounds after warming up: this
    process runs Django and SQLite both) and bytes, raw and gzipped, for the issues
    board as facilitator, participant and observer, the roadmap builder, the overview,
    the console and the projector, each next to its naive rendering and the bare view;
  * a phase change seen by 100 open pages: the poll that finds it plus the new phase's
    page fetched by each, summed, next to 20 naive board renders (the bound).

The naive pages show the same content (titles, descriptions, badges, numbers, a form per
item) without the app's sharing or live machinery: what a first version would write.
"""

import argparse
import gzip
import html
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import live_bench  # noqa: E402  (the same throwaway database, WSGI caller and workshop)

NAIVE_BOARD = """{% load i18n %}<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ workshop.title }}</title><link rel="stylesheet" href="/static/css/app.css"></head>
<body><main><h1>{% translate "Gaps and issues" %}</h1>
{% for issue in issues %}<article class="item" id="issue-{{ issue.pk }}">
<h3>{{ issue.title }}</h3><p class="meta">{% if issue.theme %}<span class="badge">{{ issue.theme.name }}</span>{% endif %}
{% if issue.author %}<span class="muted">{{ issue.author.display_name }}</span>{% endif %}</p>
<p>{{ issue.description|linebreaksbr }}</p>
<p class="counts"><strong>{{ issue.dot_total|default:0 }}</strong> {% translate "dots" %} ·
{% translate "Impact" %} {{ issue.impact_mean|floatformat:1 }} · {% translate "Feasibility" %} {{ issue.feasibility_mean|floatformat:1 }}</p>
<form method="post" action="/naive/issues/{{ issue.pk }}/">{% csrf_token %}
<button name="dots" value="1">+</button>
<select name="impact">{% for n in scale %}<option value="{{ n }}">{{ n }}</option>{% endfor %}</select>
<select name="feasibility">{% for n in scale %}<option value="{{ n }}">{{ n }}</option>{% endfor %}</select>
<button>{% translate "Score" %}</button></form></article>
{% endfor %}</main></body></html>"""

NAIVE_ROADMAP = """{% load i18n %}<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ workshop.title }}</title></head><body><main><h1>{% translate "Roadmap" %}</h1>
{% for milestone in milestones %}<section><h2>{{ milestone.year }}: {{ milestone.title }}</h2></section>{% endfor %}
{% for action in actions %}<article class="item" id="action-{{ action.pk }}">
<h3>{{ action.title }}</h3><p>{{ action.start_year }}–{{ action.end_year }} · {{ action.get_status_display }} · {{ action.progress }} %</p>
<p>{{ action.description }}</p>
<p>{% for owner in action.owners.all %}<span class="badge">{{ owner.name }}</span> {% endfor %}</p>
<ul>{% for issue in action.addresses.all %}<li>{{ issue.title }}</li>{% endfor %}</ul>
<p>{% for other in action.depends_on.all %}{{ other.title }}; {% endfor %}</p>
<form method="post" action="/naive/actions/{{ action.pk }}/">{% csrf_token %}
<input type="number" name="progress" value="{{ action.progress }}"><button>{% translate "Save" %}</button></form>
</article>{% endfor %}</main></body></html>"""

NAIVE_OVERVIEW = """{% load i18n %}<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ workshop.title }}</title></head><body><main><h1>{{ workshop.title }}</h1>
<p>{{ workshop.get_phase_display }} · {{ participants|length }} {% translate "participants" %}</p>
<h2>{% translate "Issues" %}</h2><ol>{% for issue in top %}<li>{{ issue.title }} ({{ issue.dot_total|default:0 }})</li>{% endfor %}</ol>
<h2>{% translate "Actions" %}</h2><ul>{% for action in actions %}<li>{{ action.title }} {{ action.start_year }}–{{ action.end_year }} {{ action.progress }} %</li>{% endfor %}</ul>
<a href="/export.pdf">PDF</a></main></body></html>"""

NAIVE_CONSOLE = """{% load i18n %}<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ workshop.title }}</title></head><body><main><h1>{% translate "Console" %}</h1>
<form method="post" action="/naive/move/">{% csrf_token %}<select name="to">{% for value, label in phases %}<option value="{{ value }}">{{ label }}</option>{% endfor %}</select><button>{% translate "Move" %}</button></form>
<h2>{% translate "People" %}</h2><ul>{% for person in participants %}<li>{{ person.display_name }} · {{ person.get_sector_display }}</li>{% endfor %}</ul>
<h2>{% translate "Activity" %}</h2><ul>{% for row in activity %}<li>{{ row.summary }}</li>{% endfor %}</ul>
<h2>{% translate "Moderation" %}</h2>{% for issue in issues %}<form method="post" action="/naive/hide/{{ issue.pk }}/">{% csrf_token %}{{ issue.title }} <button>{% translate "Hide" %}</button></form>{% endfor %}
</main></body></html>"""

NAIVE_PROJECTOR = """{% load i18n %}<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ workshop.title }}</title></head><body class="projector"><main><h1>{% translate "Gaps and issues" %}</h1>
{% for issue in issues %}<article class="item"><h3>{{ issue.title }}</h3><p>{{ issue.description }}</p>
<p><strong>{{ issue.dot_total|default:0 }}</strong> {% translate "dots" %} · {% translate "Impact" %} {{ issue.impact_mean|floatformat:1 }} · {% translate "Feasibility" %} {{ issue.feasibility_mean|floatformat:1 }}</p></article>
{% endfor %}</main></body></html>"""


def naive_issues(workshop_id):
    from django.db.models import Avg, OuterRef, Subquery, Sum

    from visions.models import Issue, IssueScore, IssueVote

    votes = IssueVote.objects.filter(issue=OuterRef("pk")).values("issue").annotate(t=Sum("dots")).values("t")
    scores = IssueScore.objects.filter(issue=OuterRef("pk")).values("issue")
    return (
        Issue.objects.filter(workshop_id=workshop_id)
        .select_related("theme", "author")
        .annotate(
            dot_total=Subquery(votes),
            impact_mean=Subquery(scores.annotate(m=Avg("impact")).values("m")),
            feasibility_mean=Subquery(scores.annotate(m=Avg("feasibility")).values("m")),
        )
        .order_by("id")
    )


def naive_render(request, source, context):
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string(source)
    return HttpResponse(template.render(context, request))


def naive_board(request, pk):
    from visions.models import Workshop

    workshop = Workshop.objects.get(pk=pk)
    context = {"workshop": workshop, "issues": naive_issues(pk), "scale": range(1, 6)}
    return naive_render(request, NAIVE_BOARD, context)


def naive_projector(request, pk):
    from visions.models import Workshop

    workshop = Workshop.objects.get(pk=pk)
    return naive_render(request, NAIVE_PROJECTOR, {"workshop": workshop, "issues": naive_issues(pk).filter(hidden=False)})


def naive_roadmap(request, pk):
    from visions.models import Action, Milestone, Workshop

    workshop = Workshop.objects.get(pk=pk)
    actions = Action.objects.filter(workshop_id=pk).prefetch_related("owners", "addresses", "depends_on").order_by("start_year", "id")
    context = {"workshop": workshop, "actions": actions, "milestones": Milestone.objects.filter(workshop_id=pk).order_by("-year")}
    return naive_render(request, NAIVE_ROADMAP, context)


def naive_overview(request, pk):
    from visions.models import Action, Participant, Workshop

    workshop = Workshop.objects.get(pk=pk)
    context = {
        "workshop": workshop,
        "participants": list(Participant.objects.filter(workshop_id=pk)),
        "top": naive_issues(pk).order_by("-dot_total")[:10],
        "actions": Action.objects.filter(workshop_id=pk),
    }
    return naive_render(request, NAIVE_OVERVIEW, context)


def naive_console(request, pk):
    from visions.models import Activity, Issue, Participant, Phase, Workshop

    workshop = Workshop.objects.get(pk=pk)
    context = {
        "workshop": workshop,
        "phases": Phase.choices,
        "participants": Participant.objects.filter(workshop_id=pk).order_by("id"),
        "activity": Activity.objects.filter(workshop_id=pk).order_by("-id")[:30],
        "issues": Issue.objects.filter(workshop_id=pk).order_by("id"),
    }
    return naive_render(request, NAIVE_CONSOLE, context)


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("<!doctype html><p>ok</p>")


def urlpatterns_for_bench():
    from django.urls import include, path

    return [
        path("bench/bare/", bare),
        path("bench/naive/<int:pk>/board/", naive_board),
        path("bench/naive/<int:pk>/projector/", naive_projector),
        path("bench/naive/<int:pk>/roadmap/", naive_roadmap),
        path("bench/naive/<int:pk>/overview/", naive_overview),
        path("bench/naive/<int:pk>/console/", naive_console),
        path("", include("futurecenter.urls")),
    ]


def setup_django():
    live_bench.setup_django()
    from django.conf import settings

    sys.modules[__name__].urlpatterns = urlpatterns_for_bench()
    settings.ROOT_URLCONF = __name__


def build_roadmap(workshop, people, issues, action_count):
    from visions.models import Action, ActionDependency, ActionIssue, ActionOwner, Milestone, Stakeholder

    owners = Stakeholder.objects.bulk_create(
        Stakeholder(workshop=workshop, name=f"Stakeholder {n}", sector=["government", "academia", "industry", "citizen"][n % 4])
        for n in range(20)
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(workshop=workshop, year=2030 + 5 * n, title=f"Milestone {n}: what must be true by then") for n in range(5)
    )
    actions = Action.objects.bulk_create(
        Action(
            workshop=workshop,
            title=f"Action number {n}: something someone will do",
            description="Who does what, with which money, and how the group will know it worked.",
            start_year=2026 + n % 10,
            end_year=2036 + n % 14,
            milestone=milestones[n % len(milestones)],
            progress=(n * 7) % 101,
        )
        for n in range(action_count)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=action, stakeholder=owners[(n + k) % len(owners)]) for n, action in enumerate(actions) for k in range(2)
    )
    ActionIssue.objects.bulk_create(
        ActionIssue(action=action, issue=issues[(n * 3 + k) % len(issues)]) for n, action in enumerate(actions) for k in range(2)
    )
    ActionDependency.objects.bulk_create(
        ActionDependency(action=action, prerequisite=actions[n - 1]) for n, action in enumerate(actions) if n % 3 and n
    )
    return actions


def created(workshop):
    """The activity row a workshop made through the app starts with (the bench bulk-creates its rows)."""
    from visions.models import Activity

    Activity.objects.create(workshop=workshop, verb="created", subject_type="workshop", subject_id=workshop.pk,
                            summary=workshop.title, changes={})


def facilitator_cookie(workshop):
    from django.conf import settings
    from django.test import Client

    from visions.workshops.views import join_as_facilitator

    user = workshop.facilitators.get()
    join_as_facilitator(workshop, user)
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}", client


class Measure:
    def __init__(self, server, rounds):
        self.server, self.rounds = server, rounds

    def page(self, path, cookie=""):
        """(warm CPU, bytes, gzipped bytes, cold CPU): cold is the first render with nothing kept."""
        clear_caches()
        cold = self.server.cpu(path, cookie)[0]
        self.server.get(path, cookie)
        runs = [self.server.cpu(path, cookie) for _ in range(self.rounds)]
        assert all(status == 200 for _, status, _ in runs), (path, [status for _, status, _ in runs])
        body = runs[-1][2]
        return statistics.median(spent for spent, _, _ in runs), len(body), len(gzip.compress(body, 6)), cold


def clear_caches():
    from django.core.cache import caches

    from visions.documents import snapshot

    for cache in caches.all():
        cache.clear()
    if hasattr(snapshot, "SNAPSHOTS"):
        snapshot.SNAPSHOTS.clear()


def phase_change(server, board, workshop, people, fac_client, naive_ms):
    """The group moves to the issues phase with 100 pages open: each page's poll, then its new page."""
    from django.urls import reverse

    from django.conf import settings

    from visions import live
    from visions.live.access import session_mac
    from visions.live.pages import PAGE_PHASE, poll_url
    from visions.models import Phase

    fac_client.post(reverse("phase_move", args=[workshop.pk]), {"to": Phase.CURRENT_STATE, "confirmed": "on"})
    since = live.last_activity_id(workshop.pk)
    # Each open page: its poll address, its browser's session cookie and the token its poller sends.
    opened = []
    for person in people:
        key = live_bench.session_for(person)
        viewer = live.Viewer(
            workshop_id=workshop.pk, participant_id=person.pk, role=person.role, is_facilitator=False,
            session_mac=session_mac(key),
        )
        address = poll_url(viewer, since, Phase.CURRENT_STATE, PAGE_PHASE, True, True)
        opened.append((address, f"{settings.SESSION_COOKIE_NAME}={key}", viewer.token()))
    fac_client.post(reverse("phase_move", args=[workshop.pk]), {"to": Phase.ISSUES, "confirmed": "on"})
    # As in a process that has not shown the board yet: nothing rendered or loaded is kept.
    live.DELTA_MEMO.clear()
    clear_caches()
    poll_cpu = page_cpu = 0.0
    worst = 0.0
    for path, cookie, token in opened:
        spent, status, body = server.cpu(path, cookie, token)
        assert status == 200, status
        follow = re.search(rb'data-follow-url="([^"]+)"', body)
        assert follow, body[:300]
        poll_cpu += spent
        spent, status, body = server.cpu(html.unescape(follow.group(1).decode()), cookie)
        assert status == 200, status
        page_cpu += spent
        worst = max(worst, spent)
    total = poll_cpu + page_cpu
    return total, poll_cpu, page_cpu, worst, total / (20 * naive_ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    setup_django()
    from django.urls import reverse

    from visions.models import Issue, Participant, Phase, Role

    workshop, people, issues = live_bench.build(args.issues, args.people)
    build_roadmap(workshop, people, issues, args.actions)
    created(workshop)
    observer = Participant.objects.create(workshop=workshop, display_name="Watcher", role=Role.OBSERVER)
    fac_cookie, fac_client = facilitator_cookie(workshop)
    person_cookie = live_bench.session_cookie_for(people[0])
    observer_cookie = live_bench.session_cookie_for(observer)
    server = live_bench.Server()
    measure = Measure(server, args.rounds)
    pk = workshop.pk
    board = reverse("phase_page", args=[pk, Phase.ISSUES])

    bare = measure.page("/bench/bare/")
    naive = measure.page(f"/bench/naive/{pk}/board/")
    rows = [
        ("issues board, facilitator", measure.page(board, fac_cookie), naive),
        ("issues board, participant", measure.page(board, person_cookie), naive),
        ("issues board, observer", measure.page(board, observer_cookie), naive),
        ("roadmap builder, facilitator", measure.page(reverse("roadmap", args=[pk]), fac_cookie),
         (naive_roadmap_row := measure.page(f"/bench/naive/{pk}/roadmap/"))),
        ("roadmap builder, participant", measure.page(reverse("roadmap", args=[pk]), person_cookie), naive_roadmap_row),
        ("overview, facilitator", measure.page(reverse("workshop_detail", args=[pk]), fac_cookie),
         measure.page(f"/bench/naive/{pk}/overview/")),
        ("console", measure.page(reverse("console", args=[pk]), fac_cookie), measure.page(f"/bench/naive/{pk}/console/")),
        ("projector (issues)", measure.page(reverse("projector", args=[pk]), fac_cookie),
         measure.page(f"/bench/naive/{pk}/projector/")),
    ]

    ms = 1000
    items = Issue.objects.filter(workshop=workshop).count()
    print(f"Board bench: {items} issues, {args.actions} actions, {len(people)} participants; SQLite in memory, DEBUG off;")
    print(f"CPU ms per request (median of {args.rounds}), bytes raw and gzipped")
    print()
    print("(cold: the first render in a process that keeps nothing yet; the other figures are warm)")
    print()
    print(f"  {'page':<30} {'CPU ms':>8} {'cold ms':>8} {'bytes':>10} {'gzip':>8} | {'naive ms':>8} {'naive B':>9} |"
          f" {'x naive':>7} {'x bare':>7}")
    print(f"  {'bare Django view':<30} {bare[0] * ms:8.1f} {'':>8} {bare[1]:10,d} {bare[2]:8,d} |")
    print(f"  {'naive issues board':<30} {naive[0] * ms:8.1f} {'':>8} {naive[1]:10,d} {naive[2]:8,d} |")
    for label, (cpu, raw, zipped, cold), (naive_cpu, naive_raw, _z, _c) in rows:
        print(
            f"  {label:<30} {cpu * ms:8.1f} {cold * ms:8.1f} {raw:10,d} {zipped:8,d} | {naive_cpu * ms:8.1f} {naive_raw:9,d} |"
            f" {cpu / naive_cpu:7.2f} {cpu / bare[0]:7.0f}"
        )
    print()
    total, polls, pages, worst, ratio = phase_change(server, board, workshop, people, fac_client, naive[0])
    print(f"phase change seen by {len(people)} open pages (poll that finds it + the new phase's page, each):")
    print(f"  total {total * ms:,.0f} ms CPU (polls {polls * ms:,.0f}, pages {pages * ms:,.0f}, slowest page {worst * ms:.1f})"
          f" = {ratio * 20:.1f} naive board renders (bound: 20), {ratio:.2f} of the bound")


urlpatterns = []  # filled by setup_django()

if __name__ == "__main__":
    main()
