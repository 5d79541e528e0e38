"""The workshop's shape, written once: its sections, their fields and where each is stored.

The writer reads objects into file entries by this table and the importer writes
checked entries back into rows by it, so a field is added in one place. The
checker keeps its own per-field rules (FORMAT.md's table of values), because
those differ field by field.
"""

import json
from dataclasses import dataclass

from visions.models import (
    Action,
    ActionDependency,
    ActionIssue,
    ActionOwner,
    Assessment,
    Endorsement,
    Issue,
    IssueScore,
    IssueVote,
    Milestone,
    Participant,
    Stakeholder,
    Target,
    Vision,
    VisionGoal,
)

FORMAT_NAME = "futurecenter-workshop"
FORMAT_VERSION = 1
# PositiveSmallIntegerField is a PostgreSQL smallint.
MAX_SMALL_INT = 32767

WORKSHOP_FIELDS = (
    "title", "theme", "region", "language", "base_year", "target_year", "phase", "locked",
    "dot_budget", "priority_count",
)


class WorkshopFileError(Exception):
    """A workshop file that cannot be read or breaks a rule; `place` says where."""

    def __init__(self, place, message):
        super().__init__(place, message)
        self.place = place
        self.message = message

    def __str__(self):
        return f"{self.place}: {self.message}"


def quoted(key):
    return json.dumps(key, ensure_ascii=False)


@dataclass(frozen=True)
class Value:
    """A field stored as the model attribute of the same name."""

    name: str


@dataclass(frozen=True)
class Ref:
    """The key of an entry of `section`; stored as the foreign key of the same name."""

    name: str
    section: str


@dataclass(frozen=True)
class Links:
    """A list of keys of `section`, stored as rows of `model` from `owner` to `other`."""

    name: str
    section: str
    model: type
    owner: str
    other: str


@dataclass(frozen=True)
class Children:
    """A list of objects stored as rows of `model` under `owner`, with these fields."""

    name: str
    model: type
    owner: str
    fields: tuple


@dataclass(frozen=True)
class Plain:
    """A list of plain values stored as rows of `model` under `owner`, in `column`."""

    name: str
    model: type
    owner: str
    column: str


@dataclass(frozen=True)
class Special:
    """A field the writer and the importer treat by hand (a date, a theme's name)."""

    name: str


@dataclass(frozen=True)
class Section:
    name: str
    model: type
    key_prefix: str | None  # None: the entries have no key (assessments)
    fields: tuple

    @property
    def in_workshop(self):
        return self.model is not Assessment


PARTICIPANT = Ref("participant", "participants")

# In file order, which is also an order in which every reference is made before it is needed.
SECTIONS = (
    Section("stakeholders", Stakeholder, "s", (Value("name"), Value("sector"), Value("discipline"))),
    Section(
        "participants",
        Participant,
        "p",
        (Value("display_name"), Value("role"), Value("sector"), Value("discipline"),
         Ref("stakeholder", "stakeholders")),
    ),
    Section(
        "visions",
        Vision,
        "v",
        (
            Value("statement"),
            Value("target_year"),
            Plain("sdgs", VisionGoal, "vision", "goal"),
            Value("status"),
            Ref("author", "participants"),
            Links("endorsed_by", "participants", Endorsement, "vision", "participant"),
            Value("hidden"),
        ),
    ),
    Section(
        "targets",
        Target,
        "t",
        (Ref("vision", "visions"), Value("indicator"), Value("unit"), Value("direction"),
         Value("target_value"), Value("target_year")),
    ),
    Section(
        "assessments",
        Assessment,
        None,
        (Ref("target", "targets"), Value("value"), Special("as_of"), Value("source"), Value("note"),
         Ref("author", "participants")),
    ),
    Section(
        "issues",
        Issue,
        "i",
        (
            Value("title"),
            Value("description"),
            Value("origin"),
            Ref("target", "targets"),
            Special("theme"),
            Ref("author", "participants"),
            Children("votes", IssueVote, "issue", (PARTICIPANT, Value("dots"))),
            Children("scores", IssueScore, "issue", (PARTICIPANT, Value("impact"), Value("feasibility"))),
            Value("hidden"),
        ),
    ),
    Section(
        "milestones",
        Milestone,
        "m",
        (Value("year"), Value("title"), Value("description"), Value("accepted"),
         Ref("proposed_by", "participants")),
    ),
    Section(
        "actions",
        Action,
        "a",
        (
            Value("title"),
            Value("description"),
            Links("owners", "stakeholders", ActionOwner, "action", "stakeholder"),
            Value("start_year"),
            Value("end_year"),
            Ref("milestone", "milestones"),
            Links("addresses", "issues", ActionIssue, "action", "issue"),
            Links("depends_on", "actions", ActionDependency, "action", "prerequisite"),
            Value("status"),
            Value("progress"),
        ),
    ),
)

SECTION_NAMES = tuple(section.name for section in SECTIONS)
