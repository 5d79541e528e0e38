"""The workshop's shape, written once: its sections, their fields and where each is stored.

The writer reads objects into file entries by this table and the importer writes
checked entries back into rows by it, so a field is added in one place. The
checker keeps its own per-field rules (FORMAT.md's table of values), because
those differ field by field.
"""

import datetime
import json
from dataclasses import dataclass

from visions.models import (
    Action,
    ActionDependency,
    ActionIssue,
    ActionOwner,
    Effect,
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


# Each field says how it is read from a row on export (`exported`, with the writer's
# context: `keys` by section and pk, `theme_names` by pk, `lists` by field and owner pk)
# and how a checked value is stored on import (`stored`, with the importer's context:
# `objects` by section and key, `themes` by name).


@dataclass(frozen=True)
class Value:
    """A field stored as the model attribute of the same name."""

    name: str
    is_list = False

    def exported(self, obj, context):
        return getattr(obj, self.name)

    def stored(self, value, context):
        return {self.name: value}


class Date(Value):
    """An ISO date, `YYYY-MM-DD` in the file."""

    def exported(self, obj, context):
        return getattr(obj, self.name).isoformat()

    def stored(self, value, context):
        return {self.name: datetime.date.fromisoformat(value)}


class ThemeName(Value):
    """An issue's theme, by its name in the file."""

    def exported(self, obj, context):
        return context.theme_names.get(obj.theme_id)

    def stored(self, value, context):
        return {"theme": context.themes.get(value)}


@dataclass(frozen=True)
class Ref:
    """The key of an entry of `section`; stored as the foreign key of the same name."""

    name: str
    section: str
    is_list = False

    def exported(self, obj, context):
        pk = getattr(obj, f"{self.name}_id")
        return context.keys[self.section][pk] if pk is not None else None

    def stored(self, value, context):
        return {self.name: context.objects[self.section][value] if value is not None else None}


class ListField:
    """A list stored as rows of `model` whose field `owner` points at the entry."""

    is_list = True

    def exported(self, obj, context):
        return context.lists[self.name].get(obj.pk, [])

    def stored(self, value, context):
        return {}  # written as rows of their own, once the owners exist


@dataclass(frozen=True)
class Links(ListField):
    """A list of keys of `section`, one `model` row from `owner` to `other` each."""

    name: str
    section: str
    model: type
    owner: str
    other: str

    def row_value(self, row, context):
        return context.keys[self.section][getattr(row, f"{self.other}_id")]

    def new_row(self, owner, value, context):
        return self.model(**{self.owner: owner, self.other: context.objects[self.section][value]})


@dataclass(frozen=True)
class Plain(ListField):
    """A list of plain values, one `model` row with the value in `column` each."""

    name: str
    model: type
    owner: str
    column: str

    def row_value(self, row, context):
        return getattr(row, self.column)

    def new_row(self, owner, value, context):
        return self.model(**{self.owner: owner, self.column: value})


@dataclass(frozen=True)
class Children(ListField):
    """A list of objects with these fields, one `model` row each."""

    name: str
    model: type
    owner: str
    fields: tuple

    def row_value(self, row, context):
        return {field.name: field.exported(row, context) for field in self.fields}

    def new_row(self, owner, value, context):
        attributes = {}
        for field in self.fields:
            attributes.update(field.stored(value[field.name], context))
        return self.model(**{self.owner: owner}, **attributes)


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
        (Ref("target", "targets"), Value("value"), Date("as_of"), Value("source"), Value("note"),
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
            ThemeName("theme"),
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
            Children(
                "effects",
                Effect,
                "action",
                (Ref("target", "targets"), Value("amount"), Value("year"), Value("confidence")),
            ),
        ),
    ),
)

SECTION_NAMES = tuple(section.name for section in SECTIONS)
