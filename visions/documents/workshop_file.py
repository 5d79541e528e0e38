"""The workshop file of shared/FORMAT.md, version 1: export, validation and import.

    document = export_document(workshop)     # a dict, `derived` filled in
    text = dumps(document)                   # UTF-8 JSON text
    document = load_bytes(uploaded_bytes)    # WorkshopFileError on bad JSON, NaN, size
    validate(document)                       # WorkshopFileError on the first broken rule
    workshop = import_document(document, facilitator=user)

A WorkshopFileError names the place of the problem, e.g.
`actions[3].depends_on[0]: no action with key "a9"`; list indexes count from 0.

Beyond FORMAT.md's rules, the validator also refuses what the database would:
strings longer than their column, NUL characters, whole numbers past a small
integer column. Fields it does not know are ignored, so that a newer version-1
writer's additions do not make a file unreadable. `workshop.dot_budget` and
`workshop.priority_count` are written and read as well, and so are `hidden` on
visions and issues (what a facilitator hid stays hidden) and `accepted` and
`proposed_by` on milestones (a participant's proposal stays a proposal), so that
an export loses nothing of the workshop.

Defaults for left-out optional fields: empty strings, no reference, empty lists,
workshop language "ja", phase "stakeholders", locked false, dot_budget 5, priority_count 5,
milestone accepted true,
participant role "participant", vision status "proposed", hidden false, vision target_year the
workshop's, target target_year its vision's, issue origin "participant",
action status "planned", progress 0.
"""

import datetime
import json
import math
import re

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from visions.documents.derived import find_cycle
from visions.models import (
    MAX_FINITE,
    MAX_YEAR,
    MIN_YEAR,
    Action,
    ActionDependency,
    ActionIssue,
    ActionOwner,
    ActionStatus,
    Activity,
    Assessment,
    Direction,
    Endorsement,
    Issue,
    IssueOrigin,
    IssueScore,
    IssueVote,
    Language,
    Milestone,
    Participant,
    Phase,
    Role,
    Sector,
    Stakeholder,
    Target,
    Theme,
    Vision,
    VisionGoal,
    VisionStatus,
    Workshop,
)
from visions.documents.snapshot import load_snapshot

FORMAT_NAME = "futurecenter-workshop"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 10 * 1024 * 1024
# PositiveSmallIntegerField is a PostgreSQL smallint.
MAX_SMALL_INT = 32767
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class WorkshopFileError(Exception):
    """A workshop file that cannot be read or breaks a rule; `place` says where."""

    def __init__(self, place, message):
        super().__init__(place, message)
        self.place = place
        self.message = message

    def __str__(self):
        return f"{self.place}: {self.message}"


# ---------------------------------------------------------------- reading bytes


class _NonFiniteConstant:
    def __init__(self, name):
        self.name = name


def load_bytes(data):
    """The JSON document in `data`, refusing oversize, non-UTF-8, invalid JSON and non-finite numbers."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkshopFileError(
            "file", _("is larger than the limit of %(megabytes)d MB") % {"megabytes": MAX_FILE_BYTES // 2**20}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WorkshopFileError(
            "file", _("is not UTF-8 text (invalid byte at offset %(offset)d)") % {"offset": error.start}
        ) from None
    try:
        # NaN and Infinity become markers, so that the error can name where they stand.
        document = json.loads(text, parse_constant=_NonFiniteConstant, object_pairs_hook=_object_noting_repeats)
    except json.JSONDecodeError as error:
        raise WorkshopFileError(
            _("line %(line)d, column %(column)d") % {"line": error.lineno, "column": error.colno},
            _("invalid JSON: %(reason)s") % {"reason": error.msg},
        ) from None
    except RecursionError:
        raise WorkshopFileError("file", _("is nested too deeply to be a workshop file")) from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise WorkshopFileError("file", _("invalid JSON: %(reason)s") % {"reason": error}) from None
    _refuse_unsound_values(document)
    return document


class _ObjectWithRepeats(dict):
    """A JSON object in which some field name appeared more than once."""

    repeated = ()


def _object_noting_repeats(pairs):
    obj = _ObjectWithRepeats(pairs)
    if len(obj) != len(pairs):
        seen = set()
        obj.repeated = [name for name, _value in pairs if name in seen or seen.add(name)]
    return obj


def _refuse_unsound_values(document):
    stack = [("document", document)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, _NonFiniteConstant):
            raise WorkshopFileError(
                place, _("%(constant)s is not allowed: numbers must be finite") % {"constant": value.name}
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise WorkshopFileError(place, _("the number is too large"))
        if isinstance(value, dict):
            prefix = "" if place == "document" else place + "."
            if getattr(value, "repeated", ()):
                # JSON would silently keep the last one; the author surely meant only one.
                raise WorkshopFileError(prefix + value.repeated[0], _("this field is given more than once"))
            stack.extend((prefix + str(name), item) for name, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{place}[{index}]", item) for index, item in reversed(list(enumerate(value))))


def dumps(document):
    """The document as UTF-8 JSON text, readable, with a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# ---------------------------------------------------------------- export


def _finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def export_document(workshop):
    """The whole workshop as a FORMAT.md version 1 document with stable keys and `derived`."""
    snapshot = load_snapshot(workshop)

    def keyed(prefix, objects):
        return {obj.pk: f"{prefix}{number}" for number, obj in enumerate(objects, start=1)}

    milestones = sorted(snapshot.milestones, key=lambda m: m.pk)
    actions = sorted(snapshot.actions, key=lambda a: a.pk)
    targets = sorted(snapshot.targets, key=lambda row: row.target.pk)
    issues = sorted((row.issue for row in snapshot.issues), key=lambda i: i.pk)

    stakeholder_keys = keyed("s", snapshot.stakeholders)
    participant_keys = keyed("p", snapshot.participants)
    vision_keys = keyed("v", snapshot.visions)
    target_keys = keyed("t", [row.target for row in targets])
    issue_keys = keyed("i", issues)
    milestone_keys = keyed("m", milestones)
    action_keys = keyed("a", actions)

    def key_of(keys, pk):
        return keys[pk] if pk is not None else None

    owners = {}
    owner_links = ActionOwner.objects.filter(action__workshop=workshop).order_by("id")
    for action_id, stakeholder_id in owner_links.values_list("action_id", "stakeholder_id"):
        owners.setdefault(action_id, []).append(stakeholder_keys[stakeholder_id])
    addresses = {}
    issue_links = ActionIssue.objects.filter(action__workshop=workshop).order_by("id")
    for action_id, issue_id in issue_links.values_list("action_id", "issue_id"):
        addresses.setdefault(action_id, []).append(issue_keys[issue_id])
    depends_on = {}
    for action, prerequisite in snapshot.dependencies:
        depends_on.setdefault(action.pk, []).append(action_keys[prerequisite.pk])

    assessments = sorted((a for row in targets for a in row.assessments), key=lambda a: a.pk)

    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "workshop": {
            "title": workshop.title,
            "theme": workshop.theme,
            "region": workshop.region,
            "language": workshop.language,
            "base_year": workshop.base_year,
            "target_year": workshop.target_year,
            "phase": workshop.phase,
            "locked": workshop.locked,
            "dot_budget": workshop.dot_budget,
            "priority_count": workshop.priority_count,
        },
        "stakeholders": [
            {
                "key": stakeholder_keys[s.pk],
                "name": s.name,
                "sector": s.sector,
                "discipline": s.discipline,
            }
            for s in snapshot.stakeholders
        ],
        "participants": [
            {
                "key": participant_keys[p.pk],
                "display_name": p.display_name,
                "role": p.role,
                "sector": p.sector,
                "discipline": p.discipline,
                "stakeholder": key_of(stakeholder_keys, p.stakeholder_id),
            }
            for p in snapshot.participants
        ],
        "visions": [
            {
                "key": vision_keys[v.pk],
                "statement": v.statement,
                "target_year": v.target_year,
                "sdgs": [goal.goal for goal in sorted(v.goals.all(), key=lambda g: g.pk)],
                "status": v.status,
                "author": key_of(participant_keys, v.author_id),
                "endorsed_by": [participant_keys[e.participant_id] for e in v.endorsements.all()],
                "hidden": v.hidden,
            }
            for v in snapshot.visions
        ],
        "targets": [
            {
                "key": target_keys[row.target.pk],
                "vision": vision_keys[row.target.vision_id],
                "indicator": row.target.indicator,
                "unit": row.target.unit,
                "direction": row.target.direction,
                "target_value": row.target.target_value,
                "target_year": row.target.target_year,
            }
            for row in targets
        ],
        "assessments": [
            {
                "target": target_keys[a.target_id],
                "value": a.value,
                "as_of": a.as_of.isoformat(),
                "source": a.source,
                "note": a.note,
                "author": key_of(participant_keys, a.author_id),
            }
            for a in assessments
        ],
        "issues": [
            {
                "key": issue_keys[i.pk],
                "title": i.title,
                "description": i.description,
                "origin": i.origin,
                "target": key_of(target_keys, i.target_id),
                "theme": i.theme.name if i.theme_id else None,
                "author": key_of(participant_keys, i.author_id),
                "votes": [
                    {"participant": participant_keys[v.participant_id], "dots": v.dots} for v in i.votes.all()
                ],
                "scores": [
                    {
                        "participant": participant_keys[s.participant_id],
                        "impact": s.impact,
                        "feasibility": s.feasibility,
                    }
                    for s in i.scores.all()
                ],
                "hidden": i.hidden,
            }
            for i in issues
        ],
        "milestones": [
            {
                "key": milestone_keys[m.pk],
                "year": m.year,
                "title": m.title,
                "description": m.description,
                "accepted": m.accepted,
                "proposed_by": key_of(participant_keys, m.proposed_by_id),
            }
            for m in milestones
        ],
        "actions": [
            {
                "key": action_keys[a.pk],
                "title": a.title,
                "description": a.description,
                "owners": owners.get(a.pk, []),
                "start_year": a.start_year,
                "end_year": a.end_year,
                "milestone": key_of(milestone_keys, a.milestone_id),
                "addresses": addresses.get(a.pk, []),
                "depends_on": depends_on.get(a.pk, []),
                "status": a.status,
                "progress": a.progress,
            }
            for a in actions
        ],
        "derived": {
            "gaps": [
                {
                    "target": target_keys[row.target.pk],
                    **{name: _finite_or_none(value) for name, value in row.gap.as_dict().items()},
                }
                for row in targets
                if row.gap is not None
            ],
            "coverage": {
                "unaddressed_issues": [issue_keys[i.pk] for i in snapshot.coverage.unaddressed_issues],
                "order_violations": [
                    [action_keys[action.pk], action_keys[prerequisite.pk]]
                    for action, prerequisite in snapshot.coverage.order_violations
                ],
                "out_of_range": [_key_of_any(obj, target_keys, milestone_keys, action_keys)
                                 for obj in snapshot.coverage.out_of_range],
            },
        },
    }


def _key_of_any(obj, target_keys, milestone_keys, action_keys):
    keys = {Target: target_keys, Milestone: milestone_keys, Action: action_keys}[type(obj)]
    return keys[obj.pk]


# ---------------------------------------------------------------- validation


def _max_length(model, field):
    return model._meta.get_field(field).max_length


def _quoted(key):
    return json.dumps(key, ensure_ascii=False)


class _Checker:
    """Reads one document into plain, complete values, raising on the first broken rule."""

    def __init__(self, document):
        self.document = document

    # -- single values

    @staticmethod
    def at(place, name):
        return f"{place}.{name}" if place else name

    def field(self, obj, place, name, required):
        value = obj.get(name)
        if value is None and required:
            raise WorkshopFileError(self.at(place, name), _("is required"))
        return value

    def string(self, obj, place, name, *, required=False, model=None, max_length=None):
        """A string; with `model`, no longer than that model's field of the same name."""
        if model is not None:
            max_length = _max_length(model, name)
        value = self.field(obj, place, name, required)
        where = self.at(place, name)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise WorkshopFileError(where, _("must be a string"))
        if required and value == "":
            raise WorkshopFileError(where, _("must not be empty"))
        if "\x00" in value:
            raise WorkshopFileError(where, _("must not contain NUL characters"))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise WorkshopFileError(where, _("must be valid Unicode text")) from None
        if max_length is not None and len(value) > max_length:
            raise WorkshopFileError(
                where, _("must be at most %(count)d characters long") % {"count": max_length}
            )
        return value

    def whole(self, obj, place, name, low, high, *, required=False, default=None):
        value = self.field(obj, place, name, required)
        if value is None:
            return default
        return self.whole_value(value, self.at(place, name), low, high)

    @staticmethod
    def whole_value(value, where, low, high):
        # JSON true and false are Python ints; they are not whole numbers here.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise WorkshopFileError(
                where, _("must be a whole number from %(low)d to %(high)d") % {"low": low, "high": high}
            )
        return value

    def year(self, obj, place, name, *, required=False, default=None):
        return self.whole(obj, place, name, MIN_YEAR, MAX_YEAR, required=required, default=default)

    def number(self, obj, place, name):
        value = self.field(obj, place, name, True)
        where = self.at(place, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise WorkshopFileError(where, _("must be a number"))
        try:
            as_float = float(value)
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float) or abs(as_float) > MAX_FINITE:
            raise WorkshopFileError(where, _("must be a finite number"))
        return value

    def boolean(self, obj, place, name, default):
        value = self.field(obj, place, name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise WorkshopFileError(self.at(place, name), _("must be true or false"))
        return value

    def choice(self, obj, place, name, choices, *, required=False, default=None, allow_blank=False):
        value = self.field(obj, place, name, required)
        if value is None:
            return default
        if allow_blank and value == "":
            return value
        if not isinstance(value, str) or value not in choices.values:
            allowed = ", ".join(choices.values)
            message = _("must be one of: %(allowed)s") % {"allowed": allowed}
            raise WorkshopFileError(self.at(place, name), message)
        return value

    def iso_date(self, obj, place, name):
        value = self.field(obj, place, name, True)
        where = self.at(place, name)
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise WorkshopFileError(where, _("must be a date written YYYY-MM-DD"))
        try:
            date = datetime.date.fromisoformat(value)
        except ValueError:
            raise WorkshopFileError(where, _("%(date)s is not a date") % {"date": _quoted(value)}) from None
        if not MIN_YEAR <= date.year <= MAX_YEAR:
            raise WorkshopFileError(
                where,
                _("must be a date in the years %(low)d to %(high)d") % {"low": MIN_YEAR, "high": MAX_YEAR},
            )
        return value

    def reference(self, value, where, keys, kind):
        if not isinstance(value, str):
            raise WorkshopFileError(where, _("must be a key (a string)"))
        if value not in keys:
            message = _("no %(kind)s with key %(key)s") % {"kind": kind, "key": _quoted(value)}
            raise WorkshopFileError(where, message)
        return value

    def optional_reference(self, obj, place, name, keys, kind, *, required=False):
        value = self.field(obj, place, name, required)
        if value is None:
            return None
        return self.reference(value, self.at(place, name), keys, kind)

    def array(self, obj, place, name):
        value = obj.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise WorkshopFileError(self.at(place, name), _("must be a list"))
        return value

    def reference_list(self, obj, place, name, keys, kind):
        seen = set()
        result = []
        for index, value in enumerate(self.array(obj, place, name)):
            where = f"{self.at(place, name)}[{index}]"
            self.reference(value, where, keys, kind)
            if value in seen:
                raise WorkshopFileError(where, _("%(key)s is listed twice") % {"key": _quoted(value)})
            seen.add(value)
            result.append(value)
        return result

    def items(self, name):
        """(place, object) for each entry of a top-level list."""
        for index, item in enumerate(self.array(self.document, "", name)):
            place = f"{name}[{index}]"
            if not isinstance(item, dict):
                raise WorkshopFileError(place, _("must be an object"))
            yield place, item

    def keys(self, place, item, seen):
        key = item.get("key")
        where = self.at(place, "key")
        if key is None:
            raise WorkshopFileError(where, _("is required"))
        if not isinstance(key, str) or key == "":
            raise WorkshopFileError(where, _("must be a non-empty string"))
        if key in seen:
            raise WorkshopFileError(
                where, _("duplicate key %(key)s (also %(other)s)") % {"key": _quoted(key), "other": seen[key]}
            )
        seen[key] = place
        return key

    # -- the document

    def check(self):
        document = self.document
        if not isinstance(document, dict):
            raise WorkshopFileError("document", _("must be a JSON object"))
        if document.get("format") != FORMAT_NAME:
            raise WorkshopFileError("format", _("must be %(name)s") % {"name": _quoted(FORMAT_NAME)})
        version = document.get("version")
        if isinstance(version, bool) or version != FORMAT_VERSION or not isinstance(version, int):
            raise WorkshopFileError(
                "version", _("unsupported version %(version)s; this app reads version %(supported)d")
                % {"version": json.dumps(version), "supported": FORMAT_VERSION},
            )
        workshop = self.workshop()
        stakeholders = self.stakeholders()
        participants = self.participants(stakeholders)
        visions = self.visions(workshop, participants)
        targets = self.targets(visions)
        assessments = self.assessments(targets, participants)
        issues = self.issues(targets, participants)
        milestones = self.milestones(participants)
        actions = self.actions(stakeholders, milestones, issues)
        return {
            "workshop": workshop,
            "stakeholders": stakeholders,
            "participants": participants,
            "visions": visions,
            "targets": targets,
            "assessments": assessments,
            "issues": issues,
            "milestones": milestones,
            "actions": actions,
        }

    def workshop(self):
        place = "workshop"
        obj = self.document.get(place)
        if obj is None:
            raise WorkshopFileError(place, _("is required"))
        if not isinstance(obj, dict):
            raise WorkshopFileError(place, _("must be an object"))
        workshop = {
            "title": self.string(obj, place, "title", required=True, model=Workshop),
            "theme": self.string(obj, place, "theme"),
            "region": self.string(obj, place, "region", model=Workshop),
            "language": self.choice(obj, place, "language", Language, default=Language.JAPANESE),
            "base_year": self.year(obj, place, "base_year", required=True),
            "target_year": self.year(obj, place, "target_year", required=True),
            "phase": self.choice(obj, place, "phase", Phase, default=Phase.STAKEHOLDERS),
            "locked": self.boolean(obj, place, "locked", False),
            "dot_budget": self.whole(obj, place, "dot_budget", 0, MAX_SMALL_INT, default=5),
            "priority_count": self.whole(obj, place, "priority_count", 0, MAX_SMALL_INT, default=5),
        }
        if workshop["base_year"] >= workshop["target_year"]:
            raise WorkshopFileError(f"{place}.base_year", _("must be before the target year"))
        return workshop

    def stakeholders(self):
        seen = {}
        result = []
        for place, item in self.items("stakeholders"):
            result.append(
                {
                    "key": self.keys(place, item, seen),
                    "name": self.string(item, place, "name", required=True, model=Stakeholder),
                    "sector": self.choice(item, place, "sector", Sector, required=True),
                    "discipline": self.string(item, place, "discipline", model=Stakeholder),
                }
            )
        return result

    def participants(self, stakeholders):
        stakeholder_keys = {s["key"] for s in stakeholders}
        seen = {}
        result = []
        for place, item in self.items("participants"):
            result.append(
                {
                    "key": self.keys(place, item, seen),
                    "display_name": self.string(
                        item, place, "display_name", required=True, model=Participant
                    ),
                    "role": self.choice(item, place, "role", Role, default=Role.PARTICIPANT),
                    "sector": self.choice(item, place, "sector", Sector, default="", allow_blank=True),
                    "discipline": self.string(item, place, "discipline", model=Participant),
                    "stakeholder": self.optional_reference(
                        item, place, "stakeholder", stakeholder_keys, "stakeholder"
                    ),
                }
            )
        return result

    def visions(self, workshop, participants):
        participant_keys = {p["key"] for p in participants}
        seen = {}
        adopted = None
        result = []
        for place, item in self.items("visions"):
            vision = {
                "key": self.keys(place, item, seen),
                "statement": self.string(item, place, "statement", required=True),
                "target_year": self.year(item, place, "target_year", default=workshop["target_year"]),
                "sdgs": self.sdgs(item, place),
                "status": self.choice(item, place, "status", VisionStatus, default=VisionStatus.PROPOSED),
                "author": self.optional_reference(item, place, "author", participant_keys, "participant"),
                "endorsed_by": self.reference_list(
                    item, place, "endorsed_by", participant_keys, "participant"
                ),
                "hidden": self.boolean(item, place, "hidden", False),
            }
            if vision["status"] == VisionStatus.ADOPTED:
                if adopted is not None:
                    raise WorkshopFileError(
                        f"{place}.status",
                        _("only one vision can be adopted, and %(other)s is adopted already")
                        % {"other": adopted},
                    )
                adopted = place
            result.append(vision)
        return result

    def sdgs(self, item, place):
        goals = []
        for index, value in enumerate(self.array(item, place, "sdgs")):
            where = f"{place}.sdgs[{index}]"
            self.whole_value(value, where, 1, 17)
            if value in goals:
                raise WorkshopFileError(where, _("SDG %(goal)d is listed twice") % {"goal": value})
            goals.append(value)
        return goals

    def targets(self, visions):
        vision_years = {v["key"]: v["target_year"] for v in visions}
        seen = {}
        result = []
        for place, item in self.items("targets"):
            key = self.keys(place, item, seen)
            vision = self.optional_reference(item, place, "vision", vision_years, "vision", required=True)
            result.append(
                {
                    "key": key,
                    "vision": vision,
                    "indicator": self.string(item, place, "indicator", required=True, model=Target),
                    "unit": self.string(item, place, "unit", model=Target),
                    "direction": self.choice(item, place, "direction", Direction, required=True),
                    "target_value": self.number(item, place, "target_value"),
                    "target_year": self.year(item, place, "target_year", default=vision_years[vision]),
                }
            )
        return result

    def assessments(self, targets, participants):
        target_keys = {t["key"] for t in targets}
        participant_keys = {p["key"] for p in participants}
        result = []
        for place, item in self.items("assessments"):
            result.append(
                {
                    "target": self.optional_reference(
                        item, place, "target", target_keys, "target", required=True
                    ),
                    "value": self.number(item, place, "value"),
                    "as_of": self.iso_date(item, place, "as_of"),
                    "source": self.string(item, place, "source", model=Assessment),
                    "note": self.string(item, place, "note"),
                    "author": self.optional_reference(item, place, "author", participant_keys, "participant"),
                }
            )
        return result

    def issues(self, targets, participants):
        target_keys = {t["key"] for t in targets}
        participant_keys = {p["key"] for p in participants}
        derived_for = {}
        seen = {}
        result = []
        for place, item in self.items("issues"):
            key = self.keys(place, item, seen)
            title = self.string(item, place, "title", required=True, model=Issue)
            description = self.string(item, place, "description")
            origin = self.choice(item, place, "origin", IssueOrigin, default=IssueOrigin.PARTICIPANT)
            if origin == IssueOrigin.DERIVED:
                if item.get("target") is None:
                    raise WorkshopFileError(f"{place}.target", _("a derived issue must name its target"))
                target = self.optional_reference(item, place, "target", target_keys, "target")
                if target in derived_for:
                    raise WorkshopFileError(
                        f"{place}.target",
                        _("target %(key)s already has a derived issue (%(other)s)")
                        % {"key": _quoted(target), "other": derived_for[target]},
                    )
                derived_for[target] = place
            else:
                if item.get("target") is not None:
                    raise WorkshopFileError(
                        f"{place}.target",
                        _("only a derived issue names a target; this issue's origin is participant"),
                    )
                target = None
            theme = self.string(item, place, "theme", max_length=_max_length(Theme, "name")) or None
            author = self.optional_reference(item, place, "author", participant_keys, "participant")
            result.append(
                {
                    "key": key,
                    "title": title,
                    "description": description,
                    "origin": origin,
                    "target": target,
                    "theme": theme,
                    "author": author,
                    "votes": self.votes(item, place, participant_keys),
                    "scores": self.scores(item, place, participant_keys),
                    "hidden": self.boolean(item, place, "hidden", False),
                }
            )
        return result

    def per_participant_rows(self, item, place, name, participant_keys):
        seen = {}
        for index, row in enumerate(self.array(item, place, name)):
            row_place = f"{place}.{name}[{index}]"
            if not isinstance(row, dict):
                raise WorkshopFileError(row_place, _("must be an object"))
            participant = self.optional_reference(
                row, row_place, "participant", participant_keys, "participant", required=True
            )
            if participant in seen:
                raise WorkshopFileError(
                    f"{row_place}.participant",
                    _("participant %(key)s already has a row here (%(other)s)")
                    % {"key": _quoted(participant), "other": seen[participant]},
                )
            seen[participant] = row_place
            yield row_place, row, participant

    def votes(self, item, place, participant_keys):
        rows = self.per_participant_rows(item, place, "votes", participant_keys)
        return [
            {
                "participant": participant,
                "dots": self.whole(row, where, "dots", 1, MAX_SMALL_INT, required=True),
            }
            for where, row, participant in rows
        ]

    def scores(self, item, place, participant_keys):
        rows = self.per_participant_rows(item, place, "scores", participant_keys)
        return [
            {
                "participant": participant,
                "impact": self.whole(row, where, "impact", 1, 5, required=True),
                "feasibility": self.whole(row, where, "feasibility", 1, 5, required=True),
            }
            for where, row, participant in rows
        ]

    def milestones(self, participants):
        participant_keys = {p["key"] for p in participants}
        seen = {}
        result = []
        for place, item in self.items("milestones"):
            result.append(
                {
                    "key": self.keys(place, item, seen),
                    "year": self.year(item, place, "year", required=True),
                    "title": self.string(item, place, "title", required=True, model=Milestone),
                    "description": self.string(item, place, "description"),
                    "accepted": self.boolean(item, place, "accepted", True),
                    "proposed_by": self.optional_reference(
                        item, place, "proposed_by", participant_keys, "participant"
                    ),
                }
            )
        return result

    def actions(self, stakeholders, milestones, issues):
        stakeholder_keys = {s["key"] for s in stakeholders}
        milestone_keys = {m["key"] for m in milestones}
        issue_keys = {i["key"] for i in issues}
        # depends_on may point forward in the list.
        action_keys = {
            item.get("key")
            for item in self.array(self.document, "", "actions")
            if isinstance(item, dict) and isinstance(item.get("key"), str)
        }
        seen = {}
        result = []
        for place, item in self.items("actions"):
            action = {
                "key": self.keys(place, item, seen),
                "title": self.string(item, place, "title", required=True, model=Action),
                "description": self.string(item, place, "description"),
                "owners": self.reference_list(item, place, "owners", stakeholder_keys, "stakeholder"),
                "start_year": self.year(item, place, "start_year", required=True),
                "end_year": self.year(item, place, "end_year", required=True),
                "milestone": self.optional_reference(item, place, "milestone", milestone_keys, "milestone"),
                "addresses": self.reference_list(item, place, "addresses", issue_keys, "issue"),
                "depends_on": self.reference_list(item, place, "depends_on", action_keys, "action"),
                "status": self.choice(item, place, "status", ActionStatus, default=ActionStatus.PLANNED),
                "progress": self.whole(item, place, "progress", 0, 100, default=0),
            }
            if action["start_year"] > action["end_year"]:
                raise WorkshopFileError(f"{place}.end_year", _("must not be before the start year"))
            result.append(action)

        cycle = find_cycle([(a["key"], prerequisite) for a in result for prerequisite in a["depends_on"]])
        if cycle:
            first = next(index for index, a in enumerate(result) if a["key"] == cycle[0])
            raise WorkshopFileError(
                f"actions[{first}].depends_on",
                _("dependency cycle: %(cycle)s") % {"cycle": " -> ".join(_quoted(key) for key in cycle)},
            )
        return result


def validate(document):
    """Raise WorkshopFileError on the first broken rule, in the order of FORMAT.md's sections."""
    _Checker(document).check()


# ---------------------------------------------------------------- import


def import_document(document, *, facilitator=None):
    """A new workshop made from `document` in one transaction; nothing is written if any rule is broken."""
    clean = _Checker(document).check()
    try:
        with transaction.atomic():
            workshop = _write(clean)
            if facilitator is not None:
                workshop.facilitators.add(facilitator)
            Activity.record(
                workshop,
                "imported",
                workshop,
                actor=facilitator,
                summary=_("Imported from a workshop file"),
            )
    except (IntegrityError, DataError) as error:
        # The checker should have caught it; still, the person gets a message, not a crash.
        message = _("could not be stored: %(reason)s") % {"reason": error}
        raise WorkshopFileError("document", message) from error
    return workshop


def _write(clean):
    workshop = Workshop.objects.create(**clean["workshop"])
    ws = {"workshop": workshop}

    def by_key(entries, objects):
        return {entry["key"]: obj for entry, obj in zip(entries, objects, strict=True)}

    stakeholders = by_key(
        clean["stakeholders"],
        Stakeholder.objects.bulk_create(
            [Stakeholder(**ws, name=s["name"], sector=s["sector"], discipline=s["discipline"])
             for s in clean["stakeholders"]]
        ),
    )
    participants = by_key(
        clean["participants"],
        Participant.objects.bulk_create(
            [
                Participant(
                    **ws,
                    display_name=p["display_name"],
                    role=p["role"],
                    sector=p["sector"],
                    discipline=p["discipline"],
                    stakeholder=stakeholders.get(p["stakeholder"]),
                )
                for p in clean["participants"]
            ]
        ),
    )
    visions = by_key(
        clean["visions"],
        Vision.objects.bulk_create(
            [
                Vision(
                    **ws,
                    statement=v["statement"],
                    target_year=v["target_year"],
                    status=v["status"],
                    author=participants.get(v["author"]),
                    hidden=v["hidden"],
                )
                for v in clean["visions"]
            ]
        ),
    )
    # In file order, so that export gives them back in the same order.
    VisionGoal.objects.bulk_create(
        [VisionGoal(vision=visions[v["key"]], goal=goal) for v in clean["visions"] for goal in v["sdgs"]]
    )
    Endorsement.objects.bulk_create(
        [
            Endorsement(vision=visions[v["key"]], participant=participants[key])
            for v in clean["visions"]
            for key in v["endorsed_by"]
        ]
    )
    targets = by_key(
        clean["targets"],
        Target.objects.bulk_create(
            [
                Target(
                    **ws,
                    vision=visions[t["vision"]],
                    indicator=t["indicator"],
                    unit=t["unit"],
                    direction=t["direction"],
                    target_value=t["target_value"],
                    target_year=t["target_year"],
                )
                for t in clean["targets"]
            ]
        ),
    )

    themes = {}
    for i in clean["issues"]:
        if i["theme"] is not None and i["theme"] not in themes:
            themes[i["theme"]], _created = Theme.objects.get_or_create(workshop=workshop, name=i["theme"])
    issues = by_key(
        clean["issues"],
        Issue.objects.bulk_create(
            [
                Issue(
                    **ws,
                    title=i["title"],
                    description=i["description"],
                    origin=i["origin"],
                    target=targets.get(i["target"]),
                    theme=themes.get(i["theme"]),
                    author=participants.get(i["author"]),
                    hidden=i["hidden"],
                )
                for i in clean["issues"]
            ]
        ),
    )
    IssueVote.objects.bulk_create(
        [
            IssueVote(issue=issues[i["key"]], participant=participants[v["participant"]], dots=v["dots"])
            for i in clean["issues"]
            for v in i["votes"]
        ]
    )
    IssueScore.objects.bulk_create(
        [
            IssueScore(
                issue=issues[i["key"]],
                participant=participants[s["participant"]],
                impact=s["impact"],
                feasibility=s["feasibility"],
            )
            for i in clean["issues"]
            for s in i["scores"]
        ]
    )

    # Derived issues of the file exist already, so only targets without one get theirs.
    Assessment.objects.bulk_create(
        [
            Assessment(
                target=targets[a["target"]],
                value=a["value"],
                as_of=datetime.date.fromisoformat(a["as_of"]),
                source=a["source"],
                note=a["note"],
                author=participants.get(a["author"]),
            )
            for a in clean["assessments"]
        ]
    )
    derived_in_file = {i["target"] for i in clean["issues"] if i["origin"] == IssueOrigin.DERIVED}
    for key in dict.fromkeys(a["target"] for a in clean["assessments"]):
        if key not in derived_in_file:
            targets[key].ensure_derived_issue()

    milestones = by_key(
        clean["milestones"],
        Milestone.objects.bulk_create(
            [
                Milestone(
                    **ws,
                    year=m["year"],
                    title=m["title"],
                    description=m["description"],
                    accepted=m["accepted"],
                    proposed_by=participants.get(m["proposed_by"]),
                )
                for m in clean["milestones"]
            ]
        ),
    )
    actions = by_key(
        clean["actions"],
        Action.objects.bulk_create(
            [
                Action(
                    **ws,
                    title=a["title"],
                    description=a["description"],
                    start_year=a["start_year"],
                    end_year=a["end_year"],
                    milestone=milestones.get(a["milestone"]),
                    status=a["status"],
                    progress=a["progress"],
                )
                for a in clean["actions"]
            ]
        ),
    )
    ActionOwner.objects.bulk_create(
        [
            ActionOwner(action=actions[a["key"]], stakeholder=stakeholders[key])
            for a in clean["actions"]
            for key in a["owners"]
        ]
    )
    ActionIssue.objects.bulk_create(
        [
            ActionIssue(action=actions[a["key"]], issue=issues[key])
            for a in clean["actions"]
            for key in a["addresses"]
        ]
    )
    ActionDependency.objects.bulk_create(
        [
            ActionDependency(action=actions[a["key"]], prerequisite=actions[key])
            for a in clean["actions"]
            for key in a["depends_on"]
        ]
    )
    return workshop
