"""Who may see a workshop: its facilitators (accounts) and its participants (sessions).

Everything outside the request's own workshops answers 404, never 403, so that
workshop ids cannot be probed.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from visions.models import Participant, Role, Workshop

SESSION_KEY = "fc_participants"


def remember_participant(session, participant):
    joined = dict(session.get(SESSION_KEY, {}))
    joined[str(participant.workshop_id)] = participant.pk
    session[SESSION_KEY] = joined


def forget_participant(session, workshop_id):
    joined = dict(session.get(SESSION_KEY, {}))
    joined.pop(str(workshop_id), None)
    session[SESSION_KEY] = joined


def session_participant_id(request, workshop_id):
    return request.session.get(SESSION_KEY, {}).get(str(workshop_id))


@dataclass
class Membership:
    workshop: Workshop
    participant: Participant | None
    is_facilitator: bool

    @property
    def can_contribute(self):
        if self.is_facilitator:
            return True
        return self.participant is not None and self.participant.role != Role.OBSERVER


def facilitated_workshop(request, workshop_id):
    """The workshop, if the signed-in user facilitates it; otherwise 404."""
    return get_object_or_404(Workshop.objects.facilitated_by(request.user), pk=workshop_id)


def membership(request, workshop_id):
    """The request's place in the workshop: facilitator, participant, or 404."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    is_facilitator = workshop.is_facilitated_by(request.user)
    participant = None
    participant_id = session_participant_id(request, workshop.pk)
    if participant_id is not None:
        participant = Participant.objects.filter(workshop=workshop, pk=participant_id).first()
    if not is_facilitator and participant is None:
        raise Http404("No such workshop")
    return Membership(workshop=workshop, participant=participant, is_facilitator=is_facilitator)
