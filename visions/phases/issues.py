"""Phase 4, gaps and issues: derived gap issues beside participants' issues, dots, scores, the matrix."""

import copy
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Avg, Count, F, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from visions.documents.derived import target_gap
from visions.documents.snapshot import roadmap_check, shared_snapshot
from visions.live import Refused, record
from visions.live.activity import DeltaMemo, Subject, declare
from visions.live.guard import Needs
from visions.live.pages import WORKSHOP_UPDATED, Board, Fragment, phase_url, register
from visions.live.writes import added, conflict, done, editor_response, empty_editor, item_of, write
from visions.models import Assessment, Issue, IssueOrigin, IssueScore, IssueVote, Participant, Phase, Theme, Workshop
from visions.phases.console import ISSUE_HIDDEN, ISSUE_RESTORED
from visions.phases.current_state import ASSESSMENT_ADDED, ASSESSMENT_DELETED
from visions.phases.issue_cards import attach_cards, matrix_points
from visions.phases.forms import IssueEditForm, IssueForm, ScoreForm, VoteForm
from visions.phases.themes import THEME_CHANGES
from visions.phases.vision import TARGET_DELETED

ISSUE_ADDED = declare(Subject.ISSUE, "created")
ISSUE_EDITED = declare(Subject.ISSUE, "updated")
ISSUE_DELETED = declare(Subject.ISSUE, "deleted")
ISSUE_VOTED = declare(Subject.ISSUE, "voted")
ISSUE_SCORED = declare(Subject.ISSUE, "scored")
# The roadmap check on this page reads the actions and their effects (declared with the roadmap's writes,
# which import this module: declare() gives back the same changes).
ROADMAP_ACTION_CHANGES = frozenset(
    declare(Subject.ACTION, verb) for verb in ("created", "proposed", "updated", "progress", "deleted")
)
# What lists of issues show: any issue coming, going or changing its title.
ISSUE_CHANGES = frozenset({ISSUE_ADDED, ISSUE_EDITED, ISSUE_DELETED, ISSUE_HIDDEN, ISSUE_RESTORED})


# The 2x2 matrix: scores 1..5 on both axes, split in the middle (3).
MATRIX_SIZE = 300


MATRIX_PAD = 34


def matrix_position(mean_feasibility, mean_impact):
    span = MATRIX_SIZE - 2 * MATRIX_PAD
    x = MATRIX_PAD + (mean_feasibility - 1) / 4 * span
    y = MATRIX_SIZE - MATRIX_PAD - (mean_impact - 1) / 4 * span
    return round(x, 1), round(y, 1)


# A score select's options, one per possible choice: 500 cards with two selects each made
# looping over options in the template the costliest part of the board.
SCORE_OPTIONS = {
    chosen: mark_safe(
        '<option value="">–</option>'
        + "".join(
            f'<option value="{n}"{" selected" if n == chosen else ""}>{n}</option>' for n in range(1, 6)
        )
    )
    for chosen in (None, 1, 2, 3, 4, 5)
}


def issue_rows(viewer, *, ids=None, target_ids=None, personal=True, up_to=None, counts=None):
    """Issues with their dots, scores, derived gaps and (`personal`) the viewer's own dots and scores.

    The issues, their dot and score aggregates grouped per issue, the viewer's own dots and
    scores, and the assessments behind derived issues: five short queries whatever the size
    (grouped aggregates cost less to build and to run than a subquery per issue and figure).
    `up_to` keeps the gap issues and the participants' issues up to that id (a partial board),
    `counts` are the whole board's numbers when the caller has them already.
    """
    rows = (
        Issue.objects.filter(workshop_id=viewer.workshop_id)
        .select_related("theme", "author", "target")
        .order_by("id")
    )
    if not viewer.is_facilitator:
        rows = rows.filter(hidden=False)
    whole_board = ids is None and target_ids is None
    if not whole_board:
        rows = rows.filter(Q(pk__in=ids or ()) | Q(target_id__in=target_ids or ()))
    elif up_to is not None:
        rows = rows.filter(Q(origin=IssueOrigin.DERIVED) | Q(pk__lte=up_to))
    rows = list(rows)
    wanted = None if whole_board else [row.pk for row in rows]
    if counts is None:
        counts = {row.pk: row for row in issue_counts(viewer, wanted)} if rows else {}
    derived_targets = {row.target_id for row in rows if row.target_id}
    assessments = {}
    if derived_targets:
        for assessment in Assessment.objects.filter(target_id__in=derived_targets).order_by("id"):
            assessments.setdefault(assessment.target_id, []).append(assessment)
    for row in rows:
        shared = counts.get(row.pk) or IssueCounts(row.pk)
        row.dots, row.voters, row.scorers = shared.dots, shared.voters, shared.scorers
        row.mean_impact, row.mean_feasibility = shared.mean_impact, shared.mean_feasibility
        row.gap = target_gap(row.target, assessments.get(row.target_id, [])) if row.target_id else None
        row.matrix_point = matrix_position(row.mean_feasibility, row.mean_impact) if row.scorers else None
    add_mine(viewer, rows, personal=personal, wanted=wanted)
    return rows


def add_mine(viewer, rows, *, personal=True, wanted=None):
    """The viewer's own dots and scores on `rows` (of `wanted` ids, or the whole board): two queries."""
    my_dots, my_scores = {}, {}
    if personal and rows and viewer.participant_id is not None:
        mine = {"participant_id": viewer.participant_id, **({} if wanted is None else {"issue_id__in": wanted})}
        my_dots = dict(IssueVote.objects.filter(**mine).values_list("issue_id", "dots"))
        my_scores = {
            issue_id: (impact, feasibility)
            for issue_id, impact, feasibility in IssueScore.objects.filter(**mine).values_list(
                "issue_id", "impact", "feasibility"
            )
        }
    for row in rows:
        row.my_dots = my_dots.get(row.pk, 0)
        row.my_impact, row.my_feasibility = my_scores.get(row.pk, (None, None))
        row.impact_options = SCORE_OPTIONS[row.my_impact]
        row.feasibility_options = SCORE_OPTIONS[row.my_feasibility]


@dataclass
class IssueCounts:
    pk: int
    dots: int = 0
    voters: int = 0
    scorers: int = 0
    mean_impact: float | None = None
    mean_feasibility: float | None = None


def issue_counts(viewer, ids):
    """The shared numbers of some issues (all of the workshop's for None): two grouped aggregates."""
    if ids is not None and not ids:
        return []
    rows = {pk: IssueCounts(pk) for pk in ids} if ids is not None else {}
    in_workshop = {"issue__workshop_id": viewer.workshop_id, **({} if ids is None else {"issue_id__in": ids})}
    for issue_id, dots, voters in (
        IssueVote.objects.filter(**in_workshop)
        .values("issue_id")
        .annotate(d=Sum("dots"), n=Count("id"))
        .values_list("issue_id", "d", "n")
    ):
        row = rows.setdefault(issue_id, IssueCounts(issue_id))
        row.dots, row.voters = dots, voters
    for issue_id, scorers, impact, feasibility in (
        IssueScore.objects.filter(**in_workshop)
        .values("issue_id")
        .annotate(n=Count("id"), i=Avg("impact"), f=Avg("feasibility"))
        .values_list("issue_id", "n", "i", "f")
    ):
        row = rows.setdefault(issue_id, IssueCounts(issue_id))
        row.scorers, row.mean_impact, row.mean_feasibility = scorers, impact, feasibility
    return [rows[pk] for pk in sorted(rows)]


def ranking_from_rows(rows, limit=10):
    """Issues by mean impact, then mean feasibility (the snapshot's means); unscored ones left out."""
    scored = [row for row in rows if row.scorers and not row.hidden]
    return sorted(scored, key=lambda r: (-r.mean_impact, -r.mean_feasibility, r.pk))[:limit]


def ranking_query(viewer, limit=10):
    """The same ranking for a delta, from the score rows alone (their count, not the board's size)."""
    top = list(
        IssueScore.objects.filter(issue__workshop_id=viewer.workshop_id, issue__hidden=False)
        .values("issue_id")
        .annotate(mean_impact=Avg("impact"), mean_feasibility=Avg("feasibility"), scorers=Count("id"))
        .order_by("-mean_impact", "-mean_feasibility", "issue_id")[:limit]
    )
    titles = Issue.objects.in_bulk([row["issue_id"] for row in top])
    ranked = []
    for row in top:
        issue = titles[row["issue_id"]]
        issue.mean_impact = row["mean_impact"]
        issue.mean_feasibility = row["mean_feasibility"]
        issue.scorers = row["scorers"]
        ranked.append(issue)
    return ranked


def ranked_points(ranking):
    """The ranking's numbers on the matrix, so a point can be told from the next (as the table)."""
    points = []
    for rank, issue in enumerate(ranking, start=1):
        x, y = matrix_position(issue.mean_feasibility, issue.mean_impact)
        points.append(SimpleNamespace(rank=rank, pk=issue.pk, title=issue.title, x=x, y=y, label_y=round(y + 4, 1),
                                      mean_impact=issue.mean_impact, mean_feasibility=issue.mean_feasibility))
    return points


def theme_summary(workshop_id, is_facilitator):
    visible = Q() if is_facilitator else Q(issues__hidden=False)
    return list(
        Theme.objects.filter(workshop_id=workshop_id)
        .annotate(issue_count=Count("issues", filter=visible))
        .order_by("name", "id")
    )


def dots_spent(participant_id):
    if participant_id is None:
        return 0
    return IssueVote.objects.filter(participant_id=participant_id).aggregate(n=Sum("dots"))["n"] or 0


@dataclass
class Budget:
    total: int
    spent: int

    @property
    def left(self):
        return max(0, self.total - self.spent)


def budget_for(viewer, workshop):
    return Budget(workshop.dot_budget, dots_spent(viewer.participant_id)) if viewer.can_vote else None


# What else shows an issue: the ranking lists scored ones by title, the theme list counts visible ones.
RANKING_CHANGES = {ISSUE_SCORED, ISSUE_EDITED, ISSUE_HIDDEN, ISSUE_RESTORED, ISSUE_DELETED}
THEME_COUNT_CHANGES = {ISSUE_HIDDEN, ISSUE_RESTORED, ISSUE_DELETED}
# Dots and scores change an issue's numbers only, not its text.
NUMBERS = {ISSUE_VOTED, ISSUE_SCORED}


# A long board shows its gap issues and the first participants' issues; "Show all" the rest.
SHOWN_FIRST = 80


# The board's rows by workshop revision (visions.live.activity.revision): every viewer of the
# same kind (facilitator or not) and page (first part or all) reads the same issues and numbers,
# so a process loads them once per change; each viewer gets copies with their own numbers.
BOARD_ROWS = DeltaMemo(size=32)


def board_rows(viewer, everything=False, revision=None):
    """Every issue the board counts (light rows: matrix, ranking) and the full rows of its cards."""
    key = (viewer.workshop_id, *revision, viewer.is_facilitator, everything) if revision else None
    shared = BOARD_ROWS.get(key) if key else None
    if shared is None:
        shared = load_board_rows(viewer, everything)
        if key:
            BOARD_ROWS.put(key, shared)
    rows, cards = shared
    cards = [copy.copy(card) for card in cards]
    add_mine(viewer, cards)
    return rows, cards


def load_board_rows(viewer, everything):
    """Only the cards need an issue's theme, author and gap: a partial page loads those for its
    gap issues and first SHOWN_FIRST participants' issues alone (light rows for the rest)."""
    if everything:
        rows = issue_rows(viewer, personal=False)
        return rows, rows
    listed = Issue.objects.filter(workshop_id=viewer.workshop_id).order_by("id")
    if not viewer.is_facilitator:
        listed = listed.filter(hidden=False)
    counts = {row.pk: row for row in issue_counts(viewer, None)}
    rows, up_to = [], None
    for pk, title, origin, hidden in listed.values_list("id", "title", "origin", "hidden"):
        shared = counts.get(pk) or IssueCounts(pk)
        rows.append(SimpleNamespace(
            pk=pk, title=title, origin=origin, hidden=hidden, scorers=shared.scorers,
            mean_impact=shared.mean_impact, mean_feasibility=shared.mean_feasibility,
            matrix_point=matrix_position(shared.mean_feasibility, shared.mean_impact) if shared.scorers else None,
        ))
    participants = [row.pk for row in rows if row.origin == IssueOrigin.PARTICIPANT]
    if len(participants) > SHOWN_FIRST:
        up_to = participants[SHOWN_FIRST - 1]
    return rows, issue_rows(viewer, up_to=up_to, counts=counts, personal=False)


def more_link(ids, shown_count):
    """What the "Show all" link says: how many issues there are and how many this page leaves out."""
    hidden_count = len(ids) - shown_count
    return SimpleNamespace(total=len(ids), hidden_count=hidden_count, next_pk=ids[shown_count] if hidden_count else None)


# The partials that draw a card of the participants' list (a partial page has only its first part).
CARD_PARTS = {"phases/issues.html#issue_card", "phases/issues.html#issue_body", "phases/issues.html#issue_counts"}
LIST_CHANGES = {ISSUE_ADDED, ISSUE_DELETED, ISSUE_HIDDEN, ISSUE_RESTORED}


def first_part_only(viewer, changes, context, fragments):
    """A partial page's fragments: none for the cards it leaves out, and its "Show all" link anew."""
    if context.get("page_query", {}).get("show") == "all" or not fragments:
        return fragments
    listed = Issue.objects.filter(workshop_id=viewer.workshop_id, origin=IssueOrigin.PARTICIPANT)
    ids = list((listed if viewer.is_facilitator else listed.filter(hidden=False)).order_by("id").values_list("id", flat=True))
    beyond = set(ids[SHOWN_FIRST:])
    kept = [f for f in fragments if not (f.template in CARD_PARTS and f.row.pk in beyond)]
    if any(changes.of(Subject.ISSUE, pk) & LIST_CHANGES for pk in changes.all_ids(Subject.ISSUE)):
        kept.append(Fragment("phases/issues.html#more", more_link(ids, min(len(ids), SHOWN_FIRST))))
    return kept


class IssuesBoard(Board):
    kind = phase = Phase.ISSUES
    shows = frozenset(
        {
            ISSUE_ADDED,
            ISSUE_EDITED,
            ISSUE_DELETED,
            ISSUE_VOTED,
            ISSUE_SCORED,
            ISSUE_HIDDEN,
            ISSUE_RESTORED,
            ASSESSMENT_ADDED,
            ASSESSMENT_DELETED,
            TARGET_DELETED,
            WORKSHOP_UPDATED,
            *THEME_CHANGES,
            *ROADMAP_ACTION_CHANGES,
        }
    )
    template = "phases/issues.html"

    def page(self, viewer, context):
        rows, cards = board_rows(viewer, context["page_query"].get("show") == "all", context.get("revision"))
        listed = [row.pk for row in rows if row.origin == IssueOrigin.PARTICIPANT]
        shown = [row for row in cards if row.origin == IssueOrigin.PARTICIPANT]
        budget = budget_for(viewer, viewer.workshop)
        attach_cards(cards, {**context, "budget": budget})
        return {
            "gap_issues": [row for row in cards if row.origin == IssueOrigin.DERIVED],
            "participant_issues": shown,
            "more": more_link(listed, len(shown)),
            "matrix_points": matrix_points([row for row in rows if row.matrix_point and not row.hidden]),
            "shared_fragments": True,
            "ranking": (ranking := ranking_from_rows(rows)),
            "ranked_points": ranked_points(ranking),
            "themes": theme_summary(viewer.workshop_id, viewer.is_facilitator),
            "budget": budget,
            "issue_form": context.get("issue_form") or IssueForm(),
            "matrix": matrix_frame(),
            "roadmap_check": roadmap_check(
                shared_snapshot(viewer.workshop, context.get("revision")), timezone.localdate().year
            ),
        }

    def delta(self, viewer, changes, context):
        ids = changes.all_ids(Subject.ISSUE)
        target_ids = changes.all_ids(Subject.TARGET)
        touched = changes.touched.get(Subject.ISSUE, set())
        # Dots are the most frequent change of all: they only need the numbers redrawn.
        dots_only = {pk for pk in ids if changes.of(Subject.ISSUE, pk) == {ISSUE_VOTED} and pk not in touched}
        fragments = [
            Fragment("phases/issues.html#issue_counts", row) for row in issue_counts(viewer, dots_only)
        ]
        ids -= dots_only
        rank_again = themes_again = False
        if ids or target_ids:
            # As for visions: only a restored issue brings the viewer's own dots back.
            personal = not viewer.is_facilitator and any(
                ISSUE_RESTORED in changes.of(Subject.ISSUE, pk) for pk in ids
            )
            rows = issue_rows(viewer, ids=ids, target_ids=target_ids, personal=personal)
            found = {row.pk: row for row in rows}
            for pk in sorted(ids | {row.pk for row in rows}):
                row = found.get(pk)
                made = changes.of(Subject.ISSUE, pk)
                # What else shows this issue: the ranking shows scored ones by title, the
                # theme list counts visible ones per theme.
                if made & RANKING_CHANGES:
                    rank_again = True
                if made & THEME_COUNT_CHANGES or pk in touched:
                    themes_again = True
                if row is None:
                    fragments += [Fragment.delete(f"issue-{pk}"), Fragment.delete(f"mx-{pk}")]
                    continue
                container = "gap-issues" if row.origin == IssueOrigin.DERIVED else "issue-list"
                if ISSUE_ADDED in made and row.theme_id:
                    themes_again = True
                if changes.appeared(Subject.ISSUE, pk, viewer):
                    fragments += Fragment.upsert(
                        "phases/issues.html#issue_card", row, f"issue-{pk}", container, personal=personal
                    )
                else:
                    if (
                        made - NUMBERS
                        or row.target_id in target_ids
                        or changes.was_touched(Subject.ISSUE, pk)
                    ):
                        fragments.append(Fragment("phases/issues.html#issue_body", row))
                    if made & NUMBERS:
                        fragments.append(Fragment("phases/issues.html#issue_counts", row))
                if made - {ISSUE_VOTED}:
                    if row.matrix_point and not row.hidden:
                        fragments += Fragment.upsert(
                            "phases/issues.html#matrix_point", row, f"mx-{pk}", "matrix-points", svg=True
                        )
                    else:
                        fragments.append(Fragment.delete(f"mx-{pk}"))
        if changes.ids(Subject.THEME):
            themes_again = True
        if rank_again:
            ranking = ranking_query(viewer)
            fragments.append(Fragment("phases/issues.html#ranking", ranking))
            fragments.append(Fragment("phases/issues.html#matrix_ranks", ranked_points(ranking), svg=True))
        if themes_again:
            fragments.append(
                Fragment(
                    "phases/issues.html#themes", theme_summary(viewer.workshop_id, viewer.is_facilitator)
                )
            )
        if "dot_budget" in changes.workshop_fields and viewer.can_vote:
            fragments.append(
                Fragment("phases/issues.html#budget", budget_for(viewer, context["workshop"]), personal=True)
            )
        fragments += roadmap_check_fragments(viewer, changes)
        return first_part_only(viewer, changes, context, fragments)


def matrix_frame():
    """Where the 2x2 matrix draws its axes, quadrant lines and labels (whole pixels)."""
    low, high = MATRIX_PAD, MATRIX_SIZE - MATRIX_PAD
    middle = (low + high) // 2
    return {
        "size": MATRIX_SIZE,
        "low": low,
        "high": high,
        "half": high - middle,
        "mid_x": middle,
        "mid_y": middle,
        "tick_x": low - 6,
        "tick_y": high + 14,
        "label_y": low - 8,
        "axis_label_y": MATRIX_SIZE - 6,  # the baseline above the edge: descenders are not cut
        "ticks": [(n, *(round(v) for v in matrix_position(n, n))) for n in range(1, 6)],
    }


BOARD = register(IssuesBoard())


def issues_back(viewer, issue=None):
    return phase_url(viewer.workshop_id, Phase.ISSUES) + (f"#issue-{issue.pk}" if issue else "")


@write(phase=Phase.ISSUES)
def issue_add(request, viewer):
    def create(form):
        issue = form.save(commit=False)
        issue.workshop = viewer.workshop
        issue.origin = IssueOrigin.PARTICIPANT
        issue.author_id = viewer.participant_id
        issue.save()
        record(viewer, ISSUE_ADDED, issue, summary=issue.title, changes={"title": [None, issue.title]})

    blank = Issue(
        workshop_id=viewer.workshop_id, origin=IssueOrigin.PARTICIPANT, author_id=viewer.participant_id
    )
    return added(
        request,
        viewer,
        IssueForm(request.POST, instance=blank),
        create=create,
        fresh=IssueForm,
        partial="phases/issues.html#issue_form",
        form_name="issue_form",
        back=issues_back(viewer) + "#issue-list",
        phase=Phase.ISSUES,
    )


@write(phase=Phase.ISSUES, methods=("GET", "POST"))
def issue_edit(request, viewer, item_id):
    issue = item_of(Issue, viewer, item_id, to_change=True)
    context = {"workshop": viewer.workshop, "viewer": viewer, "item": issue, "kind": "issue"}
    if request.method == "GET":
        context["form"] = IssueEditForm(instance=issue)
        return editor_response(request, "phases/edit.html", context)
    form = context["form"] = IssueEditForm(request.POST, instance=issue)
    if not form.is_valid():
        return editor_response(request, "phases/edit.html", context)
    current = Issue.objects.get(pk=issue.pk)
    before = {"title": current.title, "description": current.description}
    after = {"title": form.cleaned_data["title"], "description": form.cleaned_data["description"]}
    updated = Issue.objects.filter(pk=issue.pk, version=form.cleaned_data["version"]).update(
        **after, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        yours = f"{after['title']}\n\n{after['description']}".strip()
        theirs = f"{current.title}\n\n{current.description}".strip()
        return conflict(request, viewer, current, form, "issue", yours=yours, theirs=theirs)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    record(viewer, ISSUE_EDITED, current, summary=after["title"], changes=changed)
    return done(request, issues_back(viewer, issue), empty_editor(request, "issue", issue))


@write(phase=Phase.ISSUES)
def issue_delete(request, viewer, item_id):
    issue = item_of(Issue, viewer, item_id, to_change=True)
    if issue.is_derived:
        raise Refused(_("Gap issues come from the targets; a facilitator can hide one instead."), 409)
    record(
        viewer,
        ISSUE_DELETED,
        issue,
        summary=issue.title,
        changes={"title": [issue.title, None], "description": [issue.description, None]},
    )
    issue.delete()
    return done(request, issues_back(viewer))


@write(phase=Phase.ISSUES, needs=Needs.VOTER)
def issue_vote(request, viewer, item_id):
    """Set the participant's dots on one issue, within their budget."""
    issue = item_of(Issue, viewer, item_id)
    form = VoteForm(request.POST)
    if not form.is_valid():
        raise Refused(_("Give a whole number of dots."), 409)
    wanted = form.cleaned_data["dots"]
    # The workshop row is held already; the participant row too, so that budget
    # arithmetic is serialised even for writers that lock only the participant.
    Participant.objects.select_for_update().filter(pk=viewer.participant_id).first()
    vote = IssueVote.objects.filter(issue=issue, participant_id=viewer.participant_id).first()
    current = vote.dots if vote else 0
    budget = viewer.workshop.dot_budget
    if wanted > current and dots_spent(viewer.participant_id) - current + wanted > budget:
        raise Refused(
            _("You have no dots left (%(budget)s in all). Take a dot off another issue first.")
            % {"budget": budget},
            409,
        )
    if wanted != current:
        if wanted == 0:
            vote.delete()
        elif vote is None:
            IssueVote.objects.create(issue=issue, participant_id=viewer.participant_id, dots=wanted)
        else:
            IssueVote.objects.filter(pk=vote.pk).update(dots=wanted)
        record(viewer, ISSUE_VOTED, issue, summary=issue.title, changes={"dots": [current, wanted]})
    return done(
        request, issues_back(viewer, issue), mine_response(request, viewer, issue.pk, with_budget=True)
    )


def mine_response(request, viewer, issue_id, with_budget=False):
    if not request.htmx:
        return None
    row = issue_rows(viewer, ids=[issue_id])[0]
    context = {"row": row, "viewer": viewer, "workshop": viewer.workshop, "writable": True}
    if with_budget:
        context["budget"] = budget_for(viewer, viewer.workshop)
    return render(request, "phases/issues.html#vote_response", context)


@write(phase=Phase.ISSUES, needs=Needs.VOTER)
def issue_score(request, viewer, item_id):
    issue = item_of(Issue, viewer, item_id)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        raise Refused(_("Choose impact and feasibility from 1 to 5."), 409)
    score = IssueScore.objects.filter(issue=issue, participant_id=viewer.participant_id).first()
    before = [score.impact, score.feasibility] if score else None
    after = [form.cleaned_data["impact"], form.cleaned_data["feasibility"]]
    if before != after:
        IssueScore.objects.update_or_create(
            issue=issue,
            participant_id=viewer.participant_id,
            defaults={"impact": after[0], "feasibility": after[1]},
        )
        record(viewer, ISSUE_SCORED, issue, summary=issue.title, changes={"score": [before, after]})
    return done(request, issues_back(viewer, issue), mine_response(request, viewer, issue.pk))


def roadmap_check_fragments(viewer, changes):
    """The adequacy bars after a change to what they count; the agreement (facilitators) after dots too."""
    adequacy = bool(changes.ids(Subject.ACTION) or changes.ids(Subject.TARGET) or changes.ids(Subject.ASSESSMENT))
    agreement = viewer.is_facilitator and bool(changes.ids(Subject.ISSUE))
    if not (adequacy or agreement):
        return []
    check = roadmap_check(shared_snapshot(Workshop.objects.get(pk=viewer.workshop_id)), timezone.localdate().year)
    return [Fragment("phases/_adequacy.html", check)] * adequacy + [Fragment("phases/_agreement.html", check)] * agreement
