"""The one live mechanism: every page that shows workshop content is a board that follows the group.

A board renders itself whole for a page load and, for the live poll, only the items a run
of activity rows names (`delta`). Each board declares the changes it shows (`shows`, named
constants declared next to the writes that record them); the poll's idle check asks for
just those, answers 204 when none came, and otherwise sends the board's fragments as htmx
out-of-band swaps plus the page's poller with its new revision.

Page kinds: a phase page (`phase`, one board per phase), the projector (the current
phase's board, read-only, large), the console, the roadmap builder and the overview.
All of them show the workshop itself (phase, lock, timer: the banner) and move with the
group when they follow it.
"""

import hashlib
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from visions.live import access, activity, timer
from visions.live.activity import Changes, Subject, declare
from visions.models import Phase, Workshop

POLL_SECONDS = 2
PAGE_PHASE, PAGE_PROJECTOR, PAGE_CONSOLE, PAGE_BUILDER, PAGE_OVERVIEW, PAGE_THEMES = (
    "phase",
    "projector",
    "console",
    "builder",
    "overview",
    "themes",
)
FACILITATOR_PAGES = {PAGE_PROJECTOR, PAGE_CONSOLE, PAGE_THEMES}
# Query parameters of a page that its deltas need too (the roadmap builder's issue filter).
PAGE_QUERY = ("issues", "show")
# The poller sends its viewer token in this header (hx-headers), never in the address: an
# address lands in access logs and browser history.
TOKEN_HEADER = "X-Viewer-Token"
# Fragments rendered once and shared across viewers (visions/phases/issue_cards.py) carry this
# in place of a CSRF token; render_page puts the request's own token there (one serves all forms).
CSRF_PLACEHOLDER = "csrf-token-of-this-page"

# The workshop itself (phase, lock, timer, settings): every page shows it in its banner.
WORKSHOP_UPDATED = declare(Subject.WORKSHOP, "updated")


def phase_url(workshop_id, phase):
    return reverse("phase_page", args=[workshop_id, phase])


@dataclass
class Fragment:
    """One out-of-band swap: a partial rendered for `row`, put in place, appended, or removed."""

    template: str = ""
    row: object = None
    mode: str = "replace"  # replace | append | delete
    dom_id: str = ""
    container: str = ""
    svg: bool = False  # SVG elements must arrive inside <svg> to be parsed as SVG
    personal: bool = False  # shows the viewer's own numbers: the delta cannot be shared

    @classmethod
    def delete(cls, dom_id):
        return cls(mode="delete", dom_id=dom_id)

    @classmethod
    def upsert(cls, template, row, dom_id, container, svg=False, personal=False):
        """Insert at the end of `container`; live.js removes a copy already there, so it never doubles.

        (A delete sent first would log htmx:oobErrorNoTarget in every console for every new item.)
        """
        return [cls(template, row, "append", dom_id, container, svg, personal)]


class Board:
    """A kind of page: what it shows whole, and what it redraws after which changes."""

    kind = None  # a phase's value, or one of the other page kinds
    phase = None  # the phase the page belongs to, if any
    template = None
    shows = frozenset()  # the Changes this page redraws something for (besides the workshop's own)

    def page(self, viewer, context):
        """Everything the whole page shows; a fixed number of queries whatever the size."""
        return {}

    def delta(self, viewer, changes, context):
        """Fragments for the items `changes` names, rendered for `viewer`."""
        return []

    @property
    def subjects(self):
        return {change.subject for change in self.shows} | {Subject.WORKSHOP}

    @property
    def key(self):
        """Where BOARDS keeps it: its kind (the projector has one board per phase)."""
        return self.kind


def item_fragments(changes, subject, found, *, prefix, card, body, container, viewer=None):
    """One changed item each: removed when gone, inserted when it (re)appeared, else its body redrawn.

    `found` maps the changed ids to their items as they are now (None for gone ones).
    """
    fragments = []
    for pk in sorted(found):
        item = found[pk]
        if item is None:
            fragments.append(Fragment.delete(f"{prefix}-{pk}"))
        elif changes.appeared(subject, pk, viewer):
            fragments += Fragment.upsert(card, item, f"{prefix}-{pk}", container)
        else:
            fragments.append(Fragment(body, item))
    return fragments


def delta_workshop(viewer, context):
    """The workshop for a delta that redraws a whole region (a delta loads it only when it changed)."""
    if context["workshop"] is None:
        context["workshop"] = viewer.workshop = Workshop.objects.get(pk=viewer.workshop_id)
    return context["workshop"]


BOARDS = {}


def register(board):
    """Make `board` the page of its kind (phase modules register theirs when imported)."""
    BOARDS[board.key] = board
    return board


def board_for(view, page_phase):
    if view == PAGE_PROJECTOR:
        return BOARDS.get((PAGE_PROJECTOR, page_phase))
    if view == PAGE_PHASE:
        return BOARDS.get(page_phase)
    return BOARDS.get(view)


# --- page context ---------------------------------------------------------------------


def phase_steps(viewer, workshop, page_phase):
    return [
        {
            "value": value,
            "label": label,
            "number": access.phase_index(value) + 1,
            "current": value == workshop.phase,
            "shown": value == page_phase,
            "url": phase_url(workshop.pk, value) if viewer.may_view_phase(value) else None,
        }
        for value, label in Phase.choices
    ]


def is_writable(viewer, workshop, page_phase, view):
    """Whether the page shows contribution controls (the server decides again on every write)."""
    if view in (PAGE_PROJECTOR, PAGE_OVERVIEW) or not viewer.can_contribute:
        return False
    # The roadmap is kept up to date after the workshop too: its writes are not tied to a phase.
    return viewer.is_facilitator or view == PAGE_BUILDER or page_phase == workshop.phase


def is_following(view, workshop, page_phase):
    """Whether the page moves when the group does: the projector always, a phase's pages in it."""
    return view == PAGE_PROJECTOR or (view in (PAGE_PHASE, PAGE_BUILDER) and page_phase == workshop.phase)


def follow_url(view, workshop):
    if view == PAGE_PROJECTOR:
        return reverse("projector", args=[workshop.pk])
    return phase_url(workshop.pk, workshop.phase)


def common_context(viewer, page_phase, view, query=None):
    workshop = viewer.workshop
    # Read the revision before anything else: a change committed while the page loads is
    # then delivered again by the first poll (harmless) instead of being missed.
    revision = activity.revision(workshop.pk)
    since = revision[0] if revision else 0
    writable = is_writable(viewer, workshop, page_phase, view)
    following = is_following(view, workshop, page_phase)
    query = {key: value for key, value in (query or {}).items() if key in PAGE_QUERY and value}
    return {
        "row": None,  # partials render `row` when a delta sends them alone, else their page's name
        "revision": revision,  # what a page may share with others of the same revision (None: nothing)
        "workshop": workshop,
        "viewer": viewer,
        "page_phase": page_phase,
        "page_phase_label": Phase(page_phase).label if page_phase else "",
        "view": view,
        "projector": view == PAGE_PROJECTOR,
        "writable": writable,
        "following": following,
        "page_query": query,
        "steps": phase_steps(viewer, workshop, page_phase),
        "timer": timer.timer_state(workshop),
        "now": timezone.now(),
        "poll_url": poll_url(viewer, since, page_phase, view, writable, following, query),
        "poll_headers": poll_headers(viewer),
        "poll_seconds": POLL_SECONDS,
        "console_url": reverse("console", args=[workshop.pk]) if viewer.is_facilitator else None,
        "projector_url": reverse("projector", args=[workshop.pk]) if viewer.is_facilitator else None,
    }


def poll_url(viewer, since, page_phase, view, writable, following, query=None):
    params = {
        "since": since,
        "view": view,
        "phase": page_phase or "",
        "w": int(writable),
        "f": int(following),
        # The poll renders deltas in the page's language without looking up the person.
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        **(query or {}),
    }
    return f"{reverse('live_poll', args=[viewer.workshop_id])}?{urlencode(params)}"


def poll_headers(viewer):
    """The poller's hx-headers: the viewer token (JSON; htmx sends it with every poll)."""
    return json.dumps({TOKEN_HEADER: viewer.token()})


def render_page(request, viewer, board, view=PAGE_PHASE, status=200, **overrides):
    """A board's whole page for `viewer`; `overrides` are forms with errors and the like."""
    page_phase = board.phase if view != PAGE_PROJECTOR else viewer.workshop.phase
    context = common_context(viewer, page_phase, view, query=request.GET)
    context.update(overrides)
    context.update(board.page(viewer, context))
    response = render(request, board.template, context, status=status)
    if context.get("shared_fragments"):
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    # A live page shown again by Back must ask the server for the current phase, not the cache.
    add_never_cache_headers(response)
    return response


def render_phase(request, viewer, phase, view=PAGE_PHASE, status=200, **overrides):
    return render_page(request, viewer, BOARDS[phase], view, status, **overrides)


# --- the live poll --------------------------------------------------------------------


def shared_html(template, context, *kind, more=None):
    """`template` rendered once per workshop revision, language and `kind` of viewer, for everyone.

    For read-only parts of a page that show the workshop the same to every viewer of a kind:
    the key names the revision (every write records one), so a kept copy is never stale. None
    before the workshop's first recorded change (then the page renders it itself). `more`
    gives what only the template needs, computed only when it is rendered.
    """
    revision = context.get("revision")
    if not revision:
        return None
    shown = (template, context["workshop"].pk, *revision, translation.get_language(), *kind)
    key = "shared:" + hashlib.blake2b(repr(shown).encode(), digest_size=18).hexdigest()
    cache = caches["fragments"]
    html = cache.get(key)
    if html is None:
        html = get_template(template).render({**context, **(more() if more else {})})
        cache.set(key, html)
    return mark_safe(html)


def reload_page(status=204):
    """An old, foreign or far-behind page: reloading it runs the full access check again."""
    response = HttpResponse(status=status)
    response["HX-Refresh"] = "true"
    return response


def refuse_viewer():
    """No valid token for this browser's session, or the session no longer holds the person
    (signed out, removed): 403, and the page reloads, which shows what its access check says."""
    return reload_page(status=403)


@require_GET
def live_poll(request, pk):
    """The idle check and the delta. The idle check never reads the session or the user: the
    token is checked against the session cookie's value; only news loads the session."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    try:
        viewer = access.viewer_from_token(request.headers.get(TOKEN_HEADER, ""), pk, session_key)
    except access.BadToken:
        return refuse_viewer()
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        return reload_page()
    view = request.GET.get("view", PAGE_PHASE)
    if view in FACILITATOR_PAGES and not viewer.is_facilitator:
        view = PAGE_PHASE  # the console's activity list and roster are for facilitators only
    page_phase = request.GET.get("phase") or None
    board = board_for(view, page_phase)
    if board is None:
        return reload_page()
    rows = activity.activity_since(pk, since, board.subjects)
    if not rows:
        return HttpResponse(status=204)
    if len(rows) > activity.MAX_DELTA_ROWS:
        return reload_page()
    changes = Changes.from_rows(rows, shown=board.shows | {WORKSHOP_UPDATED})
    if changes.empty:
        return HttpResponse(status=204)  # only changes this page does not show
    if not viewer.still_belongs(request):
        return refuse_viewer()  # signed out or removed since the page loaded
    language = request.GET.get("lang")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
    return render_delta(request, viewer, board, changes, view, page_phase, since)


# Language middleware may skip its session and user lookups for this view: the address names the language.
live_poll.language_in_address = True


def render_delta(request, viewer, board, changes, view, page_phase, since):
    params = request.GET
    writable = params.get("w") == "1" and view not in (PAGE_PROJECTOR, PAGE_OVERVIEW)
    following = params.get("f") == "1"
    query = {key: params[key] for key in PAGE_QUERY if params.get(key)}
    # Everything a delta's HTML depends on besides the database: who (as a kind of viewer,
    # not as a person) looks at which page, in which language.
    key = (
        viewer.workshop_id,
        since,
        changes.last_id,
        changes.last_stamp,
        view,
        page_phase,
        viewer.is_facilitator,
        viewer.role,
        writable,
        following,
        tuple(sorted(query.items())),
        translation.get_language(),
    )
    body = activity.DELTA_MEMO.get(key)
    if body is None:
        fragments, context = delta_fragments(viewer, board, changes, view, page_phase, writable, following, query)
        body = render_to_string("phases/delta.html", context, request)
        if not any(fragment.personal for fragment in fragments):
            activity.DELTA_MEMO.put(key, body)
    url = poll_url(viewer, changes.last_id, page_phase, view, writable, following, query)
    return HttpResponse(body + poller_html(url, poll_headers(viewer)))


def poller_html(url, headers):
    """The page's poller with its next revision (the same element as base_phase.html#poller)."""
    return format_html(
        '<div id="live-poll" hx-get="{}" hx-headers="{}" hx-trigger="every {}s, live-refresh from:body" '
        'hx-swap="none" hx-sync="this:drop" hx-swap-oob="true"></div>',
        url,
        headers,
        POLL_SECONDS,
    )


def delta_fragments(viewer, board, changes, view, page_phase, writable, following, query=None):
    context = {
        "page_query": query or {},
        "viewer": viewer,
        "view": view,
        "page_phase": page_phase,
        "projector": view == PAGE_PROJECTOR,
        "writable": writable,
        "workshop": None,
        # Deltas arrive only through htmx, which sends the CSRF token as a header; a token in
        # the HTML would be one person's, and the HTML is shared.
        "csrf_token": "",
    }
    fragments = []
    if changes.workshop_fields:
        workshop = Workshop.objects.get(pk=viewer.workshop_id)
        viewer.workshop = workshop
        context["workshop"] = workshop
        context["timer"] = timer.timer_state(workshop)
        context["now"] = timezone.now()
        if changes.phase_moved and following and page_phase != workshop.phase:
            context["follow_url"] = follow_url(view, workshop)
        fragments.append(Fragment("phases/base_phase.html#banner"))
        fragments.append(Fragment("phases/base_phase.html#timer"))
    if not context.get("follow_url"):
        fragments += board.delta(viewer, changes, context)
    context["fragments"] = fragments
    return fragments, context
