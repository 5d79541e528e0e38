"""The issues board's cards, rendered once and shared by everyone who would see the same card.

A card shows an issue (its text, badges, gap, counts) and the viewer's own controls (their
dots, their scores). Rendering 500 of them for every page load was most of the board's
cost, and most viewers see most cards identically. So a card is kept in the `fragments`
cache under a key made of everything it shows: the language, what the viewer may do
(facilitator, writable, voting, projector, the workshop's addresses), the issue's fields
and numbers, and the viewer's own relation to it (their dots and scores, whether their budget
is spent, whether they wrote it) — never who the viewer is. Two people get the same card only when it would look the
same for both; a change to anything shown is a new key, so a cached card is never stale.
The cache is an optimisation: a miss renders from the database as usual.

Forms in a shared card carry a placeholder for the CSRF token, which render_page replaces by
the request's own token once per page (one token serves every form of a page).
"""

import hashlib

from django.core.cache import caches
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from visions.live.pages import CSRF_PLACEHOLDER

CACHE = "fragments"
SEPARATOR = "\x1e"  # between the cards of one batch render (never in escaped HTML)

BATCH = engines["django"].from_string(
    '{% load l10n %}{% localize off %}{% for row in rows %}{% include "phases/issues.html#issue_card" %}'
    "\x1e{% endfor %}{% endlocalize %}"
)


def viewer_variant(context):
    """What a card's controls depend on besides the issue: the kind of viewer, not the person."""
    viewer = context["viewer"]
    budget = context.get("budget")
    return (
        translation.get_language(),
        viewer.is_facilitator,
        viewer.can_vote,
        bool(context.get("writable")),
        bool(context.get("projector")),
        viewer.links["issue"],
        viewer.links["hide_issue"],
        budget is not None and not budget.left,
    )


def card_key(variant, row):
    gap = row.gap
    target = row.target if row.target_id else None
    shown = (
        variant,
        row.pk,
        row.title,
        row.description,
        row.origin,
        row.hidden,
        row.theme.name if row.theme_id else None,
        row.author_id,
        row.author.display_name if row.author_id else None,
        (target.unit, target.target_value) if target else None,
        (gap.gap, gap.current, gap.progress, gap.required_pace, gap.on_track) if gap else None,
        row.dots,
        row.voters,
        row.scorers,
        row.mean_impact,
        row.mean_feasibility,
        row.my_dots,
        row.my_impact,
        row.my_feasibility,
        row.others,
    )
    return "card:" + hashlib.blake2b(repr(shown).encode(), digest_size=18).hexdigest()


def attach_cards(rows, context):
    """Set `row.card` (the card's HTML) on each row: from the cache, else rendered in one batch."""
    if not rows:
        return
    cache = caches[CACHE]
    variant = viewer_variant(context)
    viewer = context["viewer"]
    for row in rows:
        # A participant's page leaves out the (hidden) controls of everyone else's issues.
        row.others = not viewer.is_facilitator and row.author_id != viewer.participant_id
    keys = [card_key(variant, row) for row in rows]
    found = cache.get_many(keys)
    missing = [(key, row) for key, row in zip(keys, rows) if key not in found]
    if missing:
        batch = dict(context, rows=[row for _key, row in missing], csrf_token=CSRF_PLACEHOLDER, oob="")
        batch.pop("row", None)
        rendered = BATCH.render(batch).split(SEPARATOR)
        made = {key: html for (key, _row), html in zip(missing, rendered)}
        cache.set_many(made)
        found.update(made)
    for key, row in zip(keys, rows):
        row.card = mark_safe(found[key])


POINTS = engines["django"].from_string(
    '{% load l10n %}{% localize off %}{% for row in scored %}{% include "phases/issues.html#matrix_point" %}'
    "{% endfor %}{% endlocalize %}"
)


def matrix_points(scored):
    """The matrix's points (one per scored issue), shared by everyone: they show nobody's own numbers."""
    shown = (
        translation.get_language(),
        [(row.pk, row.origin, row.title, row.matrix_point, row.mean_impact, row.mean_feasibility) for row in scored],
    )
    key = "points:" + hashlib.blake2b(repr(shown).encode(), digest_size=18).hexdigest()
    cache = caches[CACHE]
    html = cache.get(key)
    if html is None:
        html = POINTS.render({"scored": scored, "oob": ""})
        cache.set(key, html)
    return mark_safe(html)

