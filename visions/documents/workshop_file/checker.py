"""Validation: one document read into plain, complete values, refusing it at the first broken rule.

Each message names the exact place, e.g. `actions[3].depends_on[0]: no action with key "a9"`;
list indexes count from 0. Rules are checked in the order of FORMAT.md's sections.
"""

import datetime
import json
import math
import re

from django.utils.translation import gettext as _

from visions.documents.derived import find_cycle
from visions.documents.workshop_file.shape import (
    FORMAT_NAME,
    FORMAT_VERSION,
    WorkshopFileError,
    quoted,
)
from visions.models import (
    MAX_DOTS,
    MAX_PRIORITY_COUNT,
    MAX_VALUE,
    MAX_EFFECT_AMOUNT,
    MAX_FINITE,
    Confidence,
    MAX_YEAR,
    MIN_YEAR,
    Action,
    ActionStatus,
    Assessment,
    Direction,
    Issue,
    IssueOrigin,
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
    VisionStatus,
    Workshop,
)

def value_range_message():
    return _("must be a number from %(low)s to %(high)s") % {
        "low": f"{-int(MAX_VALUE):,}",
        "high": f"{int(MAX_VALUE):,}",
    }


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _max_length(model, field):
    return model._meta.get_field(field).max_length


from visions.documents.workshop_file.commitments import check_commitments  # noqa: E402


class DocumentChecker:
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
        if not math.isfinite(as_float) or abs(as_float) > MAX_VALUE:
            raise WorkshopFileError(where, value_range_message())
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
            raise WorkshopFileError(where, _("%(date)s is not a date") % {"date": quoted(value)}) from None
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
            message = _("no %(kind)s with key %(key)s") % {"kind": kind, "key": quoted(value)}
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
                raise WorkshopFileError(where, _("%(key)s is listed twice") % {"key": quoted(value)})
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
                where, _("duplicate key %(key)s (also %(other)s)") % {"key": quoted(key), "other": seen[key]}
            )
        seen[key] = place
        return key

    # -- the document

    def check(self):
        document = self.document
        if not isinstance(document, dict):
            raise WorkshopFileError("document", _("must be a JSON object"))
        if document.get("format") != FORMAT_NAME:
            raise WorkshopFileError("format", _("must be %(name)s") % {"name": quoted(FORMAT_NAME)})
        version = document.get("version")
        if isinstance(version, bool) or version != FORMAT_VERSION or not isinstance(version, int):
            raise WorkshopFileError(
                "version", _("unsupported version %(version)s; this app reads version %(supported)d")
                % {"version": json.dumps(version), "supported": FORMAT_VERSION},
            )
        workshop = self.workshop()
        self.previous_round()
        stakeholders = self.stakeholders()
        participants = self.participants(stakeholders)
        visions = self.visions(workshop, participants)
        targets = self.targets(visions)
        assessments = self.assessments(targets, participants)
        issues = self.issues(targets, participants)
        milestones = self.milestones(participants)
        actions = self.actions(stakeholders, milestones, issues, targets)
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
            "commitments": check_commitments(self.document),
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
            "theme": self.string(obj, place, "theme", model=Workshop),
            "region": self.string(obj, place, "region", model=Workshop),
            "language": self.choice(obj, place, "language", Language, default=Language.JAPANESE),
            "base_year": self.year(obj, place, "base_year", required=True),
            "target_year": self.year(obj, place, "target_year", required=True),
            "phase": self.choice(obj, place, "phase", Phase, default=Phase.STAKEHOLDERS),
            "locked": self.boolean(obj, place, "locked", False),
            "dot_budget": self.whole(obj, place, "dot_budget", 0, MAX_DOTS, default=5),
            "priority_count": self.whole(obj, place, "priority_count", 0, MAX_PRIORITY_COUNT, default=5),
        }
        if workshop["base_year"] >= workshop["target_year"]:
            raise WorkshopFileError(f"{place}.base_year", _("must be before the target year"))
        return workshop

    def previous_round(self):
        """The optional `workshop.previous_round`: checked, not linked (ids differ across installs)."""
        place = "workshop.previous_round"
        obj = self.document["workshop"].get("previous_round")
        if obj is None:
            return
        if not isinstance(obj, dict):
            raise WorkshopFileError(place, _("must be an object"))
        self.string(obj, place, "title", required=True, model=Workshop)
        for name in ("base_year", "target_year"):
            if obj.get(name) is not None:
                self.year(obj, place, name)

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
                "statement": self.string(item, place, "statement", required=True, model=Vision),
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
                    "note": self.string(item, place, "note", model=Assessment),
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
            description = self.string(item, place, "description", model=Issue)
            origin = self.choice(item, place, "origin", IssueOrigin, default=IssueOrigin.PARTICIPANT)
            if origin == IssueOrigin.DERIVED:
                if item.get("target") is None:
                    raise WorkshopFileError(f"{place}.target", _("a derived issue must name its target"))
                target = self.optional_reference(item, place, "target", target_keys, "target")
                if target in derived_for:
                    raise WorkshopFileError(
                        f"{place}.target",
                        _("target %(key)s already has a derived issue (%(other)s)")
                        % {"key": quoted(target), "other": derived_for[target]},
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
                    % {"key": quoted(participant), "other": seen[participant]},
                )
            seen[participant] = row_place
            yield row_place, row, participant

    def votes(self, item, place, participant_keys):
        rows = self.per_participant_rows(item, place, "votes", participant_keys)
        return [
            {
                "participant": participant,
                "dots": self.whole(row, where, "dots", 1, MAX_DOTS, required=True),
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
                    "description": self.string(item, place, "description", model=Milestone),
                    "accepted": self.boolean(item, place, "accepted", True),
                    "proposed_by": self.optional_reference(
                        item, place, "proposed_by", participant_keys, "participant"
                    ),
                }
            )
        return result

    def actions(self, stakeholders, milestones, issues, targets):
        target_keys = {t["key"] for t in targets}
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
                "description": self.string(item, place, "description", model=Action),
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
            action["effects"] = self.effects(item, place, target_keys)
            result.append(action)

        cycle = find_cycle([(a["key"], prerequisite) for a in result for prerequisite in a["depends_on"]])
        if cycle:
            first = next(index for index, a in enumerate(result) if a["key"] == cycle[0])
            raise WorkshopFileError(
                f"actions[{first}].depends_on",
                _("dependency cycle: %(cycle)s") % {"cycle": " -> ".join(quoted(key) for key in cycle)},
            )
        return result

    def effects(self, item, place, target_keys):
        seen = {}
        result = []
        for index, row in enumerate(self.array(item, place, "effects")):
            where = f"{place}.effects[{index}]"
            if not isinstance(row, dict):
                raise WorkshopFileError(where, _("must be an object"))
            target = self.optional_reference(row, where, "target", target_keys, "target", required=True)
            if target in seen:
                raise WorkshopFileError(
                    f"{where}.target",
                    _("target %(key)s already has an effect in this action (%(other)s)")
                    % {"key": quoted(target), "other": seen[target]},
                )
            seen[target] = where
            amount = self.number(row, where, "amount")
            if abs(amount) > MAX_EFFECT_AMOUNT:
                raise WorkshopFileError(
                    f"{where}.amount", _("must be between -%(limit)g and %(limit)g") % {"limit": MAX_EFFECT_AMOUNT}
                )
            result.append(
                {
                    "target": target,
                    "amount": amount,
                    "year": self.year(row, where, "year"),
                    "confidence": self.choice(row, where, "confidence", Confidence, default=Confidence.MEDIUM),
                }
            )
        return result


def validate(document):
    """Raise WorkshopFileError on the first broken rule, in the order of FORMAT.md's sections."""
    DocumentChecker(document).check()
