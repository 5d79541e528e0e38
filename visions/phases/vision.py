"""Phase 2, vision: statements for the target year with SDGs, endorsements, the adopted vision and its targets."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Value
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from visions import sdgs
from visions.live import Refused, record
from visions.live.access import viewer_for
from visions.live.activity import Subject, declare
from visions.live.guard import Needs
from visions.live.pages import Board, Fragment, phase_url, register
from visions.live.writes import added, conflict, done, editor_response, empty_editor, item_of, write
from visions.models import Activity, Endorsement, Phase, Target, Vision, VisionStatus
from visions.phases.console import VISION_HIDDEN, VISION_RESTORED
from visions.phases.forms import EndorseForm, TargetForm, VisionEditForm, VisionForm

VISION_ADDED = declare(Subject.VISION, "created")
VISION_EDITED = declare(Subject.VISION, "updated")
VISION_DELETED = declare(Subject.VISION, "deleted")
VISION_ENDORSED = declare(Subject.VISION, "endorsed")
VISION_WITHDRAWN = declare(Subject.VISION, "withdrew")
VISION_ADOPTED = declare(Subject.VISION, "adopted")
TARGET_ADDED = declare(Subject.TARGET, "created")
TARGET_DELETED = declare(Subject.TARGET, "deleted")
# Endorsements change a vision's counts only; everything else redraws its text and the adopted vision.
ENDORSEMENTS = {VISION_ENDORSED, VISION_WITHDRAWN}


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
    kind = phase = Phase.VISION
    template = "phases/vision.html"
    shows = frozenset(
        {
            VISION_ADDED,
            VISION_EDITED,
            VISION_DELETED,
            VISION_ENDORSED,
            VISION_WITHDRAWN,
            VISION_ADOPTED,
            VISION_HIDDEN,
            VISION_RESTORED,
            TARGET_ADDED,
            TARGET_DELETED,
        }
    )

    def page(self, viewer, context):
        workshop = viewer.workshop
        return {
            "visions": vision_rows(viewer),
            "adopted": adopted_vision_with_targets(viewer.workshop_id),
            "vision_form": context.get("vision_form") or VisionForm(workshop=workshop),
            "target_form": context.get("target_form") or TargetForm(workshop=workshop),
        }

    def delta(self, viewer, changes, context):
        ids = changes.all_ids(Subject.VISION)
        fragments = []
        if ids:
            # A restored vision comes back with the viewer's own endorsement; anything else is
            # the same for every viewer of this kind (a new vision has no endorsements yet).
            personal = not viewer.is_facilitator and any(
                VISION_RESTORED in changes.of(Subject.VISION, pk) for pk in ids
            )
            found = {v.pk: v for v in vision_rows(viewer, ids, personal=personal)}
            for pk in sorted(ids):
                vision = found.get(pk)
                made = changes.of(Subject.VISION, pk)
                if vision is None:
                    fragments.append(Fragment.delete(f"vision-{pk}"))
                elif changes.appeared(Subject.VISION, pk, viewer):
                    fragments += Fragment.upsert(
                        "phases/vision.html#vision_card",
                        vision,
                        f"vision-{pk}",
                        "vision-list",
                        personal=personal,
                    )
                else:
                    if made - ENDORSEMENTS or changes.was_touched(Subject.VISION, pk):
                        fragments.append(Fragment("phases/vision.html#vision_body", vision))
                    if made & ENDORSEMENTS:
                        fragments.append(Fragment("phases/vision.html#vision_counts", vision))
        if changes.ids(Subject.TARGET) or any(
            made - ENDORSEMENTS for made in changes.subjects.get(Subject.VISION, {}).values()
        ):
            fragments.append(
                Fragment("phases/vision.html#adopted", adopted_vision_with_targets(viewer.workshop_id))
            )
        return fragments


BOARD = register(VisionBoard())


def vision_back(viewer, vision=None):
    return phase_url(viewer.workshop_id, Phase.VISION) + (f"#vision-{vision.pk}" if vision else "")


@write(phase=Phase.VISION)
def vision_add(request, viewer):
    def create(form):
        vision = form.save(commit=False)
        vision.workshop = viewer.workshop
        vision.author_id = viewer.participant_id
        vision.save()
        vision.set_sdgs(form.cleaned_data["sdgs"])
        sdg_numbers = sorted(form.cleaned_data["sdgs"])
        record(
            viewer,
            VISION_ADDED,
            vision,
            summary=vision.statement,
            changes={"statement": [None, vision.statement], "sdgs": [None, sdg_numbers]},
        )

    return added(
        request,
        viewer,
        VisionForm(request.POST, workshop=viewer.workshop),
        create=create,
        fresh=lambda: VisionForm(workshop=viewer.workshop),
        partial="phases/vision.html#vision_form",
        form_name="vision_form",
        back=vision_back(viewer),
        phase=Phase.VISION,
    )


@write(phase=Phase.VISION, methods=("GET", "POST"))
def vision_edit(request, viewer, item_id):
    vision = item_of(Vision, viewer, item_id, to_change=True)
    context = {"workshop": viewer.workshop, "viewer": viewer, "item": vision, "kind": "vision"}
    if request.method == "GET":
        context["form"] = VisionEditForm(instance=vision, workshop=viewer.workshop)
        return editor_response(request, "phases/edit.html", context)
    form = context["form"] = VisionEditForm(request.POST, instance=vision, workshop=viewer.workshop)
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
        return conflict(
            request,
            viewer,
            current,
            form,
            "vision",
            yours=after["statement"],
            theirs=current.statement,
            form_kwargs={"workshop": viewer.workshop},
        )
    current.set_sdgs(after["sdgs"])
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    record(viewer, VISION_EDITED, current, summary=after["statement"], changes=changed)
    return done(request, vision_back(viewer, vision), empty_editor(request, "vision", vision))


@write(phase=Phase.VISION)
def vision_delete(request, viewer, item_id):
    vision = item_of(Vision, viewer, item_id, to_change=True)
    if vision.status == VisionStatus.ADOPTED or vision.targets.exists():
        raise Refused(_("The adopted vision and its targets stay; adopt another one instead."), 409)
    record(
        viewer,
        VISION_DELETED,
        vision,
        summary=vision.statement,
        changes={"statement": [vision.statement, None]},
    )
    vision.delete()
    return done(request, vision_back(viewer))


@write(phase=Phase.VISION, needs=Needs.VOTER)
def vision_endorse(request, viewer, item_id):
    vision = item_of(Vision, viewer, item_id)
    form = EndorseForm(request.POST)
    form.is_valid()
    endorse = form.cleaned_data.get("endorse", False)
    if vision.author_id == viewer.participant_id:
        raise Refused(_("Endorse other people's visions; your own counts as yours."), 403)
    existing = Endorsement.objects.filter(vision=vision, participant_id=viewer.participant_id)
    if endorse and not existing.exists():
        Endorsement.objects.create(vision=vision, participant_id=viewer.participant_id)
        record(viewer, VISION_ENDORSED, vision, summary=vision.statement)
    elif not endorse and existing.exists():
        existing.delete()
        record(viewer, VISION_WITHDRAWN, vision, summary=vision.statement)
    response = None
    if request.htmx:
        row = vision_rows(viewer, [vision.pk])[0]
        context = {"row": row, "viewer": viewer, "writable": True, "workshop": viewer.workshop}
        response = render(request, "phases/vision.html#vision_mine", context)
    return done(request, vision_back(viewer, vision), response)


@write(needs=Needs.FACILITATOR)
def vision_adopt(request, viewer, item_id):
    vision = item_of(Vision, viewer, item_id)
    if vision.hidden:
        raise Refused(_("Restore this vision before adopting it."), 409)
    previous = list(
        Vision.objects.filter(workshop_id=viewer.workshop_id, status=VisionStatus.ADOPTED)
        .exclude(pk=vision.pk)
        .values_list("pk", flat=True)
    )
    if vision.status != VisionStatus.ADOPTED:
        vision.adopt()
        record(
            viewer,
            VISION_ADOPTED,
            vision,
            summary=vision.statement,
            changes={"status": [None, VisionStatus.ADOPTED], "touches": {"vision": previous}},
        )
    return done(request, vision_back(viewer, vision))


@require_GET
def vision_history(request, pk, item_id):
    viewer = viewer_for(request, pk)
    vision = item_of(Vision, viewer, item_id)
    entries = list(
        Activity.objects.filter(workshop_id=pk, subject_type=Subject.VISION, subject_id=vision.pk)
        .select_related("actor_participant", "actor_user", "actor_link__stakeholder")
        .order_by("id")
    )
    for entry in entries:
        entry.change_rows = history_rows(entry.changes)
    context = {
        "workshop": viewer.workshop,
        "viewer": viewer,
        "item": vision,
        "entries": entries,
        "kind": "vision",
    }
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


# --- targets of the adopted vision (facilitator) ------------------------------------------


@write(needs=Needs.FACILITATOR)
def target_add(request, viewer):
    workshop = viewer.workshop
    adopted = Vision.objects.filter(workshop=workshop, status=VisionStatus.ADOPTED).first()
    if adopted is None:
        raise Refused(_("Adopt a vision first; targets belong to the adopted vision."), 409)

    def create(form):
        target = form.save(commit=False)
        target.workshop = workshop
        target.vision = adopted
        target.save()
        record(viewer, TARGET_ADDED, target, summary=target.indicator)

    return added(
        request,
        viewer,
        TargetForm(request.POST, workshop=workshop, instance=Target(workshop=workshop, vision=adopted)),
        create=create,
        fresh=lambda: TargetForm(workshop=workshop),
        partial="phases/vision.html#target_form",
        form_name="target_form",
        back=vision_back(viewer) + "#adopted-vision",
        phase=Phase.VISION,
    )


@write(needs=Needs.FACILITATOR)
def target_delete(request, viewer, item_id):
    target = item_of(Target, viewer, item_id)
    issues = list(target.issues.values_list("pk", flat=True))
    record(
        viewer,
        TARGET_DELETED,
        target,
        summary=target.indicator,
        changes={"indicator": [target.indicator, None], "touches": {"issue": issues}},
    )
    target.delete()
    return done(request, vision_back(viewer) + "#adopted-vision")
