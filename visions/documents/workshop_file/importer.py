"""Import: a checked document written into the database as a new workshop, in one transaction."""

import datetime

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from visions.documents.workshop_file.checker import DocumentChecker
from visions.documents.workshop_file.shape import (
    SECTIONS,
    Children,
    Links,
    Plain,
    Ref,
    Special,
    Value,
    WorkshopFileError,
)
from visions.models import Activity, IssueOrigin, Theme, Workshop


def import_document(document, *, facilitator=None):
    """A new workshop made from `document` in one transaction; nothing is written if any rule is broken."""
    workshop, _objects = import_document_with_keys(document, facilitator=facilitator)
    return workshop


def import_document_with_keys(document, *, facilitator=None):
    """Like import_document, and also {section: {key: object}}, for callers that go on from the file."""
    clean = DocumentChecker(document).check()
    try:
        with transaction.atomic():
            workshop, objects = _write(clean)
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
    return workshop, objects


def _write(clean):
    workshop = Workshop.objects.create(**clean["workshop"])
    objects = {}
    themes = _themes(workshop, clean["issues"])
    for section in SECTIONS:
        entries = clean[section.name]
        rows = section.model.objects.bulk_create(
            [section.model(**_attributes(section, workshop, entry, objects, themes)) for entry in entries]
        )
        if section.key_prefix:
            objects[section.name] = {entry["key"]: obj for entry, obj in zip(entries, rows, strict=True)}
        # Links within a section (depends_on) need the whole section first.
        for field in section.fields:
            if isinstance(field, (Links, Children, Plain)):
                _write_list(field, entries, rows, objects)
    _ensure_derived_issues(clean, objects["targets"])
    return workshop, objects


def _themes(workshop, issues):
    """Each theme the issues name, made once, in the order the issues first name them."""
    themes = {}
    for issue in issues:
        name = issue["theme"]
        if name is not None and name not in themes:
            themes[name], _created = Theme.objects.get_or_create(workshop=workshop, name=name)
    return themes


def _attributes(section, workshop, entry, objects, themes):
    attributes = {"workshop": workshop} if section.in_workshop else {}
    for field in section.fields:
        value = entry[field.name]
        if isinstance(field, Value):
            attributes[field.name] = value
        elif isinstance(field, Ref):
            attributes[field.name] = objects[field.section].get(value) if value is not None else None
        elif isinstance(field, Special) and field.name == "as_of":
            attributes["as_of"] = datetime.date.fromisoformat(value)
        elif isinstance(field, Special) and field.name == "theme":
            attributes["theme"] = themes.get(value)
    return attributes


def _write_list(field, entries, owners, objects):
    """The rows of one list field, in file order, so that export gives them back in the same order."""
    rows = []
    for entry, owner in zip(entries, owners, strict=True):
        for value in entry[field.name]:
            if isinstance(field, Links):
                rows.append(field.model(**{field.owner: owner, field.other: objects[field.section][value]}))
            elif isinstance(field, Plain):
                rows.append(field.model(**{field.owner: owner, field.column: value}))
            else:
                attributes = {sub.name: value[sub.name] for sub in field.fields}
                for sub in field.fields:
                    if isinstance(sub, Ref):
                        attributes[sub.name] = objects[sub.section][value[sub.name]]
                rows.append(field.model(**{field.owner: owner}, **attributes))
    field.model.objects.bulk_create(rows)


def _ensure_derived_issues(clean, targets):
    # Every assessed target has its one derived issue: the file's own, or one made now.
    derived_in_file = {i["target"] for i in clean["issues"] if i["origin"] == IssueOrigin.DERIVED}
    for key in dict.fromkeys(a["target"] for a in clean["assessments"]):
        if key not in derived_in_file:
            targets[key].ensure_derived_issue()
