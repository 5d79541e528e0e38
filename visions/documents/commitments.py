"""Commitments: the roadmap as the group agreed it, kept as it was, and the drift from it since.

The copy is the workshop file of that moment (visions/documents/workshop_file, with its
`derived` numbers) plus `ids`, the database ids behind the file's keys, so that drift can
match actions and targets by identity. visions/documents/drift.py compares it with now.
"""

from django.utils import timezone

from visions.documents import workshop_file
from visions.documents.drift import compute_drift
from visions.models import Action, Commitment, Target


def commitment_document(workshop):
    """The workshop file now, with the ids its action and target keys stand for."""
    document = workshop_file.export_document(workshop)
    document.pop("commitments", None)  # a copy does not carry the earlier copies
    ids = {}
    for section, model in (("actions", Action), ("targets", Target)):
        pks = model.objects.filter(workshop=workshop).order_by("id").values_list("pk", flat=True)
        ids[section] = {entry["key"]: pk for entry, pk in zip(document[section], pks, strict=True)}
    document["ids"] = ids
    return document


def record_commitment(workshop, name, user=None, now=None):
    return Commitment.objects.create(
        workshop=workshop,
        name=name,
        committed_at=now or timezone.now(),
        committed_by=user,
        snapshot=commitment_document(workshop),
    )


def latest_commitment(workshop_id):
    return Commitment.objects.filter(workshop_id=workshop_id).order_by("-committed_at", "-id").first()


def drift_since(commitment, workshop, today=None, now_document=None):
    """Drift from `commitment` to the workshop now (None without a commitment)."""
    if commitment is None:
        return None
    return compute_drift(
        commitment.snapshot,
        now_document or commitment_document(workshop),
        today or timezone.localdate(),
        name=commitment.name,
        committed_at=timezone.localtime(commitment.committed_at).date().isoformat(),
        stale_months=workshop.evidence_stale_months,
    )


def drift_for(workshop, today=None):
    return drift_since(latest_commitment(workshop.pk), workshop, today)


def commitment_view(commitment):
    """What a commitment's page shows, read from its copy alone (names of the file's keys resolved)."""
    doc = commitment.snapshot
    stakeholders = {s["key"]: s["name"] for s in doc.get("stakeholders", [])}
    targets = {t["key"]: t for t in doc.get("targets", [])}
    milestones = {m["key"]: m for m in doc.get("milestones", [])}
    actions = [
        {
            **a,
            "owner_names": [stakeholders.get(k, k) for k in a.get("owners", [])],
            "milestone_title": milestones.get(a.get("milestone"), {}).get("title", ""),
            "effect_rows": [
                {**e, "indicator": targets.get(e["target"], {}).get("indicator", e["target"]),
                 "unit": targets.get(e["target"], {}).get("unit", "")}
                for e in a.get("effects", [])
            ],
        }
        for a in doc.get("actions", [])
    ]
    derived = doc.get("derived", {})
    gaps = {g["target"]: g for g in derived.get("gaps", [])}
    adequacy = {a["target"]: a for a in derived.get("adequacy", [])}
    target_rows = [
        {**t, "gap": gaps.get(t["key"], {}).get("gap"), "adequacy": adequacy.get(t["key"])}
        for t in doc.get("targets", [])
    ]
    return {
        "workshop_title": doc.get("workshop", {}).get("title", ""),
        "milestones": sorted(doc.get("milestones", []), key=lambda m: m["year"]),
        "actions": actions,
        "targets": target_rows,
    }
