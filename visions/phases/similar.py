"""Similar issues as hints while a participant types one, never a gate.

Character bigrams need no word splitter, so Japanese and English are compared the same way,
offline: two titles are alike when most of their bigrams are shared (Dice coefficient).
"""

import unicodedata

from django.shortcuts import render
from django.views.decorators.http import require_GET

from visions.live.access import viewer_for
from visions.models import Issue

LIKE_ENOUGH = 0.5  # below this, "No night buses" and "No shops" would count as alike
SHOWN = 3
MIN_CHARACTERS = 4  # fewer typed characters say too little to compare
TITLE_LIMIT = 200


def bigrams(text):
    """The text's character pairs, ignoring case, width, spaces and punctuation."""
    letters = [c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum()]
    return {a + b for a, b in zip(letters, letters[1:])}


def likeness(a, b):
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similar_titles(text, candidates, limit=SHOWN):
    """Up to `limit` of (pk, title) pairs most like `text`, the most alike first."""
    typed = bigrams(text)
    if len(typed) < MIN_CHARACTERS - 1:
        return []
    scored = [(likeness(typed, bigrams(title)), pk, title) for pk, title in candidates]
    alike = sorted((row for row in scored if row[0] >= LIKE_ENOUGH), key=lambda row: (-row[0], row[1]))
    return [(pk, title) for _score, pk, title in alike[:limit]]


def similar_groups(candidates, limit=8):
    """Groups of alike issues (each pair within a group alike to one another's neighbour), largest first.

    For the facilitator's themes page: a suggestion of what to theme together or merge.
    """
    items = [(pk, title, bigrams(title)) for pk, title in candidates]
    parent = {pk: pk for pk, _title, _grams in items}

    def root(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for i, (pk, _title, grams) in enumerate(items):
        for other, _other_title, other_grams in items[i + 1:]:
            if likeness(grams, other_grams) >= LIKE_ENOUGH:
                parent[root(other)] = root(pk)
    groups = {}
    for pk, title, _grams in items:
        groups.setdefault(root(pk), []).append((pk, title))
    alike = [group for group in groups.values() if len(group) > 1]
    return sorted(alike, key=lambda group: (-len(group), group[0][0]))[:limit]


@require_GET
def issue_similar(request, pk):
    viewer = viewer_for(request, pk)
    typed = request.GET.get("title", "")[:TITLE_LIMIT]
    visible = Issue.objects.filter(workshop_id=viewer.workshop_id, hidden=False).values_list("pk", "title")
    hints = similar_titles(typed, visible)
    return render(request, "phases/issues.html#similar_hints", {"hints": hints})
