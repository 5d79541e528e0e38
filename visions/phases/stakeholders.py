"""Phase 1, stakeholders: who is in the room and who is not, and the room's diversity."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from visions.documents.snapshot import WorkshopSnapshot
from visions.live import Refused, record
from visions.live.activity import Subject, declare
from visions.live.guard import Needs
from visions.live.pages import Board, Fragment, item_fragments, phase_url, register
from visions.live.writes import added, done, item_of, write
from visions.models import Participant, Phase, Role, Sector, Stakeholder
from visions.phases.forms import StakeholderForm

# Recorded here and by joining (visions/workshops/views.py): the room's lists and mix redraw.
STAKEHOLDER_ADDED = declare(Subject.STAKEHOLDER, "created")
STAKEHOLDER_DELETED = declare(Subject.STAKEHOLDER, "deleted")
PARTICIPANT_JOINED = declare(Subject.PARTICIPANT, "joined")


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
        # Sector groups list the people counted in the mix; observers are listed apart.
        self.by_sector = [
            (sector, [p for p in people if p.sector == sector.value]) for sector in Sector
        ] + [(None, [p for p in people if not p.sector])]
        self.observers = [p for p in participants if p.role == Role.OBSERVER]
        self.people_count = len(people)
        self.participant_count = len([p for p in people if p.role == Role.PARTICIPANT])
        self.observer_count = len(self.observers)

    @property
    def sector_rows(self):
        return [(sector.label, self.sector_counts[sector.value]) for sector in Sector]


def room_participants(workshop_id):
    return list(
        Participant.objects.filter(workshop_id=workshop_id).select_related("stakeholder").order_by("id")
    )


class StakeholdersBoard(Board):
    kind = phase = Phase.STAKEHOLDERS
    shows = frozenset({STAKEHOLDER_ADDED, STAKEHOLDER_DELETED, PARTICIPANT_JOINED})
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
            "stakeholder_form": context.get("stakeholder_form") or StakeholderForm(workshop=viewer.workshop),
            "sectors": Sector,
        }

    def delta(self, viewer, changes, context):
        person_ids = changes.all_ids(Subject.PARTICIPANT)
        org_ids = changes.all_ids(Subject.STAKEHOLDER)
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
                if PARTICIPANT_JOINED in changes.of(Subject.PARTICIPANT, pk):
                    fragments += Fragment.upsert(
                        "phases/stakeholders.html#person", person, f"person-{pk}", "people"
                    )
                else:
                    fragments.append(Fragment("phases/stakeholders.html#person", person))
            fragments.append(Fragment("phases/stakeholders.html#diversity", RoomMix(participants)))
        if org_ids:
            found = {o.pk: o for o in self.organisations(viewer.workshop_id, org_ids)}
            fragments += item_fragments(
                changes,
                Subject.STAKEHOLDER,
                {pk: found.get(pk) for pk in org_ids},
                prefix="org",
                card="phases/stakeholders.html#organisation",
                body="phases/stakeholders.html#organisation",
                container="organisations",
            )
        return fragments


BOARD = register(StakeholdersBoard())


@write(phase=Phase.STAKEHOLDERS)
def stakeholder_add(request, viewer):
    def create(form):
        organisation = form.save(commit=False)
        organisation.workshop = viewer.workshop
        organisation.save()
        record(viewer, STAKEHOLDER_ADDED, organisation, summary=organisation.name)

    return added(
        request,
        viewer,
        StakeholderForm(request.POST, workshop=viewer.workshop),
        create=create,
        fresh=lambda: StakeholderForm(workshop=viewer.workshop),
        partial="phases/stakeholders.html#stakeholder_form",
        form_name="stakeholder_form",
        back=phase_url(viewer.workshop_id, Phase.STAKEHOLDERS),
        phase=Phase.STAKEHOLDERS,
    )


@write(needs=Needs.FACILITATOR)
def stakeholder_delete(request, viewer, item_id):
    organisation = item_of(Stakeholder, viewer, item_id)
    if organisation.actions.exists():
        raise Refused(_("This organisation owns roadmap actions; change those first."), 409)
    before = {"name": organisation.name, "sector": organisation.sector}
    record(viewer, STAKEHOLDER_DELETED, organisation, summary=organisation.name, changes={"before": before})
    organisation.delete()
    return done(request, phase_url(viewer.workshop_id, Phase.STAKEHOLDERS))
