"""Import: a checked document written into the database as a new workshop, in one transaction."""

from dataclasses import dataclass, field

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from visions.documents.workshop_file.checker import DocumentChecker
from visions.documents.workshop_file.shape import SECTIONS, WorkshopFileError
from visions.live.access import Viewer
from visions.live.activity import Subject, declare, record
from visions.models import IssueOrigin, Theme, Workshop


WORKSHOP_IMPORTED = declare(Subject.WORKSHOP, "imported")

from visions.documents.workshop_file.commitments import import_commitments  # noqa: E402


def import_document(document, *, facilitator=None):
    """A new workshop made from `document` in one transaction; nothing is written if any rule is broken."""
    workshop, _objects = import_document_with_keys(document, facilitator=facilitator)
    return workshop


def import_document_with_keys(
    document, *, facilitator=None, change=WORKSHOP_IMPORTED, summary=None, then=None
):
    """Like import_document, and also {section: {key: object}}, for callers that go on from the file.

    `change` and `summary`: what the new workshop's history records; `then(workshop, objects)`
    runs in the same transaction, before that record (the next round links itself there).
    """
    clean = DocumentChecker(document).check()
    try:
        with transaction.atomic():
            workshop, objects = _write(clean)
            if facilitator is not None:
                workshop.facilitators.add(facilitator)
            if then is not None:
                then(workshop, objects)
            importer = Viewer.of_facilitator(workshop, facilitator) if facilitator else Viewer.nobody(workshop)
            record(importer, change, workshop, summary=summary or _("Imported from a workshop file"))
    except (IntegrityError, DataError) as error:
        # The checker should have caught it; still, the person gets a message, not a crash.
        message = _("could not be stored: %(reason)s") % {"reason": error}
        raise WorkshopFileError("document", message) from error
    return workshop, objects


@dataclass
class _Context:
    themes: dict  # {name: Theme}
    objects: dict = field(default_factory=dict)  # {section: {key: object}}


def _write(clean):
    workshop = Workshop.objects.create(**clean["workshop"])
    context = _Context(_themes(workshop, clean["issues"]))
    for section in SECTIONS:
        entries = clean[section.name]
        rows = section.model.objects.bulk_create(
            [section.model(**_attributes(section, workshop, entry, context)) for entry in entries]
        )
        if section.key_prefix:
            keyed = zip((entry["key"] for entry in entries), rows, strict=True)
            context.objects[section.name] = dict(keyed)
        # After the whole section, because links may stay within it (depends_on). In file order, so
        # that export gives them back in the same order.
        for list_field in (f for f in section.fields if f.is_list):
            list_field.model.objects.bulk_create(
                list_field.new_row(owner, value, context)
                for entry, owner in zip(entries, rows, strict=True)
                for value in entry[list_field.name]
            )
    _ensure_derived_issues(clean, context.objects["targets"])
    import_commitments(workshop, clean["commitments"], context.objects)
    return workshop, context.objects


def _themes(workshop, issues):
    """Each theme the issues name, made once, in the order the issues first name them."""
    themes = {}
    for issue in issues:
        name = issue["theme"]
        if name is not None and name not in themes:
            themes[name], _created = Theme.objects.get_or_create(workshop=workshop, name=name)
    return themes


def _attributes(section, workshop, entry, context):
    attributes = {"workshop": workshop} if section.in_workshop else {}
    for field_ in section.fields:
        attributes.update(field_.stored(entry[field_.name], context))
    return attributes


def _ensure_derived_issues(clean, targets):
    # Every assessed target has its one derived issue: the file's own, or one made now.
    derived_in_file = {i["target"] for i in clean["issues"] if i["origin"] == IssueOrigin.DERIVED}
    for key in dict.fromkeys(a["target"] for a in clean["assessments"]):
        if key not in derived_in_file:
            targets[key].ensure_derived_issue()
