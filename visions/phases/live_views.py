"""The live workshop: the six phases for participants, the facilitator's console, the projector.

Every page is a board: a set of items (people, visions, targets, issues ...) and a few
summary regions. A board renders itself whole for a page load, and renders only the
items a run of activity rows names for a live delta (see live.py for the mechanism).
Every write goes through `live.contribution`, records an Activity row, and answers a
plain POST with a redirect back to the page, an htmx request with the small partial it
replaces plus an `HX-Trigger: live-refresh` that makes the page's poller fetch the delta
at once (the delta path is the only way items reach a page, so nothing is inserted twice).
"""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
)
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visions import live, sdgs
from visions.documents.derived import target_gap
from visions.live import Changes, Refused, contribution, record
from visions.models import (
    Action,
    Activity,
    Assessment,
    Endorsement,
    Issue,
    IssueOrigin,
    IssueScore,
    IssueVote,
    Milestone,
    Participant,
    Phase,
    Role,
    Sector,
    Stakeholder,
    Target,
    Theme,
    Vision,
    VisionStatus,
    Workshop,
)
from visions.phases.forms import (
    AssessmentForm,
    AssignIssuesForm,
    DotBudgetForm,
    EndorseForm,
    HideForm,
    IssueEditForm,
    IssueForm,
    LockForm,
    MergeThemesForm,
    PhaseMoveForm,
    ScoreForm,
    SplitThemeForm,
    StakeholderForm,
    TargetForm,
    ThemeForm,
    TimerForm,
    VisionEditForm,
    VisionForm,
    VoteForm,
)
from visions.documents.charts import target_chart_svg
from visions.documents.snapshot import TargetRow, WorkshopSnapshot

def phase_url(workshop_id, phase):
    return reverse("phase_page", args=[workshop_id, phase])


# --- fragments: what a live delta sends ---------------------------------------------------


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
        """Insert at the end of `container`; a copy already there is removed first, so it never doubles."""
        return [cls.delete(dom_id), cls(template, row, "append", dom_id, container, svg, personal)]


# --- the room: who is here, and the diversity panel ----------------------------------------


class RoomMix:
    """The sector and discipline mix of the people in the room.

    Counted as load_snapshot counts it (observers and blank sectors left out), and the
    Blau index and the missing sectors are the snapshot's own definitions, borrowed.
    """

    sector_diversity = WorkshopSnapshot.sector_diversity
    missing_sectors = WorkshopSnapshot.missing_sectors

    def __init__(self, participants):
        people = [p for p in participants if p.role != Role.OBSERVER]
        sectors = {s.value: 0 for s in Sector}
        disciplines = {}
        for person in people:
            if person.sector:
                sectors[person.sector] += 1
            if person.discipline:
                disciplines[person.discipline] = disciplines.get(person.discipline, 0) + 1
        self.sector_counts = sectors
        self.discipline_counts = dict(sorted(disciplines.items(), key=lambda kv: (-kv[1], kv[0])))
        self.by_sector = [
            (sector, [p for p in participants if p.sector == sector.value]) for sector in Sector
        ] + [(None, [p for p in participants if not p.sector])]
        self.people_count = len(people)

    @property
    def sector_rows(self):
        return [(sector.label, self.sector_counts[sector.value]) for sector in Sector]


def room_participants(workshop_id):
    return list(
        Participant.objects.filter(workshop_id=workshop_id).select_related("stakeholder").order_by("id")
    )


# --- boards --------------------------------------------------------------------------------


class Board:
    phase = None
    template = None

    def page(self, viewer, context):
        """Everything the whole page shows; a fixed number of queries whatever the size."""
        return {}

    def delta(self, viewer, changes, context):
        """Fragments for the items `changes` names, rendered for `viewer`."""
        return []


class StakeholdersBoard(Board):
    phase = Phase.STAKEHOLDERS
    template = "phases/stakeholders.html"

    def organisations(self, workshop_id, ids=None):
        rows = Stakeholder.objects.filter(workshop_id=workshop_id).annotate(
            present=Count("participants", filter=~Q(participants__role=Role.OBSERVER))
        )
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        return list(rows.order_by("id"))

    def page(self, viewer, context):
        participants = room_participants(viewer.workshop_id)
        return {
            "participants": participants,
            "mix": RoomMix(participants),
            "organisations": self.organisations(viewer.workshop_id),
            "stakeholder_form": context.get("stakeholder_form")
            or StakeholderForm(workshop=viewer.workshop),
            "sectors": Sector,
        }

    def delta(self, viewer, changes, context):
        person_ids = changes.all_ids("participant")
        org_ids = changes.all_ids("stakeholder")
        if not person_ids and not org_ids:
            return []
        fragments = []
        participants = room_participants(viewer.workshop_id)
        if person_ids:
            by_id = {p.pk: p for p in participants}
            for pk in sorted(person_ids):
                person = by_id.get(pk)
                if person is None:
                    fragments.append(Fragment.delete(f"person-{pk}"))
                    continue
                org_ids |= {person.stakeholder_id} - {None}
                if "joined" in changes.verbs("participant", pk):
                    fragments += Fragment.upsert(
                        "phases/stakeholders.html#person", person, f"person-{pk}", "people"
                    )
                else:
                    fragments.append(Fragment("phases/stakeholders.html#person", person))
            fragments.append(Fragment("phases/stakeholders.html#diversity", RoomMix(participants)))
        if org_ids:
            found = {o.pk: o for o in self.organisations(viewer.workshop_id, org_ids)}
            for pk in sorted(org_ids):
                org = found.get(pk)
                if org is None:
                    fragments.append(Fragment.delete(f"org-{pk}"))
                elif changes.appeared("stakeholder", pk):
                    fragments += Fragment.upsert(
                        "phases/stakeholders.html#organisation", org, f"org-{pk}", "organisations"
                    )
                else:
                    fragments.append(Fragment("phases/stakeholders.html#organisation", org))
        return fragments


def vision_rows(viewer, ids=None, personal=True):
    """Visions as the viewer may see them; `personal` adds whether the viewer endorsed each."""
    rows = (
        Vision.objects.filter(workshop_id=viewer.workshop_id)
        .select_related("author")
        .prefetch_related("goals")
        .annotate(endorsement_count=Count("endorsements"))
        .order_by("id")
    )
    if personal and viewer.participant_id is not None:
        rows = rows.annotate(
            endorsed_by_me=Exists(
                Endorsement.objects.filter(vision=OuterRef("pk"), participant_id=viewer.participant_id)
            )
        )
    else:
        rows = rows.annotate(endorsed_by_me=Value(False))
    if not viewer.is_facilitator:
        rows = rows.filter(hidden=False)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    rows = list(rows)
    for vision in rows:
        vision.sdg_goals = [sdgs.goal(g.goal) for g in vision.goals.all()]
    return rows


def adopted_vision_with_targets(workshop_id):
    adopted = (
        Vision.objects.filter(workshop_id=workshop_id, status=VisionStatus.ADOPTED)
        .prefetch_related("goals", Prefetch("targets", queryset=Target.objects.order_by("id")))
        .first()
    )
    if adopted is not None:
        adopted.sdg_goals = [sdgs.goal(g.goal) for g in adopted.goals.all()]
    return adopted


class VisionBoard(Board):
    phase = Phase.VISION
    template = "phases/vision.html"

    def page(self, viewer, context):
        workshop = viewer.workshop
        return {
            "visions": vision_rows(viewer),
            "adopted": adopted_vision_with_targets(viewer.workshop_id),
            "vision_form": context.get("vision_form") or VisionForm(workshop=workshop),
            "target_form": context.get("target_form") or TargetForm(workshop=workshop),
        }

    def delta(self, viewer, changes, context):
        ids = changes.all_ids("vision")
        fragments = []
        if ids:
            # A restored vision comes back with the viewer's own endorsement; anything else is
            # the same for every viewer of this kind (a new vision has no endorsements yet).
            personal = any("restored" in changes.verbs("vision", pk) for pk in ids) and not viewer.is_facilitator
            found = {v.pk: v for v in vision_rows(viewer, ids, personal=personal)}
            for pk in sorted(ids):
                vision = found.get(pk)
                verbs = changes.verbs("vision", pk)
                if vision is None:
                    fragments.append(Fragment.delete(f"vision-{pk}"))
                elif changes.appeared("vision", pk, viewer):
                    fragments += Fragment.upsert(
                        "phases/vision.html#vision_card", vision, f"vision-{pk}", "vision-list", personal=personal
                    )
                else:
                    if verbs - {"endorsed", "withdrew"} or pk in changes.touched.get("vision", ()):
                        fragments.append(Fragment("phases/vision.html#vision_body", vision))
                    if verbs & {"endorsed", "withdrew"}:
                        fragments.append(Fragment("phases/vision.html#vision_counts", vision))
        if changes.ids("target") or any(
            verbs - {"endorsed", "withdrew"} for verbs in changes.subjects.get("vision", {}).values()
        ):
            fragments.append(
                Fragment("phases/vision.html#adopted", adopted_vision_with_targets(viewer.workshop_id))
            )
        return fragments


def target_rows(workshop_id, ids=None):
    targets = (
        Target.objects.filter(workshop_id=workshop_id, vision__status=VisionStatus.ADOPTED)
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("author").order_by("id"))
        )
        .order_by("id")
    )
    if ids is not None:
        targets = targets.filter(pk__in=ids)
    rows = []
    for target in targets:
        assessments = list(target.assessments.all())
        row = TargetRow(target, assessments, target_gap(target, assessments))
        row.chart = target_chart_svg(row)
        row.by_date = sorted(assessments, key=lambda a: (a.as_of, a.pk))
        rows.append(row)
    return rows


def assessment_form(target_id, *args, **kwargs):
    """One target's assessment form; its field ids name the target, as every target has one on the page."""
    form = AssessmentForm(*args, auto_id=f"target-{target_id}-%s", **kwargs)
    form.target_id = target_id
    return form


class CurrentStateBoard(Board):
    phase = Phase.CURRENT_STATE
    template = "phases/current_state.html"

    def page(self, viewer, context):
        rows = target_rows(viewer.workshop_id)
        bound = context.get("assessment_form")
        for row in rows:
            row.form = bound if bound is not None and bound.target_id == row.target.pk else assessment_form(row.target.pk)
        return {"target_rows": rows, "has_adopted": self.has_adopted(viewer)}

    def has_adopted(self, viewer):
        return Vision.objects.filter(workshop_id=viewer.workshop_id, status=VisionStatus.ADOPTED).exists()

    def delta(self, viewer, changes, context):
        if changes.subjects.get("vision") and any(
            "adopted" in verbs for verbs in changes.subjects["vision"].values()
        ):
            # A newly adopted vision brings another set of targets: the (short) list is redone.
            rows = target_rows(viewer.workshop_id)
            for row in rows:
                row.form = assessment_form(row.target.pk)
            return [Fragment("phases/current_state.html#target_list", rows)]
        ids = changes.all_ids("target")
        if not ids:
            return []
        found = {row.target.pk: row for row in target_rows(viewer.workshop_id, ids)}
        fragments = []
        for pk in sorted(ids):
            row = found.get(pk)
            if row is None:
                fragments.append(Fragment.delete(f"target-{pk}"))
            elif changes.appeared("target", pk):
                row.form = assessment_form(row.target.pk)
                fragments += Fragment.upsert(
                    "phases/current_state.html#target_card", row, f"target-{pk}", "target-list"
                )
            else:
                fragments.append(Fragment("phases/current_state.html#target_body", row))
        return fragments


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
        + "".join(f'<option value="{n}"{" selected" if n == chosen else ""}>{n}</option>' for n in range(1, 6))
    )
    for chosen in (None, 1, 2, 3, 4, 5)
}


def issue_rows(viewer, *, ids=None, target_ids=None, personal=True):
    """Issues with their dots, scores, derived gaps and (`personal`) the viewer's own dots and scores.

    The issues, their dot and score aggregates grouped per issue, the viewer's own dots and
    scores, and the assessments behind derived issues: five short queries whatever the size
    (grouped aggregates cost less to build and to run than a subquery per issue and figure).
    """
    rows = Issue.objects.filter(workshop_id=viewer.workshop_id).select_related("theme", "author", "target").order_by("id")
    if not viewer.is_facilitator:
        rows = rows.filter(hidden=False)
    whole_board = ids is None and target_ids is None
    if not whole_board:
        rows = rows.filter(Q(pk__in=ids or ()) | Q(target_id__in=target_ids or ()))
    rows = list(rows)
    wanted = None if whole_board else [row.pk for row in rows]
    counts = {row.pk: row for row in issue_counts(viewer, wanted)} if rows else {}
    personal = personal and viewer.participant_id is not None
    my_dots, my_scores = {}, {}
    if personal and rows:
        mine = {"participant_id": viewer.participant_id, **({} if whole_board else {"issue_id__in": wanted})}
        my_dots = dict(IssueVote.objects.filter(**mine).values_list("issue_id", "dots"))
        my_scores = {
            issue_id: (impact, feasibility)
            for issue_id, impact, feasibility in IssueScore.objects.filter(**mine).values_list(
                "issue_id", "impact", "feasibility"
            )
        }
    derived_targets = {row.target_id for row in rows if row.target_id}
    assessments = {}
    if derived_targets:
        for assessment in Assessment.objects.filter(target_id__in=derived_targets).order_by("id"):
            assessments.setdefault(assessment.target_id, []).append(assessment)
    for row in rows:
        shared = counts.get(row.pk) or IssueCounts(row.pk)
        row.dots, row.voters, row.scorers = shared.dots, shared.voters, shared.scorers
        row.mean_impact, row.mean_feasibility = shared.mean_impact, shared.mean_feasibility
        row.my_dots = my_dots.get(row.pk, 0)
        row.my_impact, row.my_feasibility = my_scores.get(row.pk, (None, None))
        row.impact_options = SCORE_OPTIONS[row.my_impact]
        row.feasibility_options = SCORE_OPTIONS[row.my_feasibility]
        row.gap = target_gap(row.target, assessments.get(row.target_id, [])) if row.target_id else None
        row.matrix_point = matrix_position(row.mean_feasibility, row.mean_impact) if row.scorers else None
    return rows


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
        IssueVote.objects.filter(**in_workshop).values("issue_id").annotate(d=Sum("dots"), n=Count("id")).values_list("issue_id", "d", "n")
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


RANKING_VERBS = {"scored", "updated", "hidden", "restored", "deleted"}
THEME_COUNT_VERBS = {"hidden", "restored", "deleted"}


class IssuesBoard(Board):
    phase = Phase.ISSUES
    template = "phases/issues.html"

    def page(self, viewer, context):
        rows = issue_rows(viewer)
        return {
            "gap_issues": [row for row in rows if row.origin == IssueOrigin.DERIVED],
            "participant_issues": [row for row in rows if row.origin == IssueOrigin.PARTICIPANT],
            "scored": [row for row in rows if row.matrix_point and not row.hidden],
            "ranking": ranking_from_rows(rows),
            "themes": theme_summary(viewer.workshop_id, viewer.is_facilitator),
            "budget": budget_for(viewer, viewer.workshop),
            "issue_form": context.get("issue_form") or IssueForm(),
            "matrix": matrix_frame(),
        }

    def delta(self, viewer, changes, context):
        ids = changes.all_ids("issue")
        target_ids = changes.all_ids("target")
        touched = changes.touched.get("issue", set())
        # Dots are the most frequent change of all: they only need the numbers redrawn.
        dots_only = {pk for pk in ids if changes.verbs("issue", pk) == {"voted"} and pk not in touched}
        fragments = [Fragment("phases/issues.html#issue_counts", row) for row in issue_counts(viewer, dots_only)]
        ids -= dots_only
        rank_again = themes_again = False
        if ids or target_ids:
            # As for visions: only a restored issue brings the viewer's own dots back.
            personal = any("restored" in changes.verbs("issue", pk) for pk in ids) and not viewer.is_facilitator
            rows = issue_rows(viewer, ids=ids, target_ids=target_ids, personal=personal)
            found = {row.pk: row for row in rows}
            for pk in sorted(ids | {row.pk for row in rows}):
                row = found.get(pk)
                verbs = changes.verbs("issue", pk)
                # What else shows this issue: the ranking shows scored ones by title, the
                # theme list counts visible ones per theme.
                if verbs & RANKING_VERBS:
                    rank_again = True
                if verbs & THEME_COUNT_VERBS or pk in touched:
                    themes_again = True
                if row is None:
                    fragments += [Fragment.delete(f"issue-{pk}"), Fragment.delete(f"mx-{pk}")]
                    continue
                container = "gap-issues" if row.origin == IssueOrigin.DERIVED else "issue-list"
                if "created" in verbs and row.theme_id:
                    themes_again = True
                if changes.appeared("issue", pk, viewer):
                    fragments += Fragment.upsert(
                        "phases/issues.html#issue_card", row, f"issue-{pk}", container, personal=personal
                    )
                else:
                    if verbs - {"voted", "scored"} or row.target_id in target_ids or pk in changes.touched.get(
                        "issue", ()
                    ):
                        fragments.append(Fragment("phases/issues.html#issue_body", row))
                    if verbs & {"voted", "scored"}:
                        fragments.append(Fragment("phases/issues.html#issue_counts", row))
                if verbs - {"voted"}:
                    if row.matrix_point and not row.hidden:
                        fragments += Fragment.upsert(
                            "phases/issues.html#matrix_point", row, f"mx-{pk}", "matrix-points", svg=True
                        )
                    else:
                        fragments.append(Fragment.delete(f"mx-{pk}"))
        if changes.ids("theme"):
            themes_again = True
        if rank_again:
            fragments.append(Fragment("phases/issues.html#ranking", ranking_query(viewer)))
        if themes_again:
            fragments.append(
                Fragment("phases/issues.html#themes", theme_summary(viewer.workshop_id, viewer.is_facilitator))
            )
        if "dot_budget" in changes.workshop_fields and viewer.can_vote:
            fragments.append(
                Fragment("phases/issues.html#budget", budget_for(viewer, context["workshop"]), personal=True)
            )
        return fragments


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
        "ticks": [(n, *(round(v) for v in matrix_position(n, n))) for n in range(1, 6)],
    }


def roadmap_lists(workshop_id):
    milestones = list(Milestone.objects.filter(workshop_id=workshop_id).order_by("-year", "id"))
    actions = list(
        Action.objects.filter(workshop_id=workshop_id)
        .select_related("milestone")
        .prefetch_related("owners")
        .order_by("start_year", "id")
    )
    return {"milestones": milestones, "actions": actions}


class RoadmapBoard(Board):
    phase = Phase.ROADMAP
    template = "phases/roadmap.html"

    def page(self, viewer, context):
        return {"roadmap": roadmap_lists(viewer.workshop_id), "roadmap_url": reverse("roadmap", args=[viewer.workshop_id])}

    def delta(self, viewer, changes, context):
        # The roadmap builder records milestones, actions and their links under several
        # subject types; the plain list here is short, so any of them redoes it.
        roadmap_types = {"milestone", "action", "actionowner", "actionissue", "actiondependency"}
        if roadmap_types & set(changes.subjects):
            return [Fragment("phases/roadmap.html#roadmap_list", roadmap_lists(viewer.workshop_id))]
        return []


def export_summary(workshop_id):
    return {
        "visions": Vision.objects.filter(workshop_id=workshop_id, hidden=False).count(),
        "targets": Target.objects.filter(workshop_id=workshop_id).count(),
        "assessments": Assessment.objects.filter(target__workshop_id=workshop_id).count(),
        "issues": Issue.objects.filter(workshop_id=workshop_id, hidden=False).count(),
        "milestones": Milestone.objects.filter(workshop_id=workshop_id).count(),
        "actions": Action.objects.filter(workshop_id=workshop_id).count(),
        "participants": Participant.objects.filter(workshop_id=workshop_id).count(),
    }


def export_links(viewer):
    names = [
        ("workshop_export_pdf", _("Roadmap document (PDF)")),
        # The workshop file keeps hidden contributions and each person's votes: facilitators only.
        ("workshop_export_json", _("Workshop file (JSON)")) if viewer.is_facilitator else None,
        ("workshop_export_issues_csv", _("Issues (CSV)")),
        ("workshop_export_actions_csv", _("Actions (CSV)")),
    ]
    return [(label, reverse(name, args=[viewer.workshop_id])) for name, label in filter(None, names)]


class ExportBoard(Board):
    phase = Phase.EXPORT
    template = "phases/export.html"

    def page(self, viewer, context):
        return {
            "summary": export_summary(viewer.workshop_id),
            "adopted": adopted_vision_with_targets(viewer.workshop_id),
            "downloads": export_links(viewer),
            "overview_url": reverse("workshop_detail", args=[viewer.workshop_id]),
        }

    def delta(self, viewer, changes, context):
        if changes.subjects:
            return [Fragment("phases/export.html#summary", export_summary(viewer.workshop_id))]
        return []


BOARDS = {
    board.phase: board
    for board in (
        StakeholdersBoard(),
        VisionBoard(),
        CurrentStateBoard(),
        IssuesBoard(),
        RoadmapBoard(),
        ExportBoard(),
    )
}


class ConsoleBoard(Board):
    template = "phases/console.html"

    def page(self, viewer, context):
        participants = room_participants(viewer.workshop_id)
        return {
            "mix": RoomMix(participants),
            "participants": participants,
            "recent": recent_activity(viewer.workshop_id),
            "phase_form": context.get("phase_form"),
        }

    def delta(self, viewer, changes, context):
        fragments = []
        if changes.all_ids("participant"):
            fragments.append(Fragment("phases/console.html#roster", RoomMix(room_participants(viewer.workshop_id))))
        fragments.append(Fragment("phases/console.html#recent", recent_activity(viewer.workshop_id)))
        if changes.workshop_fields:
            fragments.append(Fragment("phases/console.html#controls", None))
        return fragments


CONSOLE = ConsoleBoard()


def recent_activity(workshop_id, limit=8):
    return list(
        Activity.objects.filter(workshop_id=workshop_id)
        .select_related("actor_participant", "actor_user")
        .order_by("-id")[:limit]
    )


# --- page context -------------------------------------------------------------------------


PAGE_PHASE, PAGE_PROJECTOR, PAGE_CONSOLE = "phase", "projector", "console"


def phase_steps(viewer, workshop, page_phase):
    steps = []
    for value, label in Phase.choices:
        steps.append(
            {
                "value": value,
                "label": label,
                "number": live.phase_index(value) + 1,
                "current": value == workshop.phase,
                "shown": value == page_phase,
                "url": phase_url(workshop.pk, value) if viewer.may_view_phase(value) else None,
            }
        )
    return steps


def is_writable(viewer, workshop, page_phase, view):
    """Whether the page shows contribution controls (the server decides again on every write)."""
    if view == PAGE_PROJECTOR or not viewer.can_contribute:
        return False
    return viewer.is_facilitator or page_phase == workshop.phase


def is_following(view, workshop, page_phase):
    return view == PAGE_PROJECTOR or (view == PAGE_PHASE and page_phase == workshop.phase)


def follow_url(view, workshop):
    if view == PAGE_PROJECTOR:
        return reverse("projector", args=[workshop.pk])
    return phase_url(workshop.pk, workshop.phase)


def common_context(viewer, page_phase, view):
    workshop = viewer.workshop
    # Read the revision before anything else: a change committed while the page loads is
    # then delivered again by the first poll (harmless) instead of being missed.
    since = live.last_activity_id(workshop.pk)
    writable = is_writable(viewer, workshop, page_phase, view)
    following = is_following(view, workshop, page_phase)
    return {
        "row": None,  # partials render `row` when a delta sends them alone, else their page's name
        "workshop": workshop,
        "viewer": viewer,
        "page_phase": page_phase,
        "page_phase_label": Phase(page_phase).label if page_phase else "",
        "view": view,
        "projector": view == PAGE_PROJECTOR,
        "writable": writable,
        "following": following,
        "steps": phase_steps(viewer, workshop, page_phase),
        "timer": live.timer_state(workshop),
        "now": timezone.now(),
        "poll_url": poll_url(viewer, since, page_phase, view, writable, following),
        "poll_seconds": live.POLL_SECONDS,
        "console_url": reverse("console", args=[workshop.pk]) if viewer.is_facilitator else None,
        "projector_url": reverse("projector", args=[workshop.pk]) if viewer.is_facilitator else None,
    }


def poll_url(viewer, since, page_phase, view, writable, following):
    query = {
        "since": since,
        "view": view,
        "phase": page_phase or "",
        "w": int(writable),
        "f": int(following),
        "t": viewer.token(),
        # The poll renders deltas in the page's language without looking up the person.
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
    }
    return f"{reverse('live_poll', args=[viewer.workshop_id])}?{urlencode(query)}"


def render_phase(request, viewer, phase, view=PAGE_PHASE, status=200, **overrides):
    board = BOARDS[phase]
    context = common_context(viewer, phase, view)
    context.update(overrides)
    context.update(board.page(viewer, context))
    return render(request, board.template, context, status=status)


# --- pages --------------------------------------------------------------------------------


@require_GET
def live_workshop(request, pk):
    """Where a link to "the workshop, live" goes: the phase the group is in now."""
    viewer = live.viewer_for(request, pk)
    return redirect("phase_page", pk, viewer.workshop.phase)


@require_GET
def phase_page(request, pk, phase):
    viewer = live.viewer_for(request, pk)
    if phase not in BOARDS:
        raise Http404("No such phase")
    if not viewer.may_view_phase(phase):
        return redirect("phase_page", pk, viewer.workshop.phase)
    return render_phase(request, viewer, phase)


@require_GET
def projector(request, pk):
    viewer = facilitator_viewer(request, pk)
    return render_phase(request, viewer, viewer.workshop.phase, view=PAGE_PROJECTOR)


def facilitator_action(view):
    """A write only facilitators may make: members get 403 with a message, others 404."""

    @wraps(view)
    def wrapper(request, pk, **kwargs):
        viewer = live.viewer_for(request, pk)
        try:
            if not viewer.is_facilitator:
                raise Refused(_("Only the facilitator can do this."), 403)
            return view(request, viewer, **kwargs)
        except Refused as refusal:
            return refused(request, viewer, refusal)

    return wrapper


def facilitator_viewer(request, pk):
    viewer = live.viewer_for(request, pk)
    if not viewer.is_facilitator:
        raise Http404("No such workshop")
    return viewer


@require_GET
def console(request, pk):
    viewer = facilitator_viewer(request, pk)
    return render_console(request, viewer)


def render_console(request, viewer, status=200, **overrides):
    context = common_context(viewer, None, PAGE_CONSOLE)
    context.update(overrides)
    context.update(CONSOLE.page(viewer, context))
    context.update(console_controls(viewer.workshop))
    return render(request, CONSOLE.template, context, status=status)


DEFAULT_TIMER_MINUTES = 10


def undo_phase(workshop):
    """The phase to go back to when the last move brought the group here (one click, no question)."""
    last_move = (
        Activity.objects.filter(workshop_id=workshop.pk, subject_type="workshop", changes__has_key="phase")
        .order_by("-id")
        .values_list("changes", flat=True)
        .first()
    )
    if last_move and last_move["phase"][1] == workshop.phase and last_move["phase"][0] in live.PHASES:
        return Phase(last_move["phase"][0])
    return None


def console_controls(workshop, **extra):
    index = live.phase_index(workshop.phase)
    phases = live.PHASES
    return {
        "previous_phase": Phase(phases[index - 1]) if index > 0 else None,
        "next_phase": Phase(phases[index + 1]) if index + 1 < len(phases) else None,
        "undo_phase": undo_phase(workshop),
        "phase_choices": Phase.choices,
        "timer_form": TimerForm(initial={"minutes": DEFAULT_TIMER_MINUTES}),
        "budget_form": DotBudgetForm(initial={"dot_budget": workshop.dot_budget}),
        "timer": live.timer_state(workshop),
        "now": timezone.now(),
        **extra,
    }


# --- the live poll ------------------------------------------------------------------------


@require_GET
def live_poll(request, pk):
    """The idle check and the delta (see live.py). Never reads the session or the user."""
    try:
        viewer = live.viewer_from_token(request.GET.get("t", ""), pk)
        since = int(request.GET.get("since", "0"))
    except (live.BadToken, ValueError):
        # An old or foreign page: reloading it runs the full access check again.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    rows = live.activity_since(pk, since)
    if not rows:
        return HttpResponse(status=204)
    if not viewer.still_belongs():
        # Removed since the page loaded (or signed out of facilitating): reloading checks access.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    language = request.GET.get("lang")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
    if len(rows) > live.MAX_DELTA_ROWS:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render_delta(request, viewer, Changes.from_rows(rows), request.GET, since)


# Language middleware may skip its session and user lookups for this view: the address names the language.
live_poll.language_in_address = True


def render_delta(request, viewer, changes, params, since):
    view = params.get("view", PAGE_PHASE)
    if view not in (PAGE_PHASE, PAGE_PROJECTOR, PAGE_CONSOLE) or (view != PAGE_PHASE and not viewer.is_facilitator):
        view = PAGE_PHASE  # the console's activity list and roster are for facilitators only
    page_phase = params.get("phase") or None
    writable = params.get("w") == "1" and view != PAGE_PROJECTOR
    following = params.get("f") == "1"
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
        translation.get_language(),
    )
    body = live.DELTA_MEMO.get(key)
    if body is None:
        fragments, context = delta_fragments(viewer, changes, view, page_phase, writable, following)
        body = render_to_string("phases/delta.html", context, request)
        if not any(fragment.personal for fragment in fragments):
            live.DELTA_MEMO.put(key, body)
    url = poll_url(viewer, changes.last_id, page_phase, view, writable, following)
    return HttpResponse(body + poller_html(url))


def poller_html(url):
    """The page's poller with its next revision (the same element as base_phase.html#poller)."""
    return format_html(
        '<div id="live-poll" hx-get="{}" hx-trigger="every {}s, live-refresh from:body" hx-swap="none" '
        'hx-sync="this:drop" hx-swap-oob="true"></div>',
        url,
        live.POLL_SECONDS,
    )


def delta_fragments(viewer, changes, view, page_phase, writable, following):
    context = {
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
        context["timer"] = live.timer_state(workshop)
        context["now"] = timezone.now()
        if changes.phase_moved and following and page_phase != workshop.phase:
            context["follow_url"] = follow_url(view, workshop)
        fragments.append(Fragment("phases/base_phase.html#banner"))
        fragments.append(Fragment("phases/base_phase.html#timer"))
        if view == PAGE_CONSOLE:
            context.update(console_controls(workshop))
    if view == PAGE_CONSOLE:
        fragments += CONSOLE.delta(viewer, changes, context)
    elif page_phase in BOARDS and not context.get("follow_url"):
        fragments += BOARDS[page_phase].delta(viewer, changes, context)
    context["fragments"] = fragments
    return fragments, context


# --- responses for writes -----------------------------------------------------------------


def refused(request, viewer, refusal):
    context = {"message": refusal.message, "workshop": viewer.workshop, "viewer": viewer}
    if request.htmx:
        response = render(request, "phases/refused.html#message", context, status=refusal.status)
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML"
        return response
    context["back_url"] = phase_url(viewer.workshop_id, viewer.workshop.phase) if viewer.workshop else "/"
    return render(request, "phases/refused.html", context, status=refusal.status)


def done(request, back, htmx_response=None):
    """A write succeeded: htmx gets its partial and polls at once; a plain POST goes back."""
    if request.htmx:
        response = htmx_response if htmx_response is not None else HttpResponse(status=204)
        response["HX-Trigger"] = "live-refresh"
        return response
    return redirect(back)


def item_of(model, viewer, item_id, **filters):
    """An item of the viewer's workshop; hidden ones exist only for facilitators."""
    rows = model.objects.filter(workshop_id=viewer.workshop_id, **filters)
    if not viewer.is_facilitator and hasattr(model, "hidden"):
        rows = rows.filter(hidden=False)
    return get_object_or_404(rows, pk=item_id)


def require_change_right(viewer, item):
    if not viewer.may_change(item):
        raise Refused(_("You can only change your own contributions."), 403)


def require_participant(viewer):
    if not viewer.can_vote:
        raise Refused(_("Only participants can do this."), 403)


# --- stakeholders -------------------------------------------------------------------------


@require_POST
def stakeholder_add(request, pk):
    viewer = live.viewer_for(request, pk)
    form = StakeholderForm(request.POST, workshop=viewer.workshop)
    try:
        with contribution(viewer, Phase.STAKEHOLDERS) as workshop:
            if form.is_valid():
                if live.claim_form_key(workshop, form.cleaned_data["form_key"]):
                    organisation = form.save(commit=False)
                    organisation.workshop = workshop
                    organisation.save()
                    record(viewer, "created", organisation, summary=organisation.name)
                form = StakeholderForm(workshop=workshop)
                saved = True
            else:
                saved = False
    except Refused as refusal:
        return refused(request, viewer, refusal)
    back = phase_url(pk, Phase.STAKEHOLDERS)
    if request.htmx:
        response = render(request, "phases/stakeholders.html#stakeholder_form", form_context(viewer, stakeholder_form=form))
        return done(request, back, response) if saved else response
    if saved:
        return redirect(back)
    return render_phase(request, viewer, Phase.STAKEHOLDERS, stakeholder_form=form)


def form_context(viewer, **forms):
    return {"workshop": viewer.workshop, "viewer": viewer, "writable": True, **forms}


@require_POST
def stakeholder_delete(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    organisation = get_object_or_404(Stakeholder, workshop_id=pk, pk=item_id)
    try:
        with contribution(viewer, facilitator_only=True):
            if organisation.actions.exists():
                raise Refused(_("This organisation owns roadmap actions; change those first."), 409)
            before = {"name": organisation.name, "sector": organisation.sector}
            record(viewer, "deleted", organisation, summary=organisation.name, changes={"before": before})
            organisation.delete()
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.STAKEHOLDERS))


# --- vision -------------------------------------------------------------------------------


@require_POST
def vision_add(request, pk):
    viewer = live.viewer_for(request, pk)
    form = VisionForm(request.POST, workshop=viewer.workshop)
    try:
        with contribution(viewer, Phase.VISION) as workshop:
            saved = form.is_valid()
            if saved:
                if live.claim_form_key(workshop, form.cleaned_data["form_key"]):
                    vision = form.save(commit=False)
                    vision.workshop = workshop
                    vision.author_id = viewer.participant_id
                    vision.save()
                    vision.set_sdgs(form.cleaned_data["sdgs"])
                    record(
                        viewer,
                        "created",
                        vision,
                        summary=vision.statement,
                        changes={"statement": [None, vision.statement], "sdgs": [None, sorted(form.cleaned_data["sdgs"])]},
                    )
                form = VisionForm(workshop=workshop)
    except Refused as refusal:
        return refused(request, viewer, refusal)
    back = phase_url(pk, Phase.VISION)
    if request.htmx:
        response = render(request, "phases/vision.html#vision_form", form_context(viewer, vision_form=form))
        return done(request, back, response) if saved else response
    if saved:
        return redirect(back)
    return render_phase(request, viewer, Phase.VISION, vision_form=form)


def editor_response(request, template, context, status=200):
    if request.htmx:
        return render(request, f"{template}#editor", context, status=status)
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def vision_edit(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    vision = item_of(Vision, viewer, item_id)
    context = {"workshop": viewer.workshop, "viewer": viewer, "item": vision, "kind": "vision"}
    if request.method == "GET":
        if not viewer.may_change(vision):
            return refused(request, viewer, Refused(_("You can only change your own contributions."), 403))
        context["form"] = VisionEditForm(instance=vision, workshop=viewer.workshop)
        return editor_response(request, "phases/edit.html", context)
    form = VisionEditForm(request.POST, instance=vision, workshop=viewer.workshop)
    context["form"] = form
    try:
        with contribution(viewer, Phase.VISION):
            require_change_right(viewer, vision)
            if not form.is_valid():
                return editor_response(request, "phases/edit.html", context)
            current = Vision.objects.get(pk=vision.pk)
            before = {"statement": current.statement, "target_year": current.target_year, "sdgs": current.sdg_numbers}
            after = {
                "statement": form.cleaned_data["statement"],
                "target_year": form.cleaned_data["target_year"],
                "sdgs": sorted(form.cleaned_data["sdgs"]),
            }
            updated = Vision.objects.filter(pk=vision.pk, version=form.cleaned_data["version"]).update(
                statement=after["statement"],
                target_year=after["target_year"],
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
            if not updated:
                return conflict(request, viewer, current, form, "vision")
            current.set_sdgs(after["sdgs"])
            changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
            record(viewer, "updated", current, summary=after["statement"], changes=changed)
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.VISION) + f"#vision-{vision.pk}", empty_editor(request, "vision", vision))


def empty_editor(request, kind, item):
    if not request.htmx:
        return None
    return HttpResponse(f'<div id="{kind}-{item.pk}-editor" class="editor"></div>')


def conflict(request, viewer, current, form, kind):
    """Someone saved first: show their text next to yours, to merge and save again."""
    if kind == "vision":
        fresh = VisionEditForm(instance=current, workshop=viewer.workshop)
        yours = form.cleaned_data["statement"]
        theirs = current.statement
    else:
        fresh = IssueEditForm(instance=current)
        yours = f"{form.cleaned_data['title']}\n\n{form.cleaned_data['description']}".strip()
        theirs = f"{current.title}\n\n{current.description}".strip()
    # The form keeps what you typed, with the current version: saving again overwrites knowingly.
    data = form.data.copy()
    data["version"] = current.version
    form = type(fresh)(data, instance=current, **({"workshop": viewer.workshop} if kind == "vision" else {}))
    form.is_valid()
    context = {
        "workshop": viewer.workshop,
        "viewer": viewer,
        "item": current,
        "kind": kind,
        "form": form,
        "conflict": {"theirs": theirs, "yours": yours},
    }
    return editor_response(request, "phases/edit.html", context, status=409)


@require_POST
def vision_delete(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    vision = item_of(Vision, viewer, item_id)
    try:
        with contribution(viewer, Phase.VISION):
            require_change_right(viewer, vision)
            if vision.status == VisionStatus.ADOPTED or vision.targets.exists():
                raise Refused(_("The adopted vision and its targets stay; adopt another one instead."), 409)
            record(viewer, "deleted", vision, summary=vision.statement, changes={"statement": [vision.statement, None]})
            vision.delete()
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.VISION))


@require_POST
def vision_endorse(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    vision = item_of(Vision, viewer, item_id)
    form = EndorseForm(request.POST)
    form.is_valid()
    endorse = form.cleaned_data.get("endorse", False)
    try:
        with contribution(viewer, Phase.VISION):
            require_participant(viewer)
            if vision.author_id == viewer.participant_id:
                raise Refused(_("Endorse other people's visions; your own counts as yours."), 403)
            existing = Endorsement.objects.filter(vision=vision, participant_id=viewer.participant_id)
            if endorse and not existing.exists():
                Endorsement.objects.create(vision=vision, participant_id=viewer.participant_id)
                record(viewer, "endorsed", vision, summary=vision.statement)
            elif not endorse and existing.exists():
                existing.delete()
                record(viewer, "withdrew", vision, summary=vision.statement)
    except Refused as refusal:
        return refused(request, viewer, refusal)
    vision = vision_rows(viewer, [vision.pk])[0]
    response = None
    if request.htmx:
        response = render(request, "phases/vision.html#vision_mine", {"row": vision, "viewer": viewer, "writable": True, "workshop": viewer.workshop})
    return done(request, phase_url(pk, Phase.VISION) + f"#vision-{vision.pk}", response)


@require_POST
def vision_adopt(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    vision = item_of(Vision, viewer, item_id)
    try:
        with contribution(viewer, facilitator_only=True):
            if vision.hidden:
                raise Refused(_("Restore this vision before adopting it."), 409)
            previous = list(
                Vision.objects.filter(workshop_id=pk, status=VisionStatus.ADOPTED).exclude(pk=vision.pk).values_list("pk", flat=True)
            )
            if vision.status != VisionStatus.ADOPTED:
                vision.adopt()
                record(
                    viewer,
                    "adopted",
                    vision,
                    summary=vision.statement,
                    changes={"status": [None, VisionStatus.ADOPTED], "touches": {"vision": previous}},
                )
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.VISION) + f"#vision-{vision.pk}")


@require_GET
def vision_history(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    vision = item_of(Vision, viewer, item_id)
    entries = list(
        Activity.objects.filter(workshop_id=pk, subject_type="vision", subject_id=vision.pk)
        .select_related("actor_participant", "actor_user")
        .order_by("id")
    )
    for entry in entries:
        entry.change_rows = history_rows(entry.changes)
    context = {"workshop": viewer.workshop, "viewer": viewer, "item": vision, "entries": entries, "kind": "vision"}
    if request.htmx:
        return render(request, "phases/history.html#history", context)
    return render(request, "phases/history.html", context)


HISTORY_LABELS = {
    "statement": gettext_lazy("statement"),
    "target_year": gettext_lazy("target year"),
    "sdgs": gettext_lazy("SDGs"),
    "status": gettext_lazy("status"),
    "hidden": gettext_lazy("hidden"),
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
}


def history_rows(changes):
    rows = []
    for key, value in (changes or {}).items():
        if key not in HISTORY_LABELS or not isinstance(value, list) or len(value) != 2:
            continue
        before, after = value
        rows.append({"field": HISTORY_LABELS[key], "before": before, "after": after})
    return rows


@require_POST
def contribution_hide(request, pk, kind, item_id):
    """Hide a vision or an issue from participants, or restore it (recorded either way)."""
    model = {"vision": Vision, "issue": Issue}.get(kind)
    if model is None:
        raise Http404("No such kind")
    viewer = live.viewer_for(request, pk)
    item = item_of(model, viewer, item_id)
    form = HideForm(request.POST)
    form.is_valid()
    hidden = form.cleaned_data.get("hidden", False)
    phase = Phase.VISION if kind == "vision" else Phase.ISSUES
    try:
        with contribution(viewer, facilitator_only=True):
            if kind == "vision" and hidden and item.status == VisionStatus.ADOPTED:
                raise Refused(_("The adopted vision cannot be hidden; adopt another one first."), 409)
            if item.hidden != hidden:
                model.objects.filter(pk=item.pk).update(hidden=hidden)
                record(
                    viewer,
                    "hidden" if hidden else "restored",
                    item,
                    summary=str(item),
                    changes={"hidden": [item.hidden, hidden]},
                )
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, phase) + f"#{kind}-{item.pk}")


# --- targets and assessments --------------------------------------------------------------


@require_POST
def target_add(request, pk):
    viewer = live.viewer_for(request, pk)
    try:
        with contribution(viewer, facilitator_only=True) as workshop:
            adopted = Vision.objects.filter(workshop=workshop, status=VisionStatus.ADOPTED).first()
            if adopted is None:
                raise Refused(_("Adopt a vision first; targets belong to the adopted vision."), 409)
            form = TargetForm(request.POST, workshop=workshop, instance=Target(workshop=workshop, vision=adopted))
            saved = form.is_valid()
            if saved:
                if live.claim_form_key(workshop, form.cleaned_data["form_key"]):
                    target = form.save(commit=False)
                    target.workshop = workshop
                    target.vision = adopted
                    target.save()
                    record(viewer, "created", target, summary=target.indicator)
                form = TargetForm(workshop=workshop)
    except Refused as refusal:
        return refused(request, viewer, refusal)
    back = phase_url(pk, Phase.VISION) + "#adopted-vision"
    if request.htmx:
        response = render(request, "phases/vision.html#target_form", form_context(viewer, target_form=form))
        return done(request, back, response) if saved else response
    if saved:
        return redirect(back)
    return render_phase(request, viewer, Phase.VISION, target_form=form)


@require_POST
def target_delete(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    target = get_object_or_404(Target, workshop_id=pk, pk=item_id)
    try:
        with contribution(viewer, facilitator_only=True):
            record(
                viewer,
                "deleted",
                target,
                summary=target.indicator,
                changes={"indicator": [target.indicator, None], "touches": {"issue": list(target.issues.values_list("pk", flat=True))}},
            )
            target.delete()
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.VISION) + "#adopted-vision")


@require_POST
def assessment_add(request, pk, target_id):
    viewer = live.viewer_for(request, pk)
    target = get_object_or_404(Target, workshop_id=pk, pk=target_id, vision__status=VisionStatus.ADOPTED)
    form = assessment_form(target.pk, request.POST, instance=Assessment(target=target, author_id=viewer.participant_id))
    try:
        with contribution(viewer, Phase.CURRENT_STATE) as workshop:
            saved = form.is_valid()
            if saved:
                if live.claim_form_key(workshop, form.cleaned_data["form_key"]):
                    had_issue = Issue.objects.filter(target=target, origin=IssueOrigin.DERIVED).exists()
                    assessment = form.save(commit=False)
                    assessment.target = target
                    assessment.author_id = viewer.participant_id
                    assessment.save()
                    record(
                        viewer,
                        "created",
                        assessment,
                        summary=f"{target.indicator}: {assessment.value}",
                        changes={"touches": {"target": [target.pk]}},
                    )
                    if not had_issue:
                        issue = Issue.objects.get(target=target, origin=IssueOrigin.DERIVED)
                        live.record(viewer, "created", issue, summary=issue.title)
                form = assessment_form(target.pk)
    except Refused as refusal:
        return refused(request, viewer, refusal)
    back = phase_url(pk, Phase.CURRENT_STATE) + f"#target-{target.pk}"
    if request.htmx:
        row = TargetRow(target, [], None)
        row.form = form
        response = render(request, "phases/current_state.html#assessment_form", {**form_context(viewer), "row": row})
        return done(request, back, response) if saved else response
    if saved:
        return redirect(back)
    return render_phase(request, viewer, Phase.CURRENT_STATE, assessment_form=form)


@require_POST
def assessment_delete(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    assessment = get_object_or_404(Assessment, target__workshop_id=pk, pk=item_id)
    try:
        with contribution(viewer, Phase.CURRENT_STATE):
            require_change_right(viewer, assessment)
            record(
                viewer,
                "deleted",
                assessment,
                summary=f"{assessment.value} ({assessment.as_of})",
                changes={
                    "before": {"value": assessment.value, "as_of": assessment.as_of.isoformat(), "source": assessment.source, "note": assessment.note},
                    "touches": {"target": [assessment.target_id]},
                },
            )
            assessment.delete()
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.CURRENT_STATE) + f"#target-{assessment.target_id}")


# --- issues -------------------------------------------------------------------------------


@require_POST
def issue_add(request, pk):
    viewer = live.viewer_for(request, pk)
    form = IssueForm(
        request.POST,
        instance=Issue(workshop_id=viewer.workshop_id, origin=IssueOrigin.PARTICIPANT, author_id=viewer.participant_id),
    )
    try:
        with contribution(viewer, Phase.ISSUES) as workshop:
            saved = form.is_valid()
            if saved:
                if live.claim_form_key(workshop, form.cleaned_data["form_key"]):
                    issue = form.save(commit=False)
                    issue.workshop = workshop
                    issue.origin = IssueOrigin.PARTICIPANT
                    issue.author_id = viewer.participant_id
                    issue.save()
                    record(viewer, "created", issue, summary=issue.title, changes={"title": [None, issue.title]})
                form = IssueForm()
    except Refused as refusal:
        return refused(request, viewer, refusal)
    back = phase_url(pk, Phase.ISSUES)
    if request.htmx:
        response = render(request, "phases/issues.html#issue_form", form_context(viewer, issue_form=form))
        return done(request, back, response) if saved else response
    if saved:
        return redirect(back + "#issue-list")
    return render_phase(request, viewer, Phase.ISSUES, issue_form=form)


@require_http_methods(["GET", "POST"])
def issue_edit(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    issue = item_of(Issue, viewer, item_id)
    context = {"workshop": viewer.workshop, "viewer": viewer, "item": issue, "kind": "issue"}
    if request.method == "GET":
        if not viewer.may_change(issue):
            return refused(request, viewer, Refused(_("You can only change your own contributions."), 403))
        context["form"] = IssueEditForm(instance=issue)
        return editor_response(request, "phases/edit.html", context)
    form = IssueEditForm(request.POST, instance=issue)
    context["form"] = form
    try:
        with contribution(viewer, Phase.ISSUES):
            require_change_right(viewer, issue)
            if not form.is_valid():
                return editor_response(request, "phases/edit.html", context)
            current = Issue.objects.get(pk=issue.pk)
            before = {"title": current.title, "description": current.description}
            after = {"title": form.cleaned_data["title"], "description": form.cleaned_data["description"]}
            updated = Issue.objects.filter(pk=issue.pk, version=form.cleaned_data["version"]).update(
                **after, version=F("version") + 1, updated_at=timezone.now()
            )
            if not updated:
                return conflict(request, viewer, current, form, "issue")
            changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
            record(viewer, "updated", current, summary=after["title"], changes=changed)
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.ISSUES) + f"#issue-{issue.pk}", empty_editor(request, "issue", issue))


@require_POST
def issue_delete(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    issue = item_of(Issue, viewer, item_id)
    try:
        with contribution(viewer, Phase.ISSUES):
            require_change_right(viewer, issue)
            if issue.is_derived:
                raise Refused(_("Gap issues come from the targets; a facilitator can hide one instead."), 409)
            record(
                viewer,
                "deleted",
                issue,
                summary=issue.title,
                changes={"title": [issue.title, None], "description": [issue.description, None]},
            )
            issue.delete()
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.ISSUES))


@require_POST
def issue_vote(request, pk, item_id):
    """Set the participant's dots on one issue, within their budget."""
    viewer = live.viewer_for(request, pk)
    issue = item_of(Issue, viewer, item_id)
    form = VoteForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("Give a whole number of dots."), 409)
        wanted = form.cleaned_data["dots"]
        with contribution(viewer, Phase.ISSUES) as workshop:
            require_participant(viewer)
            # The workshop row is held already; the participant row too, so that budget
            # arithmetic is serialised even for writers that lock only the participant.
            Participant.objects.select_for_update().filter(pk=viewer.participant_id).first()
            vote = IssueVote.objects.filter(issue=issue, participant_id=viewer.participant_id).first()
            current = vote.dots if vote else 0
            spent_elsewhere = dots_spent(viewer.participant_id) - current
            if wanted > current and spent_elsewhere + wanted > workshop.dot_budget:
                raise Refused(
                    _("You have no dots left (%(budget)s in all). Take a dot off another issue first.")
                    % {"budget": workshop.dot_budget},
                    409,
                )
            if wanted != current:
                if wanted == 0:
                    vote.delete()
                elif vote is None:
                    IssueVote.objects.create(issue=issue, participant_id=viewer.participant_id, dots=wanted)
                else:
                    IssueVote.objects.filter(pk=vote.pk).update(dots=wanted)
                record(viewer, "voted", issue, summary=issue.title, changes={"dots": [current, wanted]})
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.ISSUES) + f"#issue-{issue.pk}", mine_response(request, viewer, issue.pk, with_budget=True))


def mine_response(request, viewer, issue_id, with_budget=False):
    if not request.htmx:
        return None
    row = issue_rows(viewer, ids=[issue_id])[0]
    context = {"row": row, "viewer": viewer, "workshop": viewer.workshop, "writable": True}
    if with_budget:
        context["budget"] = budget_for(viewer, viewer.workshop)
    return render(request, "phases/issues.html#vote_response", context)


@require_POST
def issue_score(request, pk, item_id):
    viewer = live.viewer_for(request, pk)
    issue = item_of(Issue, viewer, item_id)
    form = ScoreForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("Choose impact and feasibility from 1 to 5."), 409)
        with contribution(viewer, Phase.ISSUES):
            require_participant(viewer)
            score = IssueScore.objects.filter(issue=issue, participant_id=viewer.participant_id).first()
            before = [score.impact, score.feasibility] if score else None
            after = [form.cleaned_data["impact"], form.cleaned_data["feasibility"]]
            if before != after:
                IssueScore.objects.update_or_create(
                    issue=issue,
                    participant_id=viewer.participant_id,
                    defaults={"impact": after[0], "feasibility": after[1]},
                )
                record(viewer, "scored", issue, summary=issue.title, changes={"score": [before, after]})
    except Refused as refusal:
        return refused(request, viewer, refusal)
    return done(request, phase_url(pk, Phase.ISSUES) + f"#issue-{issue.pk}", mine_response(request, viewer, issue.pk))


# --- themes (facilitator) -----------------------------------------------------------------


def themes_context(viewer, **forms):
    workshop = viewer.workshop
    themes = list(Theme.objects.filter(workshop=workshop).prefetch_related("issues").order_by("name", "id"))
    rename, split = forms.get("rename_form"), forms.get("split_form")
    for theme in themes:
        theme.rename_form = (
            rename
            if rename is not None and rename.theme == theme
            else ThemeForm(workshop=workshop, theme=theme, initial={"name": theme.name}, prefix=f"rename-{theme.pk}")
        )
        theme.split_form = (
            split
            if split is not None and split.source == theme
            else SplitThemeForm(workshop=workshop, source=theme, prefix=f"split-{theme.pk}")
        )
    return {
        "workshop": workshop,
        "viewer": viewer,
        "themes": themes,
        "unthemed": list(Issue.objects.filter(workshop=workshop, theme__isnull=True).order_by("id")),
        "theme_form": forms.get("theme_form") or ThemeForm(workshop=workshop),
        "assign_form": forms.get("assign_form") or AssignIssuesForm(workshop=workshop),
        "merge_form": forms.get("merge_form") or MergeThemesForm(workshop=workshop),
        "back_url": phase_url(workshop.pk, Phase.ISSUES),
    }


@require_GET
def themes(request, pk):
    viewer = facilitator_viewer(request, pk)
    return render(request, "phases/themes.html", themes_context(viewer))


def theme_done(request, viewer):
    return done(request, reverse("themes", args=[viewer.workshop_id]), render(request, "phases/themes.html#board", themes_context(viewer)) if request.htmx else None)


def theme_invalid(request, viewer, **forms):
    template = "phases/themes.html#board" if request.htmx else "phases/themes.html"
    return render(request, template, themes_context(viewer, **forms))


@require_POST
@facilitator_action
def theme_add(request, viewer):
    form = ThemeForm(request.POST, workshop=viewer.workshop)
    with contribution(viewer, facilitator_only=True) as workshop:
        if not form.is_valid():
            return theme_invalid(request, viewer, theme_form=form)
        if live.claim_form_key(workshop, form.cleaned_data["form_key"]):
            theme = Theme.objects.create(workshop=workshop, name=form.cleaned_data["name"])
            record(viewer, "created", theme, summary=theme.name, changes={"name": [None, theme.name]})
    return theme_done(request, viewer)


@require_POST
@facilitator_action
def theme_rename(request, viewer, theme_id):
    pk = viewer.workshop_id
    theme = get_object_or_404(Theme, workshop_id=pk, pk=theme_id)
    form = ThemeForm(request.POST, workshop=viewer.workshop, theme=theme, prefix=f"rename-{theme.pk}")
    with contribution(viewer, facilitator_only=True):
        if not form.is_valid():
            return theme_invalid(request, viewer, rename_form=form)
        before = theme.name
        theme.name = form.cleaned_data["name"]
        theme.save(update_fields=["name"])
        record(
            viewer,
            "renamed",
            theme,
            summary=theme.name,
            changes={"name": [before, theme.name], "touches": {"issue": list(theme.issues.values_list("pk", flat=True))}},
        )
    return theme_done(request, viewer)


@require_POST
@facilitator_action
def theme_merge(request, viewer):
    form = MergeThemesForm(request.POST, workshop=viewer.workshop)
    with contribution(viewer, facilitator_only=True):
        if not form.is_valid():
            return theme_invalid(request, viewer, merge_form=form)
        source, into = form.cleaned_data["source"], form.cleaned_data["into"]
        moved = list(source.issues.values_list("pk", flat=True))
        Issue.objects.filter(pk__in=moved).update(theme=into)
        record(
            viewer,
            "merged",
            into,
            summary=f"{source.name} → {into.name}",
            changes={"merged": [source.name, into.name], "touches": {"issue": moved, "theme": [source.pk]}},
        )
        source.delete()
    return theme_done(request, viewer)


@require_POST
@facilitator_action
def theme_split(request, viewer, theme_id):
    pk = viewer.workshop_id
    source = get_object_or_404(Theme, workshop_id=pk, pk=theme_id)
    form = SplitThemeForm(request.POST, workshop=viewer.workshop, source=source, prefix=f"split-{source.pk}")
    with contribution(viewer, facilitator_only=True) as workshop:
        if not form.is_valid():
            return theme_invalid(request, viewer, split_form=form)
        if live.claim_form_key(workshop, form.cleaned_data["form_key"]):
            new_theme = Theme.objects.create(workshop=workshop, name=form.cleaned_data["name"])
            moved = [issue.pk for issue in form.cleaned_data["issues"]]
            Issue.objects.filter(pk__in=moved, theme=source).update(theme=new_theme)
            record(
                viewer,
                "split",
                new_theme,
                summary=f"{source.name} → {new_theme.name}",
                changes={"split": [source.name, new_theme.name], "touches": {"issue": moved, "theme": [source.pk]}},
            )
    return theme_done(request, viewer)


@require_POST
@facilitator_action
def theme_assign(request, viewer):
    form = AssignIssuesForm(request.POST, workshop=viewer.workshop)
    with contribution(viewer, facilitator_only=True):
        if not form.is_valid():
            return theme_invalid(request, viewer, assign_form=form)
        theme = form.cleaned_data["theme"]
        moved = [issue.pk for issue in form.cleaned_data["issues"]]
        Issue.objects.filter(pk__in=moved).update(theme=theme)
        record(
            viewer,
            "grouped",
            theme,
            summary=theme.name if theme else _("(no theme)"),
            changes={"touches": {"issue": moved}},
        )
    return theme_done(request, viewer)


@require_POST
@facilitator_action
def theme_delete(request, viewer, theme_id):
    pk = viewer.workshop_id
    theme = get_object_or_404(Theme, workshop_id=pk, pk=theme_id)
    with contribution(viewer, facilitator_only=True):
        moved = list(theme.issues.values_list("pk", flat=True))
        record(viewer, "deleted", theme, summary=theme.name, changes={"name": [theme.name, None], "touches": {"issue": moved}})
        theme.delete()
    return theme_done(request, viewer)


# --- facilitator controls -----------------------------------------------------------------


def controls_response(request, viewer, back=None, **extra):
    """The console's control panel for htmx; a redirect back to the console otherwise."""
    if request.htmx:
        context = common_context(viewer, None, PAGE_CONSOLE)
        context.update(console_controls(viewer.workshop, **extra))
        return done(request, back, render(request, "phases/console.html#controls", context))
    return redirect(back or reverse("console", args=[viewer.workshop_id]))


@require_POST
@facilitator_action
def phase_move(request, viewer):
    """Move the group to another phase: asked once, then done, with an undo right after."""
    form = PhaseMoveForm(request.POST)
    if not form.is_valid():
        return controls_response(request, viewer)
    target = form.cleaned_data["to"]
    if not form.cleaned_data["confirmed"] and target != viewer.workshop.phase:
        confirm = {"to": Phase(target), "from": Phase(viewer.workshop.phase)}
        if request.htmx:
            context = common_context(viewer, None, PAGE_CONSOLE)
            context.update(console_controls(viewer.workshop, confirm=confirm))
            return render(request, "phases/console.html#controls", context)
        return render_console(request, viewer, confirm=confirm)
    with contribution(viewer, facilitator_only=True) as workshop:
        before = workshop.phase
        if before != target:
            workshop.phase = target
            workshop.save(update_fields=["phase", "updated_at"])
            record(
                viewer,
                "updated",
                None,
                summary=_("Phase: %(phase)s") % {"phase": Phase(target).label},
                changes={"phase": [before, target]},
            )
    if not request.htmx:
        messages.success(request, _("Everyone is now in “%(phase)s”.") % {"phase": Phase(target).label})
    return controls_response(request, viewer)


@require_POST
@facilitator_action
def workshop_lock(request, viewer):
    form = LockForm(request.POST)
    form.is_valid()
    locked = form.cleaned_data.get("locked", False)
    with contribution(viewer, facilitator_only=True) as workshop:
        if workshop.locked != locked:
            workshop.locked = locked
            workshop.save(update_fields=["locked", "updated_at"])
            record(
                viewer,
                "updated",
                None,
                summary=_("Contributions locked") if locked else _("Contributions unlocked"),
                changes={"locked": [not locked, locked]},
            )
    return controls_response(request, viewer)


@require_POST
@facilitator_action
def workshop_timer(request, viewer):
    form = TimerForm(request.POST)
    if not form.is_valid():
        return controls_response(request, viewer)
    action = form.cleaned_data["action"]
    with contribution(viewer, facilitator_only=True) as workshop:
        if action == TimerForm.START:
            minutes = form.cleaned_data.get("minutes")
            if minutes:
                live.start_timer(workshop, minutes * 60)
            elif live.timer_state(workshop).state == "paused":
                live.start_timer(workshop)  # resume
            else:
                live.start_timer(workshop, DEFAULT_TIMER_MINUTES * 60)
        elif action == TimerForm.PAUSE:
            live.pause_timer(workshop)
        else:
            live.reset_timer(workshop)
        workshop.save(update_fields=["timer_ends_at", "timer_remaining", "updated_at"])
        record(viewer, "updated", None, summary=_("Timer: %(action)s") % {"action": action}, changes={"timer": action})
    return controls_response(request, viewer)


@require_POST
@facilitator_action
def workshop_dot_budget(request, viewer):
    form = DotBudgetForm(request.POST)
    if not form.is_valid():
        return controls_response(request, viewer)
    with contribution(viewer, facilitator_only=True) as workshop:
        before = workshop.dot_budget
        if before != form.cleaned_data["dot_budget"]:
            workshop.dot_budget = form.cleaned_data["dot_budget"]
            workshop.save(update_fields=["dot_budget", "updated_at"])
            record(
                viewer,
                "updated",
                None,
                summary=_("Dots per participant: %(n)s") % {"n": workshop.dot_budget},
                changes={"dot_budget": [before, workshop.dot_budget]},
            )
    return controls_response(request, viewer)
