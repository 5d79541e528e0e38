"""The one write guard: lock, phase, role and ownership, answered the same way for every write.

A refused write raises `Refused`; visions.middleware.RefusalMiddleware shows its message in
the page's message region (htmx) or as a styled page, so the page keeps working.
"""

import datetime
import secrets
from contextlib import contextmanager
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from visions.models import FormSubmission, Workshop

# How long a form's one-time key is remembered to refuse a repeated submission.
FORM_KEY_MAX_AGE = 60 * 60 * 24


class Refused(Exception):
    """A write the server will not do; `status` tells the client why."""

    def __init__(self, message, status=403):
        super().__init__(message)
        self.message = message
        self.status = status


class Needs(StrEnum):
    """Who may make a write."""

    CONTRIBUTOR = "contributor"  # facilitators and participants, not observers
    VOTER = "voter"  # participants: dots, scores, endorsements
    FACILITATOR = "facilitator"


def require(viewer, needs):
    """Refuse what the viewer's role does not allow (403 with a message)."""
    if needs == Needs.FACILITATOR and not viewer.is_facilitator:
        raise Refused(_("Only the facilitator can do this."), 403)
    if not viewer.can_contribute:
        raise Refused(_("Observers can read but not change the workshop."), 403)
    if needs == Needs.VOTER and not viewer.can_vote:
        raise Refused(_("Only participants can do this."), 403)


def require_change_right(viewer, item):
    if not viewer.may_change(item):
        raise Refused(_("You can only change your own contributions."), 403)


@contextmanager
def contribution(viewer, phase=None, needs=Needs.CONTRIBUTOR):
    """One write to a workshop, in a transaction that holds the workshop row.

    Holding the row serialises writes per workshop: the locked flag cannot change under
    a write, activity ids commit in order, a dependency cycle cannot slip in between two
    edits' checks, and a participant's dots cannot be spent by two requests at once.
    Participants may write only while the workshop is unlocked and, for a phase's writes,
    only in the workshop's current phase; facilitators may always write.
    """
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=viewer.workshop_id)
        viewer.workshop = workshop
        viewer.holds_workshop = True
        try:
            require(viewer, needs)
            if not viewer.is_facilitator:
                if workshop.locked:
                    raise Refused(
                        _(
                            "The facilitator has locked contributions for now. Nothing was saved; "
                            "you can try again when they unlock."
                        ),
                        423,
                    )
                if phase is not None and workshop.phase != phase:
                    raise Refused(
                        _("The group has moved on to “%(phase)s”; this phase is closed for changes.")
                        % {"phase": workshop.get_phase_display()},
                        403,
                    )
            yield workshop
        finally:
            viewer.holds_workshop = False


def new_form_key():
    return secrets.token_urlsafe(16)


def claim_form_key(workshop, key):
    """True the first time a form's key is seen; False for a repeated submission.

    Called inside the write's transaction: if the write fails, the key is not used up.
    """
    if not key:
        return True
    try:
        with transaction.atomic():
            FormSubmission.objects.create(key=key[:64], workshop=workshop)
    except IntegrityError:
        return False
    # A repeat comes within seconds; keys older than a workshop day need not be kept.
    FormSubmission.objects.filter(
        workshop=workshop, created_at__lt=timezone.now() - datetime.timedelta(seconds=FORM_KEY_MAX_AGE)
    ).delete()
    return True
