"""Export: one workshop as a FORMAT.md version 1 document with stable keys and `derived`."""

import json
import math
from dataclasses import dataclass, field

from visions.documents.snapshot import load_snapshot
from visions.documents.workshop_file.shape import FORMAT_NAME, FORMAT_VERSION, SECTIONS, WORKSHOP_FIELDS
from visions.models import Action, Milestone, Target, Theme


@dataclass
class _Context:
    keys: dict  # {section: {pk: key}}
    theme_names: dict  # {pk: name}
    lists: dict = field(default_factory=dict)  # {list field name: {owner pk: [values]}}


def dumps(document):
    """The document as UTF-8 JSON text, readable, with a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def export_document(workshop):
    """The whole workshop as a FORMAT.md version 1 document with stable keys and `derived`."""
    document, _keys = export_document_with_keys(workshop)
    return document


def export_document_with_keys(workshop):
    """Like export_document, and also {section: {pk: key}}, for callers that go on from the file."""
    objects = {section.name: _section_objects(section, workshop) for section in SECTIONS}
    # Keys follow creation order, so that an import keeps them in the order export gives back.
    keys = {
        section.name: {
            obj.pk: f"{section.key_prefix}{n}" for n, obj in enumerate(objects[section.name], start=1)
        }
        for section in SECTIONS
        if section.key_prefix
    }
    context = _Context(keys, dict(Theme.objects.filter(workshop=workshop).values_list("pk", "name")))
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "workshop": {name: getattr(workshop, name) for name in WORKSHOP_FIELDS},
    }
    for section in SECTIONS:
        for list_field in (f for f in section.fields if f.is_list):
            context.lists[list_field.name] = _rows_by_owner(list_field, workshop, context)
        document[section.name] = [_entry(section, obj, context) for obj in objects[section.name]]
    document["derived"] = _derived(load_snapshot(workshop), keys)
    from visions.documents.workshop_file.commitments import export_commitments

    commitments = export_commitments(workshop, keys)
    if commitments:  # optional: a file without commitments stays as it was
        document["commitments"] = commitments
    if workshop.previous_round_id is not None:  # optional, informational: ids differ across installs
        document["workshop"]["previous_round"] = previous_round_entry(workshop.previous_round)
    return document, keys


def previous_round_entry(previous):
    return {
        "title": previous.title,
        "base_year": previous.base_year,
        "target_year": previous.target_year,
        "started_on": previous.created_at.date().isoformat(),
    }


def _section_objects(section, workshop):
    if section.in_workshop:
        return list(section.model.objects.filter(workshop=workshop).order_by("id"))
    return list(section.model.objects.filter(target__workshop=workshop).order_by("id"))


def _rows_by_owner(list_field, workshop, context):
    """{owner pk: [file values]} for a list field, in the order the rows were made."""
    rows = list_field.model.objects.filter(**{f"{list_field.owner}__workshop": workshop}).order_by("id")
    by_owner = {}
    for row in rows:
        owner = getattr(row, f"{list_field.owner}_id")
        by_owner.setdefault(owner, []).append(list_field.row_value(row, context))
    return by_owner


def _entry(section, obj, context):
    entry = {"key": context.keys[section.name][obj.pk]} if section.key_prefix else {}
    entry.update((f.name, f.exported(obj, context)) for f in section.fields)
    return entry


def _finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _derived(snapshot, keys):
    by_model = {Target: keys["targets"], Milestone: keys["milestones"], Action: keys["actions"]}
    coverage = snapshot.coverage
    return {
        "gaps": [
            {
                "target": keys["targets"][row.target.pk],
                **{name: _finite_or_none(value) for name, value in row.gap.as_dict().items()},
            }
            for row in sorted(snapshot.targets, key=lambda row: row.target.pk)
            if row.gap is not None
        ],
        "coverage": {
            "unaddressed_issues": [keys["issues"][i.pk] for i in coverage.unaddressed_issues],
            "order_violations": [
                [keys["actions"][action.pk], keys["actions"][prerequisite.pk]]
                for action, prerequisite in coverage.order_violations
            ],
            "out_of_range": [by_model[type(obj)][obj.pk] for obj in coverage.out_of_range],
        },
        "adequacy": [
            {
                "target": keys["targets"][row.target.pk],
                "gap": row.gap,
                "planned": row.planned,
                "remaining": row.remaining,
                "closes": row.closes,
                "late": row.late,
                "by_confidence": dict(row.by_confidence),
                "actions": [keys["actions"][a.pk] for a in row.actions],
            }
            for row in snapshot.adequacy
        ],
        "schedule": [
            {
                "action": keys["actions"][row.action.pk],
                "latest_start": row.latest_start,
                "latest_end": row.latest_end,
                "slack": row.slack,
            }
            for row in snapshot.schedule
        ],
        "agreement": _agreement(snapshot.agreement, keys["issues"]),
    }


def _agreement(agreement, issue_keys):
    return {
        "sectors": list(agreement.sectors),
        "shared": [issue_keys[i.pk] for i in agreement.shared],
        "contested": [issue_keys[i.pk] for i in agreement.contested],
        "by_sector": [
            {"issue": issue_keys[issue.pk], "dots": dots} for issue, dots in agreement.by_sector
        ],
    }
