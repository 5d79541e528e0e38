"""Every write reaches every page kind that shows what it changed, and no other.

One case per write (and per change a write may record): the case drives the write once and
checks the activity it recorded; then every page kind, opened as the facilitator before the
write, polls. A page whose board shows one of the recorded changes (or the workshop's own,
shown in every banner) gets a delta with at least one out-of-band fragment; any other page
gets 204. A change declared without a case here makes `test_every_declared_change_has_a_case` fail.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

import visions.phases  # noqa: F401  (importing registers every board)
import visions.workshops.views  # noqa: F401  (declares the workshop's changes)
from visions.live.activity import DECLARED, DELTA_MEMO, Change
from visions.live.pages import (
    BOARDS,
    PAGE_BUILDER,
    PAGE_CONSOLE,
    PAGE_OVERVIEW,
    PAGE_THEMES,
    WORKSHOP_UPDATED,
)
from visions.models import Activity, CheckInRound, Endorsement, Phase, Theme, UpdateLink, VisionStatus
from visions.phases.export import COMMITMENT_ADDED
from visions.phases.followup import LINK_CREATED, LINK_REVOKED, ROUND_CLOSED, ROUND_OPENED
from visions.phases.console import ISSUE_HIDDEN, ISSUE_RESTORED, VISION_HIDDEN, VISION_RESTORED
from visions.phases.current_state import ASSESSMENT_ADDED, ASSESSMENT_DELETED, GAP_ISSUE_ADDED
from visions.phases.issues import ISSUE_ADDED, ISSUE_DELETED, ISSUE_EDITED, ISSUE_SCORED, ISSUE_VOTED
from visions.phases.roadmap import (
    ACTION_ADDED,
    ACTION_DELETED,
    ACTION_EDITED,
    ACTION_PROGRESS,
    ACTION_PROPOSED,
    MILESTONE_ACCEPTED,
    MILESTONE_ADDED,
    MILESTONE_DELETED,
    MILESTONE_EDITED,
    MILESTONE_PROPOSED,
    MILESTONE_REJECTED,
)
from visions.phases.stakeholders import PARTICIPANT_JOINED, STAKEHOLDER_ADDED, STAKEHOLDER_DELETED
from visions.phases.themes import (
    ISSUES_GROUPED,
    THEME_ADDED,
    THEME_DELETED,
    THEME_MERGED,
    THEME_RENAMED,
    THEME_SPLIT,
)
from visions.phases.vision import (
    TARGET_ADDED,
    TARGET_DELETED,
    VISION_ADDED,
    VISION_ADOPTED,
    VISION_DELETED,
    VISION_EDITED,
    VISION_ENDORSED,
    VISION_WITHDRAWN,
)
from visions.workshops.views import JOIN_CODE_ROTATED, WORKSHOP_CREATED
from visions.documents.rounds import NEXT_ROUND_STARTED, ROUND_CONTINUED
from visions.models import PublicLink
from visions.workshops.rounds import PUBLIC_LINK_CREATED, PUBLIC_LINK_REVOKED
from visions.documents.workshop_file import dumps, export_document
from visions.documents.workshop_file.importer import WORKSHOP_IMPORTED
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    IssueFactory,
    MilestoneFactory,
    StakeholderFactory,
    TargetFactory,
    VisionFactory,
)
from tests.live.test_live_support import english_client, make_room, oob_ids, poll, poll_url_of, set_phase, url

FACILITATOR, PARTICIPANT, NEWCOMER = "facilitator", "participant", "newcomer"  # newcomer: not yet joined


@dataclass
class Case:
    """One write: who makes it in which phase, with what, on what, and the changes it records."""

    id: str
    url_name: str
    who: str
    phase: str
    changes: tuple  # the Changes it records, in order
    data: object = field(default_factory=dict)  # dict, or callable(room, seeded) -> dict
    seed: object = None  # callable(room) -> dict of what the write needs
    args: object = None  # callable(room, seeded) -> list of URL arguments after the workshop's
    workshop_url: bool = True  # False for addresses without the workshop (join, workshop create)
    # Page kinds known to show what the write changes, whatever their boards declare: they must redraw.
    redraws: tuple = ()
    status: int = 302  # what the write answers (a new update link is shown at once, not redirected to)


def key(name):
    return f"redraws-{name}"


# --- seeds --------------------------------------------------------------------------------


def own_vision(room):
    return {"vision": VisionFactory(workshop=room.workshop, author=room.me)}


def their_vision(room):
    return {"vision": VisionFactory(workshop=room.workshop, author=room.them)}


def endorsed_vision(room):
    vision = VisionFactory(workshop=room.workshop, author=room.them)
    Endorsement.objects.create(vision=vision, participant=room.me)
    return {"vision": vision}


def hidden_vision(room):
    return {"vision": VisionFactory(workshop=room.workshop, author=room.them, hidden=True)}


def adopted_vision(room):
    return {"vision": VisionFactory(workshop=room.workshop, status=VisionStatus.ADOPTED)}


def own_adopted_vision(room):
    return {"vision": VisionFactory(workshop=room.workshop, author=room.me, status=VisionStatus.ADOPTED)}


def target(room):
    vision = VisionFactory(workshop=room.workshop, status=VisionStatus.ADOPTED)
    return {"target": TargetFactory(workshop=room.workshop, vision=vision)}


def assessed_target(room):
    seeded = target(room)
    seeded["assessment"] = AssessmentFactory(target=seeded["target"], author=room.me)
    return seeded


def own_issue(room):
    return {"issue": IssueFactory(workshop=room.workshop, author=room.me)}


def their_issue(room):
    return {"issue": IssueFactory(workshop=room.workshop, author=room.them)}


def hidden_issue(room):
    return {"issue": IssueFactory(workshop=room.workshop, author=room.them, hidden=True)}


def themed_issues(room):
    theme = Theme.objects.create(workshop=room.workshop, name="Mobility")
    other = Theme.objects.create(workshop=room.workshop, name="Care")
    issues = [IssueFactory(workshop=room.workshop, author=room.them, theme=theme) for _ in range(2)]
    return {"theme": theme, "other": other, "issues": issues, "loose": IssueFactory(workshop=room.workshop)}


def organisation(room):
    return {"org": StakeholderFactory(workshop=room.workshop, name="Tokushima Bank")}


def update_link(room):
    org = StakeholderFactory(workshop=room.workshop, name="Tokushima Bank")
    return {"link": UpdateLink.issue(room.workshop, org)[0]}


def checkin_round(room):
    return {"round": CheckInRound.objects.create(workshop=room.workshop)}


def milestone(room):
    return {"milestone": MilestoneFactory(workshop=room.workshop, accepted=True)}


def proposal(room):
    return {"milestone": MilestoneFactory(workshop=room.workshop, accepted=False, proposed_by=room.me)}


def action(room):
    return {"action": ActionFactory(workshop=room.workshop)}


def item(name):
    return lambda room, seeded: [seeded[name].pk]


def action_data(**overrides):
    return {
        "title": "Community care hubs",
        "description": "",
        "start_year": 2027,
        "end_year": 2031,
        "status": "planned",
        "progress": 0,
        **overrides,
    }


WORKSHOP_DATA = {
    "title": "Awa 2050, renamed",
    "theme": "Super-aged society",
    "region": "Tokushima",
    "language": "ja",
    "base_year": 2026,
    "target_year": 2050,
    "dot_budget": 5,
}


def joining(**extra):
    return lambda room, seeded: {
        "code": room.workshop.join_code,
        "display_name": "Chika",
        "sector": "citizen",
        "discipline": "",
        **extra,
    }


# --- the table ----------------------------------------------------------------------------

CASES = [
    # phase 1: stakeholders, and joining
    Case(
        "stakeholder_add",
        "stakeholder_add",
        PARTICIPANT,
        Phase.STAKEHOLDERS,
        (STAKEHOLDER_ADDED,),
        data={
            "name": "Awa Cooperative",
            "sector": "citizen",
            "discipline": "farming",
            "form_key": key("org"),
        },
    ),
    Case(
        "stakeholder_delete",
        "stakeholder_delete",
        FACILITATOR,
        Phase.STAKEHOLDERS,
        (STAKEHOLDER_DELETED,),
        seed=organisation,
        args=item("org"),
    ),
    Case(
        "join",
        "join",
        NEWCOMER,
        Phase.STAKEHOLDERS,
        (PARTICIPANT_JOINED,),
        data=joining(),
        workshop_url=False,
    ),
    Case(
        "join_with_new_organisation",
        "join",
        NEWCOMER,
        Phase.STAKEHOLDERS,
        (STAKEHOLDER_ADDED, PARTICIPANT_JOINED),
        data=joining(new_organisation="Naruto NPO"),
        workshop_url=False,
    ),
    # phase 2: vision
    Case(
        "vision_add",
        "vision_add",
        PARTICIPANT,
        Phase.VISION,
        (VISION_ADDED,),
        data={
            "statement": "Everyone lives well at home",
            "target_year": 2050,
            "sdgs": [3, 11],
            "form_key": key("vision"),
        },
    ),
    Case(
        "vision_edit",
        "vision_edit",
        PARTICIPANT,
        Phase.VISION,
        (VISION_EDITED,),
        seed=own_vision,
        args=item("vision"),
        data={"statement": "Everyone ages well at home", "target_year": 2050, "sdgs": [3], "version": 1},
    ),
    # The adopted vision's statement heads the roadmap builder's backcast and the export page.
    Case(
        "vision_edit_adopted",
        "vision_edit",
        FACILITATOR,
        Phase.ROADMAP,
        (VISION_EDITED,),
        seed=own_adopted_vision,
        args=item("vision"),
        redraws=(PAGE_BUILDER, Phase.EXPORT),
        data={"statement": "Everyone ages well at home", "target_year": 2050, "sdgs": [3], "version": 1},
    ),
    Case(
        "vision_delete",
        "vision_delete",
        PARTICIPANT,
        Phase.VISION,
        (VISION_DELETED,),
        seed=own_vision,
        args=item("vision"),
    ),
    Case(
        "vision_endorse",
        "vision_endorse",
        PARTICIPANT,
        Phase.VISION,
        (VISION_ENDORSED,),
        seed=their_vision,
        args=item("vision"),
        data={"endorse": "on"},
    ),
    Case(
        "vision_withdraw",
        "vision_endorse",
        PARTICIPANT,
        Phase.VISION,
        (VISION_WITHDRAWN,),
        seed=endorsed_vision,
        args=item("vision"),
        data={"endorse": ""},
    ),
    Case(
        "vision_adopt",
        "vision_adopt",
        FACILITATOR,
        Phase.VISION,
        (VISION_ADOPTED,),
        seed=their_vision,
        args=item("vision"),
        redraws=(Phase.EXPORT,),
    ),
    Case(
        "vision_hide",
        "contribution_hide",
        FACILITATOR,
        Phase.VISION,
        (VISION_HIDDEN,),
        seed=their_vision,
        args=lambda room, seeded: ["vision", seeded["vision"].pk],
        data={"hidden": "on"},
    ),
    Case(
        "vision_restore",
        "contribution_hide",
        FACILITATOR,
        Phase.VISION,
        (VISION_RESTORED,),
        seed=hidden_vision,
        args=lambda room, seeded: ["vision", seeded["vision"].pk],
        data={"hidden": ""},
    ),
    Case(
        "target_add",
        "target_add",
        FACILITATOR,
        Phase.VISION,
        (TARGET_ADDED,),
        seed=adopted_vision,
        data={
            "indicator": "Older people living at home",
            "unit": "%",
            "direction": "increase",
            "target_value": 90,
            "target_year": 2050,
            "form_key": key("target"),
        },
    ),
    Case(
        "target_delete",
        "target_delete",
        FACILITATOR,
        Phase.VISION,
        (TARGET_DELETED,),
        seed=assessed_target,
        args=item("target"),
    ),
    # phase 3: current state
    Case(
        "assessment_add_first",
        "assessment_add",
        PARTICIPANT,
        Phase.CURRENT_STATE,
        (ASSESSMENT_ADDED, GAP_ISSUE_ADDED),
        seed=target,
        args=item("target"),
        data={
            "value": 61.5,
            "as_of": "2025-04-01",
            "source": "https://example.org/census",
            "note": "",
            "form_key": key("assessment"),
        },
    ),
    Case(
        "assessment_add_again",
        "assessment_add",
        PARTICIPANT,
        Phase.CURRENT_STATE,
        (ASSESSMENT_ADDED,),
        seed=assessed_target,
        args=item("target"),
        data={
            "value": 63,
            "as_of": "2026-04-01",
            "source": "https://example.org/census",
            "note": "",
            "form_key": key("assessment-2"),
        },
    ),
    Case(
        "assessment_import_first",
        "assessment_import_confirm",
        PARTICIPANT,
        Phase.CURRENT_STATE,
        (ASSESSMENT_ADDED, GAP_ISSUE_ADDED),
        seed=target,
        args=item("target"),
        data={"text": "年,値,出典\r\n2023,61.5,国勢調査\r\n2024,62,国勢調査\r\n", "form_key": key("import")},
    ),
    Case(
        "assessment_import_again",
        "assessment_import_confirm",
        FACILITATOR,
        Phase.CURRENT_STATE,
        (ASSESSMENT_ADDED,),
        seed=assessed_target,
        args=item("target"),
        data={"text": "date\tvalue\n2026-04-01\t63\n2027-04-01\t64\n", "form_key": key("import-2")},
    ),
    Case(
        "assessment_delete",
        "assessment_delete",
        PARTICIPANT,
        Phase.CURRENT_STATE,
        (ASSESSMENT_DELETED,),
        seed=assessed_target,
        args=item("assessment"),
    ),
    # phase 4: issues
    Case(
        "issue_add",
        "issue_add",
        PARTICIPANT,
        Phase.ISSUES,
        (ISSUE_ADDED,),
        data={"title": "No night buses", "description": "", "form_key": key("issue")},
    ),
    Case(
        "issue_edit",
        "issue_edit",
        PARTICIPANT,
        Phase.ISSUES,
        (ISSUE_EDITED,),
        seed=own_issue,
        args=item("issue"),
        data={"title": "No buses after eight", "description": "", "version": 1},
    ),
    Case(
        "issue_delete",
        "issue_delete",
        PARTICIPANT,
        Phase.ISSUES,
        (ISSUE_DELETED,),
        seed=own_issue,
        args=item("issue"),
    ),
    Case(
        "issue_vote",
        "issue_vote",
        PARTICIPANT,
        Phase.ISSUES,
        (ISSUE_VOTED,),
        seed=their_issue,
        args=item("issue"),
        data={"dots": 2},
    ),
    Case(
        "issue_score",
        "issue_score",
        PARTICIPANT,
        Phase.ISSUES,
        (ISSUE_SCORED,),
        seed=their_issue,
        args=item("issue"),
        data={"impact": 4, "feasibility": 2},
    ),
    Case(
        "issue_hide",
        "contribution_hide",
        FACILITATOR,
        Phase.ISSUES,
        (ISSUE_HIDDEN,),
        seed=their_issue,
        args=lambda room, seeded: ["issue", seeded["issue"].pk],
        data={"hidden": "on"},
    ),
    Case(
        "issue_restore",
        "contribution_hide",
        FACILITATOR,
        Phase.ISSUES,
        (ISSUE_RESTORED,),
        seed=hidden_issue,
        args=lambda room, seeded: ["issue", seeded["issue"].pk],
        data={"hidden": ""},
    ),
    # phase 4: themes (facilitator)
    Case(
        "theme_add",
        "theme_add",
        FACILITATOR,
        Phase.ISSUES,
        (THEME_ADDED,),
        data={"name": "Housing", "form_key": key("theme")},
    ),
    Case(
        "theme_rename",
        "theme_rename",
        FACILITATOR,
        Phase.ISSUES,
        (THEME_RENAMED,),
        seed=themed_issues,
        args=item("theme"),
        data=lambda room, seeded: {f"rename-{seeded['theme'].pk}-name": "Getting around"},
    ),
    Case(
        "theme_merge",
        "theme_merge",
        FACILITATOR,
        Phase.ISSUES,
        (THEME_MERGED,),
        seed=themed_issues,
        data=lambda room, seeded: {"source": seeded["theme"].pk, "into": seeded["other"].pk},
    ),
    Case(
        "theme_split",
        "theme_split",
        FACILITATOR,
        Phase.ISSUES,
        (THEME_SPLIT,),
        seed=themed_issues,
        args=item("theme"),
        data=lambda room, seeded: {
            f"split-{seeded['theme'].pk}-name": "Night mobility",
            f"split-{seeded['theme'].pk}-issues": [seeded["issues"][0].pk],
            f"split-{seeded['theme'].pk}-form_key": key("split"),
        },
    ),
    Case(
        "theme_assign",
        "theme_assign",
        FACILITATOR,
        Phase.ISSUES,
        (ISSUES_GROUPED,),
        seed=themed_issues,
        data=lambda room, seeded: {"issues": [seeded["loose"].pk], "theme": seeded["other"].pk},
    ),
    Case(
        "theme_delete",
        "theme_delete",
        FACILITATOR,
        Phase.ISSUES,
        (THEME_DELETED,),
        seed=themed_issues,
        args=item("theme"),
    ),
    # the console: phase, lock, timer, dots
    Case(
        "phase_move",
        "phase_move",
        FACILITATOR,
        Phase.ISSUES,
        (WORKSHOP_UPDATED,),
        data={"to": Phase.ROADMAP, "confirmed": "on"},
    ),
    Case(
        "workshop_lock",
        "workshop_lock",
        FACILITATOR,
        Phase.ISSUES,
        (WORKSHOP_UPDATED,),
        data={"locked": "on"},
    ),
    Case(
        "workshop_timer",
        "workshop_timer",
        FACILITATOR,
        Phase.ISSUES,
        (WORKSHOP_UPDATED,),
        data={"action": "start", "minutes": 5},
    ),
    Case(
        "workshop_dot_budget",
        "workshop_dot_budget",
        FACILITATOR,
        Phase.ISSUES,
        (WORKSHOP_UPDATED,),
        data={"dot_budget": 8},
    ),
    # phase 5: the roadmap
    Case(
        "roadmap_priority",
        "roadmap_priority",
        FACILITATOR,
        Phase.ROADMAP,
        (WORKSHOP_UPDATED,),
        data={"priority_count": 3},
    ),
    Case(
        "milestone_suggest_series",
        "roadmap_milestone_suggest",
        FACILITATOR,
        Phase.ROADMAP,
        (MILESTONE_ADDED, MILESTONE_ADDED),
        data={
            "series-TOTAL_FORMS": 2,
            "series-INITIAL_FORMS": 2,
            "series-0-include": "on",
            "series-0-year": 2050,
            "series-0-title": "Everyone lives well at home",
            "series-1-include": "on",
            "series-1-year": 2040,
            "series-1-title": "Care close to every home",
        },
    ),
    Case(
        "milestone_create",
        "roadmap_milestone_create",
        FACILITATOR,
        Phase.ROADMAP,
        (MILESTONE_ADDED,),
        data={"year": 2040, "title": "Care close to every home", "description": ""},
    ),
    Case(
        "milestone_propose",
        "roadmap_milestone_create",
        PARTICIPANT,
        Phase.ROADMAP,
        (MILESTONE_PROPOSED,),
        data={"year": 2035, "title": "Night buses on every line", "description": ""},
    ),
    Case(
        "milestone_edit",
        "roadmap_milestone_edit",
        FACILITATOR,
        Phase.ROADMAP,
        (MILESTONE_EDITED,),
        seed=milestone,
        args=item("milestone"),
        data={"year": 2041, "title": "Care close to every home", "description": "Edited", "version": 1},
    ),
    Case(
        "milestone_accept",
        "roadmap_milestone_accept",
        FACILITATOR,
        Phase.ROADMAP,
        (MILESTONE_ACCEPTED,),
        seed=proposal,
        args=item("milestone"),
    ),
    Case(
        "milestone_delete",
        "roadmap_milestone_delete",
        FACILITATOR,
        Phase.ROADMAP,
        (MILESTONE_DELETED,),
        seed=milestone,
        args=item("milestone"),
    ),
    Case(
        "milestone_reject",
        "roadmap_milestone_delete",
        FACILITATOR,
        Phase.ROADMAP,
        (MILESTONE_REJECTED,),
        seed=proposal,
        args=item("milestone"),
    ),
    Case(
        "action_create",
        "roadmap_action_create",
        FACILITATOR,
        Phase.ROADMAP,
        (ACTION_ADDED,),
        data=action_data(),
    ),
    Case(
        "action_propose",
        "roadmap_action_create",
        PARTICIPANT,
        Phase.ROADMAP,
        (ACTION_PROPOSED,),
        data=action_data(title="Shared taxis"),
    ),
    Case(
        "action_propose_with_effects",
        "roadmap_action_create",
        PARTICIPANT,
        Phase.ROADMAP,
        (ACTION_PROPOSED,),
        seed=assessed_target,
        data=lambda room, seeded: {
            **action_data(title="Shared taxis"),
            "effects-TOTAL_FORMS": 1,
            "effects-INITIAL_FORMS": 0,
            "effects-0-target": seeded["target"].pk,
            "effects-0-amount": "5",
            "effects-0-confidence": "high",
        },
    ),
    Case(
        "action_edit_effects",
        "roadmap_action_edit",
        FACILITATOR,
        Phase.ROADMAP,
        (ACTION_EDITED,),
        seed=lambda room: {**action(room), **assessed_target(room)},
        args=item("action"),
        data=lambda room, seeded: {
            **action_data(title="Community care hubs", version=1),
            "effects-TOTAL_FORMS": 1,
            "effects-INITIAL_FORMS": 0,
            "effects-0-target": seeded["target"].pk,
            "effects-0-amount": "-2",
            "effects-0-year": "2040",
            "effects-0-confidence": "low",
        },
    ),
    Case(
        "action_edit",
        "roadmap_action_edit",
        FACILITATOR,
        Phase.ROADMAP,
        (ACTION_EDITED,),
        seed=action,
        args=item("action"),
        data=action_data(title="Community care hubs in every town", version=1),
    ),
    Case(
        "action_progress",
        "roadmap_action_progress",
        FACILITATOR,
        Phase.ROADMAP,
        (ACTION_PROGRESS,),
        seed=action,
        args=item("action"),
        data={"status": "in_progress", "progress": 40},
    ),
    Case(
        "action_delete",
        "roadmap_action_delete",
        FACILITATOR,
        Phase.ROADMAP,
        (ACTION_DELETED,),
        seed=action,
        args=item("action"),
    ),
    # the workshop itself
    Case(
        "workshop_edit", "workshop_edit", FACILITATOR, Phase.EXPORT, (WORKSHOP_UPDATED,),
        data={**WORKSHOP_DATA, "version": 1}
    ),
    Case("workshop_rotate_code", "workshop_rotate_code", FACILITATOR, Phase.EXPORT, (JOIN_CODE_ROTATED,)),
    Case("commitment_create", "commitment_create", FACILITATOR, Phase.EXPORT, (COMMITMENT_ADDED,), data={"name": "Board"}),
    # after the workshop: the next round (recorded on the new round, then on this one) and share links
    Case(
        "next_round", "next_round", FACILITATOR, Phase.EXPORT, (ROUND_CONTINUED, NEXT_ROUND_STARTED),
        data={"title": "Next year"},
    ),
    Case("public_link_create", "public_link_create", FACILITATOR, Phase.EXPORT, (PUBLIC_LINK_CREATED,)),
    Case(
        "public_link_revoke", "public_link_revoke", FACILITATOR, Phase.EXPORT, (PUBLIC_LINK_REVOKED,),
        seed=lambda room: {"link": PublicLink.make(room.workshop, None)[0]},
        args=item("link"),
    ),
    # follow-up: update links and check-in rounds (only the console lists them)
    Case(
        "followup_link_create",
        "followup_link_create",
        FACILITATOR,
        Phase.EXPORT,
        (LINK_CREATED,),
        seed=organisation,
        data=lambda room, seeded: {"stakeholder": seeded["org"].pk, "days": 90},
        status=200,
    ),
    Case("followup_link_revoke", "followup_link_revoke", FACILITATOR, Phase.EXPORT, (LINK_REVOKED,),
         seed=update_link, args=item("link")),
    Case("checkin_round_open", "checkin_round_open", FACILITATOR, Phase.EXPORT, (ROUND_OPENED,), data={"message": ""}),
    Case("checkin_round_close", "checkin_round_close", FACILITATOR, Phase.EXPORT, (ROUND_CLOSED,),
         seed=checkin_round, args=item("round")),
    # Another workshop's: no page of this one hears of it.
    Case(
        "workshop_create",
        "workshop_create",
        FACILITATOR,
        Phase.EXPORT,
        (WORKSHOP_CREATED,),
        data={**WORKSHOP_DATA, "title": "Another workshop"},
        workshop_url=False,
    ),
    Case(
        "workshop_import",
        "workshop_import",
        FACILITATOR,
        Phase.EXPORT,
        (WORKSHOP_IMPORTED,),
        data=lambda room, seeded: {
            "file": SimpleUploadedFile("w.json", dumps(export_document(room.workshop)).encode())
        },
        workshop_url=False,
    ),
]

# Every page kind, as the facilitator opens it: (name, url name, URL arguments after the workshop's).
PAGES = [
    *[(str(phase), "phase_page", [phase]) for phase in Phase.values],
    (PAGE_CONSOLE, "console", []),
    (PAGE_BUILDER, "roadmap", []),
    (PAGE_THEMES, "themes", []),
    (PAGE_OVERVIEW, "workshop_detail", []),
    ("projector", "projector", []),
]


def board_of(page, workshop_phase):
    return BOARDS[("projector", workshop_phase) if page == "projector" else page]


def shown_by(board):
    return board.shows | {WORKSHOP_UPDATED}


def as_change(row):
    return Change(row.subject_type, row.verb)


def drive(room, case):
    """Seed, make the write as the case's person, and return the activity rows it recorded."""
    seeded = case.seed(room) if case.seed else {}
    args = case.args(room, seeded) if case.args else []
    data = case.data(room, seeded) if callable(case.data) else case.data
    address = url(case.url_name, room.workshop, *args) if case.workshop_url else reverse(case.url_name)
    client = english_client() if case.who == NEWCOMER else room.as_(case.who)
    before = Activity.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(address, data)
    assert response.status_code == case.status, re.findall(
        r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    )
    return list(Activity.objects.filter(id__gt=before).order_by("id"))


@pytest.fixture(autouse=True)
def fresh_memo():
    DELTA_MEMO.clear()
    yield
    DELTA_MEMO.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_write_redraws_exactly_the_pages_that_show_it(case):
    room = make_room()
    set_phase(room.workshop, case.phase)
    polls = {}
    for page, name, args in PAGES:
        response = room.facilitator.get(url(name, room.workshop, *args))
        assert response.status_code == 200, page
        polls[page] = poll_url_of(response)

    rows = drive(room, case)

    assert [as_change(row) for row in rows] == list(case.changes)
    here = {as_change(row) for row in rows if row.workshop_id == room.workshop.pk}
    for page, _name, _args in PAGES:
        board = board_of(page, case.phase)
        response = poll(room.facilitator, polls[page])
        if here & shown_by(board) or page in case.redraws:
            assert response.status_code == 200, f"{page} was not redrawn after {case.id}"
            swapped = [dom_id for dom_id, _style in oob_ids(response) if dom_id != "live-poll"]
            assert swapped, f"{page}'s delta after {case.id} swaps nothing"
        else:
            assert response.status_code == 204, f"{page} got a delta after {case.id}, which it does not show"


@pytest.mark.django_db
def test_every_declared_change_has_a_case():
    driven = {change for case in CASES for change in case.changes}
    assert [str(change) for change in DECLARED if change not in driven] == []
    for kind, board in BOARDS.items():
        assert [str(change) for change in board.shows if change not in DECLARED] == [], kind
