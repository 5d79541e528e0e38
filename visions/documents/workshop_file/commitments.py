"""The workshop file's optional `commitments`: each a name, the moment and the copy as it was.

In the file a copy's `ids` name the items by the keys of the file they travel in (an item since
removed keeps a `gone-…` name), so that drift still matches them after an import gives every
item a new database id.
"""

import datetime

from django.utils.translation import gettext as _

from visions.documents.workshop_file.shape import WorkshopFileError
from visions.models import Action, Commitment, Target

SECTIONS = (("actions", Action), ("targets", Target))


def export_commitments(workshop, keys):
    """[{name, committed_at, snapshot}] oldest first; `keys`: {section: {pk: file key}}."""
    result = []
    for commitment in Commitment.objects.filter(workshop=workshop).order_by("committed_at", "id"):
        snapshot = dict(commitment.snapshot)
        snapshot["ids"] = {
            section: {k: keys[section].get(pk, f"gone-{pk}") for k, pk in snapshot.get("ids", {}).get(section, {}).items()}
            for section, _model in SECTIONS
        }
        result.append({"name": commitment.name, "committed_at": commitment.committed_at.isoformat(), "snapshot": snapshot})
    return result


def check_commitments(document):
    items = document.get("commitments")
    if items is None:
        return []
    if not isinstance(items, list):
        raise WorkshopFileError("commitments", _("must be a list"))
    clean = []
    for n, item in enumerate(items):
        place = f"commitments[{n}]"
        if not isinstance(item, dict):
            raise WorkshopFileError(place, _("must be a JSON object"))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise WorkshopFileError(f"{place}.name", _("must not be empty"))
        if len(name) > Commitment.NAME_LENGTH:
            raise WorkshopFileError(
                f"{place}.name", _("must be at most %(count)d characters long") % {"count": Commitment.NAME_LENGTH}
            )
        try:
            committed_at = datetime.datetime.fromisoformat(item.get("committed_at"))
        except (TypeError, ValueError):
            raise WorkshopFileError(f"{place}.committed_at", _("must be a date and time like 2027-03-15T10:00:00+09:00")) from None
        if committed_at.tzinfo is None:
            committed_at = committed_at.replace(tzinfo=datetime.UTC)
        snapshot = item.get("snapshot")
        if not isinstance(snapshot, dict):
            raise WorkshopFileError(f"{place}.snapshot", _("must be a JSON object"))
        ids = snapshot.get("ids", {})
        for section, _model in SECTIONS:
            section_ids = ids.get(section, {}) if isinstance(ids, dict) else None
            if not isinstance(section_ids, dict) or not all(isinstance(v, str) for v in section_ids.values()):
                raise WorkshopFileError(f"{place}.snapshot.ids.{section}", _("must map keys to keys"))
        clean.append({"name": name, "committed_at": committed_at, "snapshot": snapshot})
    return clean


def import_commitments(workshop, clean, objects):
    """Store the checked commitments with ids of the new rows (removed items get ids no row has)."""
    gone = iter(range(-1, -10**9, -1))
    for item in clean:
        snapshot = dict(item["snapshot"])
        snapshot["ids"] = {
            section: {
                k: objects[section][v].pk if v in objects.get(section, {}) else next(gone)
                for k, v in snapshot.get("ids", {}).get(section, {}).items()
            }
            for section, _model in SECTIONS
        }
        Commitment.objects.create(workshop=workshop, name=item["name"], committed_at=item["committed_at"], snapshot=snapshot)
