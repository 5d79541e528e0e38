"""Who is looking at a workshop, and what they may do there: the one access model.

Anyone outside a workshop gets 404 for everything in it, never 403, so workshop ids
cannot be probed. Inside it, `Viewer` answers every "may this person ..." question, the
pages draw exactly the controls it allows, and the write guard (guard.py) asks it again.
Facilitators have accounts; participants and observers are known by their session; an
organisation's representative by the secret of its update link (`viewer_for_update_link`),
which may change that organisation's actions and add assessments, and nothing else.
"""

import time
from dataclasses import dataclass
from functools import cached_property

from django.core import signing
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from visions.models import (
    Participant,
    Phase,
    PublicLink,
    Role,
    UpdateLink,
    Workshop,
    public_token_hash,
    update_link_hash,
)

SESSION_KEY = "fc_participants"
# A page's viewer token lasts a workshop day from the page's own access check; after that
# the page reloads, which checks access again. Deltas carry the token on without renewing it.
TOKEN_MAX_AGE = 60 * 60 * 12
TOKEN_SALT = "futurecenter.live.viewer"
# The token names the browser session it was made for by an HMAC of the session's key: the
# poll checks it against the session cookie that comes with it, without loading the session.
SESSION_MAC_SALT = "futurecenter.live.viewer.session"
PHASES = list(Phase.values)


def phase_index(phase):
    return PHASES.index(phase)


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


def session_mac(session_key):
    """What a viewer token holds of its browser session: an HMAC of the key ("" without a session)."""
    return salted_hmac(SESSION_MAC_SALT, session_key, algorithm="sha256").hexdigest() if session_key else ""


@dataclass
class Viewer:
    """A person in one workshop: facilitator, participant or observer."""

    workshop_id: int
    participant_id: int | None
    role: str | None  # the participant's role, None without a participant row
    is_facilitator: bool
    user_id: int | None = None
    workshop: Workshop | None = None
    participant: Participant | None = None
    display_name: str = ""
    checked_at: int | None = None  # when the page's full access check ran (seconds since the epoch)
    holds_workshop: bool = False  # inside a write that holds the workshop row (guard.contribution)
    session_mac: str = ""  # the browser session the page was rendered for (session_mac)
    # An organisation's representative through its update link: no account, no session, its own actions only.
    update_link: object = None

    @classmethod
    def of_participant(cls, participant):
        """The viewer a participant row is, e.g. right after joining."""
        return cls(
            workshop_id=participant.workshop_id,
            participant_id=participant.pk,
            role=participant.role,
            is_facilitator=False,
            workshop=participant.workshop,
            participant=participant,
            display_name=participant.display_name,
        )

    @classmethod
    def nobody(cls, workshop):
        """The command line, say: changes it records have no person behind them."""
        return cls(
            workshop_id=workshop.pk, participant_id=None, role=None, is_facilitator=False, workshop=workshop
        )

    @classmethod
    def of_facilitator(cls, workshop, user):
        return cls(
            workshop_id=workshop.pk,
            participant_id=None,
            role=None,
            is_facilitator=True,
            user_id=user.pk,
            workshop=workshop,
            display_name=user.get_username(),
        )

    @classmethod
    def of_update_link(cls, link):
        """The representative of the link's organisation, who may change that organisation's actions only."""
        return cls(
            workshop_id=link.workshop_id,
            participant_id=None,
            role=None,
            is_facilitator=False,
            workshop=link.workshop,
            display_name=link.stakeholder.name,
            update_link=link,
        )

    # --- what this person may do (the one rule; guard.py enforces it on writes) ---------

    @property
    def can_contribute(self):
        """Add and change contributions: facilitators and participants, not observers.

        An update link contributes too, but only reaches the views of visions/phases/update_link.py.
        """
        return self.is_facilitator or self.role == Role.PARTICIPANT or self.update_link is not None

    @property
    def can_vote(self):
        """Dots, scores and endorsements belong to participants (facilitators facilitate)."""
        return self.participant_id is not None and self.role == Role.PARTICIPANT

    @property
    def is_observer(self):
        return not self.is_facilitator and self.role == Role.OBSERVER

    def with_participant(self):
        """This viewer with its participant row loaded (a poll's viewer comes from its token alone)."""
        if self.participant is None and self.participant_id is not None:
            self.participant = Participant.objects.filter(pk=self.participant_id).first()
        return self

    @property
    def stakeholder_id(self):
        if self.update_link is not None:
            return self.update_link.stakeholder_id
        return self.participant.stakeholder_id if self.participant is not None else None

    def owns(self, item):
        return self.participant_id is not None and getattr(item, "author_id", None) == self.participant_id

    def speaks_for_owner_of(self, action):
        """A participant who speaks for one of the action's owners (reads prefetched owners)."""
        stakeholder_id = self.stakeholder_id
        return stakeholder_id is not None and any(owner.pk == stakeholder_id for owner in action.owners.all())

    def may_change(self, item):
        """Edit or delete `item`: the facilitator, its author, or for an action an owner's representative."""
        if self.is_facilitator:
            return True
        if not self.can_contribute:
            return False
        if hasattr(item, "owners"):
            return self.speaks_for_owner_of(item)
        if self.update_link is not None:
            return False  # a link changes its organisation's actions and adds assessments, nothing else
        return self.owns(item)

    def may_view_phase(self, phase):
        if self.is_facilitator:
            return True
        return phase_index(phase) <= phase_index(self.workshop.phase)

    @cached_property
    def links(self):
        """Address prefixes of the per-item actions, e.g. links.issue + "7/vote/".

        The same addresses {% url %} would give (tests/phases/test_phase_pages.py resolves
        them), without reversing one per item and action: that cost a 500-issue board ~60 ms.
        """

        def prefix(name, *args):
            address = reverse(name, args=[self.workshop_id, *args, 0])
            return address[: address.rindex("/0/") + 1]

        return {
            "issue": prefix("issue_edit"),
            "vision": prefix("vision_edit"),
            "target": prefix("target_delete"),
            "assessment": prefix("assessment_delete"),
            "stakeholder": prefix("stakeholder_delete"),
            "hide_issue": prefix("contribution_hide", "issue"),
            "hide_vision": prefix("contribution_hide", "vision"),
        }

    # --- the live poll's token ----------------------------------------------------------

    def token(self):
        checked_at = self.checked_at if self.checked_at is not None else int(time.time())
        return signing.dumps(
            {
                "w": self.workshop_id,
                "p": self.participant_id,
                "r": self.role,
                "f": int(self.is_facilitator),
                "u": self.user_id,
                "c": checked_at,
                "s": self.session_mac,
            },
            salt=TOKEN_SALT,
            compress=False,
        )

    def still_belongs(self, request):
        """Whether the browser's session and the workshop still count this viewer in.

        Run only when there is news (two or three queries). The token proves which session
        the page was rendered for; this checks that the session (`request.session`, keyed
        by the cookie the token was checked against) still holds the person: signing out
        empties it, and a participant's session names the participant it joined as.
        """
        if self.is_facilitator:
            user = request.user  # Django's own check: the session's user, its auth hash, active
            return (
                user.is_authenticated
                and user.pk == self.user_id
                and Workshop.facilitators.through.objects.filter(workshop_id=self.workshop_id, user_id=user.pk).exists()
            )
        if request.session.get(SESSION_KEY, {}).get(str(self.workshop_id)) != self.participant_id:
            return False
        return Participant.objects.filter(
            pk=self.participant_id, workshop_id=self.workshop_id, role=self.role
        ).exists()


class BadToken(Exception):
    pass


def viewer_from_token(token, workshop_id, session_key):
    """The viewer a page was rendered for, if `session_key` (the request's session cookie) is
    the session it was rendered in; no query (the page's own access check vouches)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as error:
        raise BadToken(str(error)) from error
    if data.get("w") != workshop_id:
        raise BadToken("token for another workshop")
    mac = data.get("s")
    if not isinstance(mac, str) or not mac or not constant_time_compare(mac, session_mac(session_key)):
        raise BadToken("token for another browser session")
    checked_at = data.get("c")
    if not isinstance(checked_at, int) or time.time() - checked_at > TOKEN_MAX_AGE:
        raise BadToken("the page's access check is too old")
    return Viewer(
        workshop_id=workshop_id,
        participant_id=data.get("p"),
        role=data.get("r"),
        is_facilitator=bool(data.get("f")),
        user_id=data.get("u"),
        checked_at=checked_at,
        session_mac=mac,
    )


def viewer_for(request, workshop_id):
    """The request's viewer of the workshop: facilitator, participant, observer, or 404."""
    user = request.user
    # The workshop and whether the user facilitates it, in one query.
    facilitates = Workshop.facilitators.through.objects.filter(
        workshop_id=OuterRef("pk"), user_id=user.pk if user.is_authenticated else None
    )
    workshop = get_object_or_404(Workshop.objects.annotate(facilitated=Exists(facilitates)), pk=workshop_id)
    is_facilitator = user.is_authenticated and workshop.facilitated
    participant_id = session_participant_id(request, workshop.pk)
    who = Q(pk=participant_id) if participant_id is not None else Q(pk__in=[])
    if is_facilitator:
        who |= Q(user=user)
    participant = None
    for row in Participant.objects.filter(workshop=workshop).filter(who).select_related("stakeholder"):
        # A facilitator who also joined by code acts as the facilitator.
        if participant is None or row.user_id == getattr(user, "pk", None):
            participant = row
    if not is_facilitator and participant is None:
        raise Http404("No such workshop")
    return Viewer(
        workshop_id=workshop.pk,
        participant_id=participant.pk if participant else None,
        role=participant.role if participant else None,
        is_facilitator=is_facilitator,
        user_id=user.pk if user.is_authenticated else None,
        workshop=workshop,
        participant=participant,
        display_name=participant.display_name if participant else user.get_username(),
        session_mac=session_mac(request.session.session_key),
    )


# --- the public page: reachable only through its share link --------------------------------


class LinkRevoked(Exception):
    """A public link that existed and was revoked: the page says so (410), instead of "not found"."""


def public_workshop(token):
    """The workshop a public page's token opens; 404 for an unknown token, LinkRevoked for a revoked one.

    Only the token's hash is stored and looked up, so a database copy does not open the page.
    Nothing else of the workshop is reachable with it: the public page is its only view.
    """
    if not token or len(token) > 100:
        raise Http404("No such page")
    link = PublicLink.objects.select_related("workshop").filter(token_hash=public_token_hash(token)).first()
    if link is None:
        raise Http404("No such page")
    if not link.is_active:
        raise LinkRevoked()
    return link.workshop


class LinkClosed(Exception):
    """An update link that was revoked or has expired: its holder is told so, and to ask the facilitator."""

    def __init__(self, link):
        super().__init__(str(link))
        self.link = link


def viewer_for_update_link(secret):
    """The representative an update link's secret names: 404 for an unknown one, LinkClosed for a dead one."""
    if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
        raise Http404("No such link")
    link = (
        UpdateLink.objects.select_related("workshop", "stakeholder")
        .filter(token_hash=update_link_hash(secret))
        .first()
    )
    if link is None:
        raise Http404("No such link")
    if not link.is_usable:
        raise LinkClosed(link)
    return Viewer.of_update_link(link)
