"""The core pages: sign-in landing, workshops, joining, the overview and the workshop file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, F
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visions import sdgs
from visions.documents import workshop_file
from visions.documents.findings import out_of_range_findings
from visions.documents.commitments import drift_for
from visions.documents.snapshot import shared_snapshot
from visions.live import record
from visions.live.access import SESSION_KEY, Viewer, remember_participant, session_participant_id, viewer_for
from visions.live.activity import DECLARED, Subject, declare
from visions.live.pages import (
    PAGE_OVERVIEW,
    WORKSHOP_UPDATED,
    Board,
    Fragment,
    delta_workshop,
    register,
    render_page,
    shared_html,
)
from visions.live.writes import facilitator_page
from visions.models import (
    Participant,
    Role,
    Sector,
    Workshop,
    format_join_code,
    normalize_join_code,
)
from visions.phases.stakeholders import PARTICIPANT_JOINED, STAKEHOLDER_ADDED
from visions.workshops import joining, ratelimit
from visions.workshops.forms import JoinForm, WorkshopEditForm, WorkshopFileForm, WorkshopForm

WORKSHOP_CREATED = declare(Subject.WORKSHOP, "created")
JOIN_CODE_ROTATED = declare(Subject.WORKSHOP, "rotated_code")
# The home page lists this many of a facilitator's own workshops (all are under "My workshops").
HOME_WORKSHOPS = 5


def posted(request):
    """The submitted data on POST (even when empty), None otherwise."""
    return request.POST if request.method == "POST" else None


def join_as_facilitator(workshop, user):
    """The facilitator's participant row: their contributions need an author inside the workshop."""
    participant, _created = Participant.objects.get_or_create(
        workshop=workshop,
        user=user,
        defaults={"display_name": user.get_username(), "role": Role.FACILITATOR},
    )
    return participant


def joined_here(request):
    """The workshops this browser has joined, with the person it joined each as."""
    joined = request.session.get(SESSION_KEY, {})
    if not joined:
        return []
    rows = Participant.objects.filter(pk__in=joined.values()).select_related("workshop").order_by("-joined_at")
    return [row for row in rows if joined.get(str(row.workshop_id)) == row.pk]


@require_GET
def home(request):
    """Where a person comes back: the workshops this browser joined and the ones they facilitate."""
    joined = joined_here(request)
    facilitated = list(Workshop.objects.facilitated_by(request.user).order_by("-pk")[:HOME_WORKSHOPS])
    if not joined and not facilitated:
        return redirect("workshop_list" if request.user.is_authenticated else "join")
    return render(request, "visions/home.html", {"joined": joined, "facilitated": facilitated})


@require_GET
@login_required
def workshop_list(request):
    workshops = Workshop.objects.facilitated_by(request.user).annotate(
        participant_count=Count("participants")
    )
    return render(request, "visions/workshop_list.html", {"workshops": workshops})


@require_http_methods(["GET", "POST"])
@login_required
def workshop_create(request):
    form = WorkshopForm(posted(request))
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            workshop = form.save()
            workshop.facilitators.add(request.user)
            join_as_facilitator(workshop, request.user)
            record(
                Viewer.of_facilitator(workshop, request.user),
                WORKSHOP_CREATED,
                workshop,
                summary=workshop.title,
            )
        messages.success(request, _("Workshop created. Share the join code with the participants."))
        return redirect(workshop)
    return render(request, "visions/workshop_form.html", {"form": form, "workshop": None})


@require_http_methods(["GET", "POST"])
@login_required
def workshop_edit(request, pk):
    viewer = facilitator_page(request, pk)
    workshop = viewer.workshop
    form = WorkshopEditForm(posted(request), instance=workshop)
    if form.is_bound and form.is_valid():
        version = form.cleaned_data["version"]
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        with transaction.atomic():
            # One UPDATE takes the next version: of two saves from the same version, one wins.
            if not Workshop.objects.filter(pk=workshop.pk, version=version).update(version=F("version") + 1):
                return settings_conflict(request, form, Workshop.objects.get(pk=workshop.pk))
            workshop = form.save(commit=False)
            workshop.version = version + 1
            workshop.save()
            record(viewer, WORKSHOP_UPDATED, workshop, summary=workshop.title, changes=changed)
        messages.success(request, _("Workshop saved."))
        return redirect(workshop)
    if request.method == "POST":
        # The page title and links must show the saved workshop, not the rejected input.
        workshop.refresh_from_db()
    return render(request, "visions/workshop_form.html", {"form": form, "workshop": workshop})


def settings_conflict(request, form, current):
    """Someone saved the settings first: nothing overwritten; the form keeps yours, with the current version."""
    data = form.data.copy()
    data["version"] = current.version
    merged = WorkshopEditForm(data, instance=Workshop.objects.get(pk=current.pk))
    merged.is_valid()
    conflict = {"theirs": form.settings_text(current), "yours": form.settings_text(form.instance)}
    context = {"form": merged, "workshop": current, "conflict": conflict}
    return render(request, "visions/workshop_form.html", context, status=409)


@require_POST
@login_required
def workshop_rotate_code(request, pk):
    viewer = facilitator_page(request, pk)
    workshop = viewer.workshop
    with transaction.atomic():
        workshop.rotate_join_code()
        record(viewer, JOIN_CODE_ROTATED, workshop, summary=workshop.title)
    if request.htmx:
        return render(
            request, "visions/workshop_detail.html#join_code", {"workshop": workshop, "rotated": True}
        )
    messages.success(
        request,
        _("New join code: %(code)s. The old code no longer works.") % {"code": workshop.display_join_code},
    )
    return redirect(workshop)


def sector_mix(snapshot):
    return [(Sector(value).label, count) for value, count in snapshot.sector_counts.items()]


def visions_with_goals(snapshot):
    return [(vision, [sdgs.goal(number) for number in vision.sdg_numbers]) for vision in snapshot.visions]


def overview_context(viewer):
    snapshot = shared_snapshot(viewer.workshop)
    return {
        "snapshot": snapshot,
        "sector_mix": sector_mix(snapshot),
        "visions": visions_with_goals(snapshot),
        "out_of_range": out_of_range_findings(snapshot),
        "drift": drift_for(viewer.workshop),
        "drift_hint": False,
    }


class OverviewBoard(Board):
    """Everything the workshop holds, read-only, redrawn whenever anything changes."""

    kind = PAGE_OVERVIEW
    template = "visions/workshop_detail.html"

    @property
    def shows(self):
        return frozenset(DECLARED)

    def page(self, viewer, context):
        page = overview_context(viewer)
        # The summary shows the workshop the same to every facilitator, and to every other viewer.
        page["shared_summary"] = shared_html("visions/workshop_detail.html#summary", {**context, **page},
                                             viewer.is_facilitator)
        return page

    def delta(self, viewer, changes, context):
        delta_workshop(viewer, context)
        context.update(overview_context(viewer))
        return [Fragment("visions/workshop_detail.html#summary")]


OVERVIEW = register(OverviewBoard())


@require_GET
def workshop_detail(request, pk):
    return render_page(request, viewer_for(request, pk), OVERVIEW, view=PAGE_OVERVIEW)


@require_http_methods(["GET", "POST"])
@login_required
def workshop_import(request):
    if request.method == "POST":
        form = WorkshopFileForm(request.POST, request.FILES, max_bytes=workshop_file.MAX_FILE_BYTES)
    else:
        form = WorkshopFileForm(max_bytes=workshop_file.MAX_FILE_BYTES)
    if form.is_bound and form.is_valid():
        try:
            document = workshop_file.load_bytes(form.cleaned_data["file"].read())
            workshop = workshop_file.import_document(document, facilitator=request.user)
        except workshop_file.WorkshopFileError as error:
            form.add_error("file", str(error))
        else:
            join_as_facilitator(workshop, request.user)
            messages.success(request, _("Workshop “%(title)s” imported.") % {"title": workshop.title})
            return redirect(workshop)
    return render(request, "visions/workshop_import.html", {"form": form})


def too_many_failures(request, retry_after):
    minutes = -(-retry_after // 60)
    response = render(request, "429.html", {"retry_after": retry_after, "minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def already_joined(request, workshop):
    participant_id = session_participant_id(request, workshop.pk)
    if participant_id is None:
        return None
    return Participant.objects.filter(workshop=workshop, pk=participant_id).first()


def join_with(form):
    """The new participant, recorded so that every open page of the room shows them."""
    with transaction.atomic():
        participant = form.join()
        newcomer = Viewer.of_participant(participant)
        if form.cleaned_data.get("new_organisation"):
            organisation = participant.stakeholder
            record(newcomer, STAKEHOLDER_ADDED, organisation, summary=organisation.name)
        record(newcomer, PARTICIPANT_JOINED, participant, summary=participant.display_name)
    return participant


def look_up(request, data):
    """(workshop, pass, refusal) for the code in `data`. With the QR link's valid pass it is no
    guess and is never limited; otherwise any code may be a guess: while the address is limited it
    is refused, right or wrong, before it is looked up, and a wrong one counts against the address."""
    code = normalize_join_code(data.get("code", ""))
    if not code:
        return None, "", None
    join_pass = data.get("pass", "")
    passed = joining.workshop_of_pass(code, join_pass)
    if passed is not None:
        return passed, join_pass, None
    retry_after = ratelimit.retry_after_seconds(request)
    if retry_after:
        return None, "", too_many_failures(request, retry_after)
    workshop = Workshop.objects.filter(join_code=code).first()
    if workshop is None:
        ratelimit.record_failure(request)
    return workshop, "", None


@require_http_methods(["GET", "POST"])
def join(request):
    data = request.POST if request.method == "POST" else request.GET
    workshop, join_pass, refusal = look_up(request, data)
    if refusal:
        return refusal
    code = normalize_join_code(data.get("code", ""))
    returning = already_joined(request, workshop) if workshop else None

    if request.method == "POST":
        form = JoinForm(request.POST, workshop=workshop)
        if returning is None and form.is_valid():
            participant = join_with(form)
            request.session.cycle_key()
            remember_participant(request.session, participant)
            messages.success(request, _("Welcome, %(name)s.") % {"name": participant.display_name})
            # Straight into the live workshop, at the phase the group is in.
            return redirect("live_workshop", workshop.pk)
    else:
        # The page is re-fetched when the code changes; keep what the person already typed.
        initial = {**request.GET.dict(), "code": format_join_code(code) if workshop else data.get("code", "")}
        form = JoinForm(initial=initial, workshop=workshop)

    context = {
        "form": form,
        "workshop": workshop,
        "returning": returning,
        "join_pass": join_pass,
        "code_not_found": request.method == "GET" and bool(code) and workshop is None,
    }
    if request.htmx and request.method == "GET":
        return render(request, "visions/join.html#lookup", context)
    return render(request, "visions/join.html", context)
