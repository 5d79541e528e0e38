"""Phase 3, current state: evidence-backed assessments of each target's indicator, with its chart."""

from functools import partial

from django.db import transaction
from django.db.models import Prefetch

from visions.documents.charts import target_chart_svg
from visions.documents.derived import target_gap
from visions.documents.snapshot import TargetRow
from visions.live import record
from visions.live.activity import Subject, declare
from visions.live.pages import Board, Fragment, item_fragments, phase_url, register
from visions.live.writes import added, done, item_of, write
from visions.models import ActionStatus, Assessment, Effect, Issue, IssueOrigin, Phase, Target, Vision, VisionStatus
from visions.phases.forms import AssessmentForm
from visions.phases.vision import TARGET_ADDED, TARGET_DELETED, VISION_ADOPTED

# An assessment touches its target: the target's card, chart and gap issue redraw.
ASSESSMENT_ADDED = declare(Subject.ASSESSMENT, "created")
ASSESSMENT_DELETED = declare(Subject.ASSESSMENT, "deleted")
# The first assessment of a target makes its gap issue (Assessment.save): the issues board shows it.
GAP_ISSUE_ADDED = declare(Subject.ISSUE, "created")
# Each chart draws the roadmap's planned path from the actions' effects (declared with the roadmap's writes).
ROADMAP_ACTION_CHANGES = frozenset(
    declare(Subject.ACTION, verb) for verb in ("created", "proposed", "updated", "progress", "deleted")
)


def target_rows(workshop_id, ids=None):
    targets = (
        Target.objects.filter(workshop_id=workshop_id, vision__status=VisionStatus.ADOPTED)
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("author").order_by("id")),
            Prefetch(
                "effects",
                queryset=Effect.objects.exclude(action__status=ActionStatus.DROPPED)
                .select_related("action")
                .order_by("id"),
            ),
        )
        .order_by("id")
    )
    if ids is not None:
        targets = targets.filter(pk__in=ids)
    rows = []
    for target in targets:
        assessments = list(target.assessments.all())
        row = TargetRow(target, assessments, target_gap(target, assessments))
        row.effects = [(effect.in_place, effect.amount) for effect in target.effects.all()]
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
    kind = phase = Phase.CURRENT_STATE
    shows = frozenset(
        {ASSESSMENT_ADDED, ASSESSMENT_DELETED, TARGET_ADDED, TARGET_DELETED, VISION_ADOPTED, *ROADMAP_ACTION_CHANGES}
    )
    template = "phases/current_state.html"

    def page(self, viewer, context):
        rows = target_rows(viewer.workshop_id)
        bound = context.get("assessment_form")
        for row in rows:
            row.form = (
                bound
                if bound is not None and bound.target_id == row.target.pk
                else assessment_form(row.target.pk)
            )
        return {"target_rows": rows, "has_adopted": self.has_adopted(viewer)}

    def has_adopted(self, viewer):
        return Vision.objects.filter(workshop_id=viewer.workshop_id, status=VisionStatus.ADOPTED).exists()

    def delta(self, viewer, changes, context):
        if changes.any_of(VISION_ADOPTED, *ROADMAP_ACTION_CHANGES):
            # A newly adopted vision brings another set of targets, an action's effects move the planned paths:
            # the (short) list is redone.
            rows = target_rows(viewer.workshop_id)
            for row in rows:
                row.form = assessment_form(row.target.pk)
            return [Fragment("phases/current_state.html#target_list", rows)]
        ids = changes.all_ids(Subject.TARGET)
        if not ids:
            return []
        rows = {row.target.pk: row for row in target_rows(viewer.workshop_id, ids)}
        for row in rows.values():
            row.form = assessment_form(row.target.pk)  # a target that appears comes with its form
        return item_fragments(
            changes,
            Subject.TARGET,
            {pk: rows.get(pk) for pk in ids},
            prefix="target",
            card="phases/current_state.html#target_card",
            body="phases/current_state.html#target_body",
            container="target-list",
        )


BOARD = register(CurrentStateBoard())


def add_assessment(viewer, target, form):
    """The assessment, recorded; the target's first one also brings its gap issue (Assessment.save)."""
    assessment = form.save(commit=False)
    add_assessments(viewer, target, [assessment], summary=f"{target.indicator}: {assessment.value}")


def add_assessments(viewer, target, assessments, *, summary, changes=None):
    """Assessments of one target, saved and recorded as one change (an import adds many at once).

    The target's first assessment also brings its gap issue (Target.ensure_derived_issue), recorded too.
    """
    had_issue = Issue.objects.filter(target=target, origin=IssueOrigin.DERIVED).exists()
    with transaction.atomic():
        for assessment in assessments:
            assessment.target = target
            assessment.author_id = viewer.participant_id
        if len(assessments) == 1:
            assessments[0].save()
        else:
            Assessment.objects.bulk_create(assessments)
            target.ensure_derived_issue()
        record(
            viewer,
            ASSESSMENT_ADDED,
            assessments[-1],
            summary=summary,
            changes={**(changes or {}), "touches": {"target": [target.pk]}},
        )
        if not had_issue:
            issue = Issue.objects.get(target=target, origin=IssueOrigin.DERIVED)
            record(viewer, GAP_ISSUE_ADDED, issue, summary=issue.title)


def form_row(target, form):
    """What the form's partial reads: the target's row with this form in it."""
    row = TargetRow(target, [], None)
    row.form = form
    return {"row": row}


@write(phase=Phase.CURRENT_STATE)
def assessment_add(request, viewer, target_id):
    target = item_of(Target, viewer, target_id, vision__status=VisionStatus.ADOPTED)
    back = phase_url(viewer.workshop_id, Phase.CURRENT_STATE) + f"#target-{target.pk}"

    create = partial(add_assessment, viewer, target)

    form = assessment_form(
        target.pk, request.POST, instance=Assessment(target=target, author_id=viewer.participant_id)
    )
    return added(
        request,
        viewer,
        form,
        create=create,
        fresh=lambda: assessment_form(target.pk),
        partial="phases/current_state.html#assessment_form",
        form_name="assessment_form",
        partial_context=partial(form_row, target),
        back=back,
        phase=Phase.CURRENT_STATE,
    )


@write(phase=Phase.CURRENT_STATE)
def assessment_delete(request, viewer, item_id):
    assessment = item_of(Assessment, viewer, item_id, to_change=True, target__workshop_id=viewer.workshop_id)
    before = {
        "value": assessment.value,
        "as_of": assessment.as_of.isoformat(),
        "source": assessment.source,
        "note": assessment.note,
    }
    record(
        viewer,
        ASSESSMENT_DELETED,
        assessment,
        summary=f"{assessment.value} ({assessment.as_of})",
        changes={"before": before, "touches": {"target": [assessment.target_id]}},
    )
    assessment.delete()
    return done(
        request, phase_url(viewer.workshop_id, Phase.CURRENT_STATE) + f"#target-{assessment.target_id}"
    )
