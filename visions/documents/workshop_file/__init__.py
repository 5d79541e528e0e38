"""The workshop file of shared/FORMAT.md, version 1: export, validation and import.

reader (bytes to a document), checker (the rules), writer (export) and importer
(into the database), all driven where they can by the one table of sections in shape.

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

from visions.documents.workshop_file.checker import validate
from visions.documents.workshop_file.importer import import_document, import_document_with_keys
from visions.documents.workshop_file.reader import MAX_FILE_BYTES, load_bytes
from visions.documents.workshop_file.shape import FORMAT_NAME, FORMAT_VERSION, WorkshopFileError
from visions.documents.workshop_file.writer import dumps, export_document

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "WorkshopFileError",
    "dumps",
    "export_document",
    "import_document",
    "import_document_with_keys",
    "load_bytes",
    "validate",
]
