"""The demo workshop the app opens with: a super-aged prefecture backcasting to 2050.

「みらい県」 is fictional; its numbers are plausible for a rural Japanese prefecture
where about 41% of residents are 65 or older by 2055. The room is mixed, so a few
people write in English. The roadmap deliberately keeps two issues unaddressed, one
ordering violation and one action that began before the base year, so that the
coverage checks have something to show.

The workshop itself is the workshop file mirai-2050.json, imported like any other;
this module adds only what a file does not carry: the facilitator's account and
the history a real workshop would have.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from visions.documents.workshop_file import import_document_with_keys, load_bytes
from visions.live import record
from visions.live.access import Viewer
from visions.live.pages import WORKSHOP_UPDATED
from visions.models import ActionStatus, Phase, Workshop
from visions.phases.roadmap import ACTION_EDITED
from visions.phases.vision import VISION_ADOPTED

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-facilitator"
DEMO_FILE = Path(__file__).with_name("mirai-2050.json")

# Stored in the workshop's "created" activity, so the demo is recognised even after a rename.
DEMO_MARKER = "mirai-2050"

# Adopted in this order, so that the robot-centred vision adopted first ended up archived.
ADOPTION_ORDER = ("robots", "together")


def demo_document():
    """The demo workshop as a workshop file document."""
    return load_bytes(DEMO_FILE.read_bytes())


def find_demo_workshop():
    """The demo workshop made by build_demo_workshop, if it is still there."""
    return (
        Workshop.objects.filter(
            activities__verb="created",
            activities__subject_type="workshop",
            activities__changes__demo=DEMO_MARKER,
        )
        .distinct()
        .order_by("id")
        .first()
    )


def ensure_demo_user():
    """The demo facilitator account and whether it was made now; an existing one is left as it is."""
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is not None:
        return user, False
    return User.objects.create_user(username=DEMO_USERNAME, password=DEMO_PASSWORD), True


@transaction.atomic
def build_demo_workshop(user=None):
    """Create the demo workshop, facilitated by `user` (the demo account when not given)."""
    if user is None:
        user, _created = ensure_demo_user()
    workshop, objects = import_document_with_keys(demo_document(), facilitator=user)
    facilitator = objects["participants"]["facilitator"]
    facilitator.user = user
    facilitator.save(update_fields=["user"])
    _record_history(workshop, objects, user, facilitator)
    return workshop


def _record_history(workshop, objects, user, facilitator):
    # The import's own entry becomes the demo's "created" one, which carries the marker.
    workshop.activities.filter(verb="imported").update(
        verb="created", summary="デモワークショップを作成しました", changes={"demo": DEMO_MARKER}
    )
    for key in ADOPTION_ORDER:
        vision = objects["visions"][key]
        record(Viewer.of_participant(facilitator), VISION_ADOPTED, vision, summary=vision.statement)
    council = objects["actions"]["council"]
    record(
        Viewer.of_participant(objects["participants"]["yamada"]),
        ACTION_EDITED,
        council,
        summary=council.title,
        changes={"status": [ActionStatus.IN_PROGRESS, ActionStatus.DONE], "progress": [60, 100]},
    )
    record(
        Viewer.of_facilitator(workshop, user),
        WORKSHOP_UPDATED,
        workshop,
        summary="フェーズ: ロードマップ",
        changes={"phase": [Phase.ISSUES, Phase.ROADMAP]},
    )
