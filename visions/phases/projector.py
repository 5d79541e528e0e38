"""The projector: one screen per phase, designed for a room (1920×1080 or 1280×720, read from 5 m).

Each phase has its own projector board: one focus in large type, only the top items (with
"and N more"), never a scroll bar, the timer and the lock state, and a corner with the join
address, the code and its QR code. A projector board shows what its phase's page shows and
redraws its whole stage on a change: there is one projector per room, and the stage is
built from one snapshot (a fixed number of queries).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from visions import sdgs
from visions.documents.charts import target_chart_svg, with_unit
from visions.documents.snapshot import shared_snapshot
from visions.documents.timeline.layout import fit_text
from visions.live.pages import (
    BOARDS,
    PAGE_PROJECTOR,
    Board,
    Fragment,
    delta_workshop,
    register,
    render_page,
    shared_html,
)
from visions.models import Phase, Role, Sector, VisionStatus
from visions.phases import current_state, export, issues, roadmap, stakeholders, vision
from visions.phases.projector_timeline import room_timeline_svg
from visions.workshops.views import JOIN_CODE_ROTATED
from visions.workshops.joining import joining

# How many items each phase shows before "and N more": what fits at 1280×720 in 20 px type.
TOP_PROPOSALS = 4
TOP_TARGETS = 4
TOP_RANKING = 6
TOP_DISCIPLINES = 6
MATRIX_SIZE = 400
MATRIX_PAD = 60
MATRIX_FONT = 26  # as static/css/projector.css draws the matrix's text
MATRIX_CAPTION = 44  # a line under the plot for the hovered or focused point's title


def more(items, limit):
    """(the first `limit` items, how many are left out)."""
    return items[:limit], max(0, len(items) - limit)


def people_of(snapshot):
    participants = [p for p in snapshot.participants if p.role == Role.PARTICIPANT]
    observers = [p for p in snapshot.participants if p.role == Role.OBSERVER]
    return participants, observers


def stakeholders_stage(snapshot):
    mix = stakeholders.RoomMix(snapshot.participants)
    participants, observers = people_of(snapshot)
    counts = mix.sector_counts
    largest = max(counts.values(), default=0) or 1
    disciplines, more_disciplines = more(list(mix.discipline_counts.items()), TOP_DISCIPLINES)
    present = {p.stakeholder_id for p in snapshot.participants if p.stakeholder_id}
    return {
        "sectors": [
            # Bar widths as classes in steps of 5 % (static CSS: no style attributes).
            {"sector": s, "count": counts[s.value], "width": f"w{round(20 * counts[s.value] / largest) * 5}"}
            for s in Sector
        ],
        "missing": mix.missing_sectors,
        "diversity": mix.sector_diversity,
        "participant_count": len(participants),
        "observer_count": len(observers),
        "disciplines": disciplines,
        "more_disciplines": more_disciplines,
        "organisations": len(snapshot.stakeholders),
        "organisations_present": len([s for s in snapshot.stakeholders if s.pk in present]),
    }


def statement_size(vision):
    """A class that keeps a long adopted vision on the screen: longer statements in smaller type."""
    length = len(vision.statement) if vision else 0
    return "is-longer" if length > 320 else "is-long" if length > 160 else ""


def vision_stage(snapshot):
    shown = [v for v in snapshot.visions if not v.hidden]
    adopted = next((v for v in shown if v.status == VisionStatus.ADOPTED), None)
    proposals = sorted(
        (v for v in shown if v.status == VisionStatus.PROPOSED),
        key=lambda v: (-len(v.endorsements.all()), v.pk),
    )
    for proposal in proposals:
        proposal.endorsement_count = len(proposal.endorsements.all())
    top, left_out = more(proposals, TOP_PROPOSALS if adopted else TOP_PROPOSALS + 2)
    targets = [row.target for row in snapshot.targets if adopted and row.target.vision_id == adopted.pk]
    return {
        "adopted": adopted,
        "adopted_goals": [sdgs.goal(n) for n in adopted.sdg_numbers] if adopted else [],
        "adopted_endorsements": len(adopted.endorsements.all()) if adopted else 0,
        "long_statement": statement_size(adopted),
        "proposals": top,
        "more_proposals": left_out,
        "target_count": len(targets),
    }


@dataclass
class TargetPanel:
    row: object
    chart: str
    numbers: list  # (label, value text)
    on_track: bool | None


def target_panel(row):
    target, gap = row.target, row.gap
    unit = target.unit
    numbers = [
        (_("Baseline"), with_unit(gap.baseline, unit) if gap else "–"),
        (_("Now"), with_unit(gap.current, unit) if gap else "–"),
        (_("Target"), with_unit(target.target_value, unit)),
        # The trend projected to the target year (the chart's open circle).
        (_("Trend"), with_unit(gap.projected, unit) if gap and gap.projected is not None else "–"),
    ]
    # Drawn small in user units and scaled up by CSS: its 10-unit text becomes 20 px and more.
    chart = target_chart_svg(row, width=214, height=68, chart_id=f"p-chart-{target.pk}")
    return TargetPanel(row, chart, numbers, gap.on_track if gap else None)


def current_state_stage(snapshot):
    adopted = snapshot.adopted_vision
    rows = [row for row in snapshot.targets if adopted and row.target.vision_id == adopted.pk]
    rows.sort(key=lambda row: row.target.pk)
    top, left_out = more(rows, TOP_TARGETS)
    return {"adopted": adopted, "panels": [target_panel(row) for row in top], "more_targets": left_out}


def ranked_issues(snapshot):
    """Scored issues on the agenda by mean impact, then mean feasibility (the issues page's order)."""
    scored = [row for row in snapshot.issues if row.mean_impact is not None and not row.issue.hidden]
    return sorted(scored, key=lambda r: (-r.mean_impact, -r.mean_feasibility, r.issue.pk))


def matrix_point(mean_feasibility, mean_impact):
    span = MATRIX_SIZE - 2 * MATRIX_PAD
    return (
        round(MATRIX_PAD + (mean_feasibility - 1) / 4 * span, 1),
        round(MATRIX_SIZE - MATRIX_PAD - (mean_impact - 1) / 4 * span, 1),
    )


def matrix(ranked):
    low, high = MATRIX_PAD, MATRIX_SIZE - MATRIX_PAD
    middle = (low + high) / 2
    points = []
    for rank, row in enumerate(ranked, start=1):
        x, y = matrix_point(row.mean_feasibility, row.mean_impact)
        points.append(
            {
                "rank": rank,
                "row": row,
                "x": x,
                "y": y,
                "label_y": round(y + 9, 1),
                # Shown under the plot while the point is hovered or focused.
                "caption": fit_text(f"{rank}. {row.issue.title}", MATRIX_SIZE - 8, MATRIX_FONT),
            }
        )
    # Later (lower-ranked) points are drawn first so the top ones stay readable on top.
    return {
        "size": MATRIX_SIZE,
        "height": MATRIX_SIZE + MATRIX_CAPTION,
        "caption_y": MATRIX_SIZE + MATRIX_CAPTION - 10,
        "low": low,
        "high": high,
        "middle": middle,
        "half": high - middle,
        "ticks": [(n, *matrix_point(n, n), matrix_point(n, n)[1] + 8) for n in range(1, 6)],
        "points": list(reversed(points)),
        "tick_y": high + 28,
        "tick_x": low - 10,
        "axis_x_y": MATRIX_SIZE - 4,
        "label_y": 26,  # above the plot, clear of the points at impact 5
    }


TOP_ADEQUACY = 3  # targets under the room's timeline; the rest are counted


def issues_stage(snapshot):
    ranked = ranked_issues(snapshot)
    top, left_out = more(ranked, TOP_RANKING)
    agenda = snapshot.agenda_by_votes
    # Before anyone scores, the room is adding issues and spending dots: those are shown instead.
    by_dots, more_by_dots = more(agenda, TOP_RANKING + 2)
    return {
        "by_dots": by_dots,
        "more_by_dots": more_by_dots,
        "ranking": [(rank, row) for rank, row in enumerate(top, start=1)],
        "more_ranked": left_out,
        "matrix": matrix(ranked),
        "issue_count": len(agenda),
        "unscored": len(agenda) - len(ranked),
        "agreement": snapshot.agreement,
    }


def roadmap_stage(snapshot):
    accepted = sorted((m for m in snapshot.milestones if m.accepted), key=lambda m: (-m.year, m.pk))
    return {
        "timeline": room_timeline_svg(snapshot),
        "action_count": len(snapshot.actions),
        "milestone_count": len(accepted),
        "adopted": snapshot.adopted_vision,
        "adequacy": more(snapshot.adequacy, TOP_ADEQUACY),
    }


def export_stage(snapshot):
    adopted = snapshot.adopted_vision
    return {
        "summary": export.export_summary(snapshot.workshop.pk),
        "adopted": adopted,
        "adopted_goals": [sdgs.goal(n) for n in adopted.sdg_numbers] if adopted else [],
        "long_statement": statement_size(adopted),
    }


STAGES = {
    Phase.STAKEHOLDERS: (stakeholders_stage, stakeholders.BOARD),
    Phase.VISION: (vision_stage, vision.BOARD),
    Phase.CURRENT_STATE: (current_state_stage, current_state.BOARD),
    Phase.ISSUES: (issues_stage, issues.BOARD),
    # The timeline reads what the roadmap builder reads (owners' sectors, milestones, actions).
    Phase.ROADMAP: (roadmap_stage, roadmap.BUILDER),
    Phase.EXPORT: (export_stage, export.BOARD),
}


class ProjectorBoard(Board):
    """The projector in one phase: the phase's focus, redrawn whole on whatever its phase page shows."""

    kind = PAGE_PROJECTOR
    template = "projector/page.html"

    def __init__(self, phase, stage, shows_like):
        self.phase = phase
        self.stage = stage
        self.shows = frozenset(shows_like.shows | {JOIN_CODE_ROTATED})

    @property
    def key(self):
        return (PAGE_PROJECTOR, self.phase)

    def page(self, viewer, context):
        # The stage shows the workshop the same to every facilitator: drawn once per revision.
        shared = shared_html("projector/page.html#stage", context, self.phase, more=lambda: self.stage_context(viewer))
        return {"shared_stage": shared} if shared else self.stage_context(viewer)

    def stage_context(self, viewer):
        snapshot = shared_snapshot(viewer.workshop)
        return {"stage": self.stage(snapshot), "phase_template": f"projector/{self.phase}.html"}

    def delta(self, viewer, changes, context):
        if "rotated_code" in changes.workshop_fields:
            # The corner's code and QR code need the request's address: the projector reloads.
            context["follow_url"] = reverse("projector", args=[viewer.workshop_id])
            return []
        delta_workshop(viewer, context)
        context.update(self.stage_context(viewer))
        return [Fragment("projector/page.html#stage"), Fragment("projector/page.html#status")]


PROJECTOR_BOARDS = {
    phase: register(ProjectorBoard(phase, stage, shows_like)) for phase, (stage, shows_like) in STAGES.items()
}


def render_projector(request, viewer):
    phase = viewer.workshop.phase
    return render_page(
        request, viewer, BOARDS[(PAGE_PROJECTOR, phase)], view=PAGE_PROJECTOR, **joining(request, viewer.workshop)
    )
