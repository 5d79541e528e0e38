"""Indicator data: a target's assessments imported from CSV, pasted or uploaded, previewed, then added.

The parsing is visions/phases/indicator_csv.py. The steps here (`preview`, `confirm`,
`save_import`) take a viewer and a target already checked; the two views below only decide
who may import on the current-state page (its write rule: facilitators always, participants
while the group is in phase 3 and the workshop is unlocked, observers never). Another page
(an organisation's update link) can call the same steps behind its own access check.

The preview is never trusted: confirming posts the same text again, which is read and
checked again inside the write's transaction; a file with any bad line adds nothing.
"""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from visions.live.access import viewer_for
from visions.live.guard import claim_form_key, contribution
from visions.live.pages import phase_url
from visions.live.writes import item_of, write
from visions.models import Assessment, Phase, Target, VisionStatus
from visions.phases.current_state import add_assessments
from visions.phases.forms import OnceForm
from visions.phases.indicator_csv import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    YEAR_MEANS,
    NotText,
    decode_upload,
    read_assessments_csv,
)

TEMPLATE = "phases/assessment_import.html"


class AssessmentImportForm(OnceForm):
    text = forms.CharField(
        label=gettext_lazy("Paste the table"),
        required=False,
        strip=False,
        max_length=MAX_IMPORT_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off", "dir": "auto"}),
        help_text=gettext_lazy("Copy the cells from a spreadsheet, header line included, and paste them here."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or choose a CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv,text/tab-separated-values"}),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if upload and text.strip():
            raise forms.ValidationError(_("Paste a table or choose a file, not both."))
        if upload:
            try:
                cleaned["text"] = decode_upload(upload.read(MAX_IMPORT_BYTES + 1))
            except NotText as error:
                self.add_error("file", str(error))
        elif not text.strip() and "text" not in self.errors:
            self.add_error("text", _("Paste a table or choose a CSV file."))
        return cleaned


def page(request, context, form, result=None, status=200):
    return render(
        request,
        TEMPLATE,
        {
            **context,
            "form": form,
            "result": result,
            "max_rows": MAX_IMPORT_ROWS,
            "max_kb": MAX_IMPORT_BYTES // 1024,
            "year_example": datetime.date(2024, *YEAR_MEANS),
        },
        status=status,
    )


def preview(request, target, context):
    """The form (GET), or what the posted text would add and its bad lines (nothing is saved)."""
    if request.method != "POST":
        return page(request, context, AssessmentImportForm())
    form = AssessmentImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return page(request, context, form, status=400)
    result = read_assessments_csv(form.cleaned_data["text"], target)
    # The page shows the text as read (an uploaded file's too), to correct it or to confirm it.
    form = AssessmentImportForm(initial={"text": form.cleaned_data["text"], "form_key": form.cleaned_data["form_key"]})
    return page(request, context, form, result, status=200 if result.ok else 400)


def confirm(request, viewer, target, context):
    """Read the text again and add all its rows, or refuse the whole file; inside the caller's write."""
    form = AssessmentImportForm(request.POST)
    if not form.is_valid():
        return page(request, context, form, status=400)
    result = read_assessments_csv(form.cleaned_data["text"], target)
    if not result.ok:
        return page(request, context, form, result, status=400)
    added = 0
    if claim_form_key(viewer.workshop, form.cleaned_data["form_key"]):
        added = save_import(viewer, target, result)
    if added:
        text = ngettext(
            "%(count)s assessment of “%(indicator)s” added from the file.",
            "%(count)s assessments of “%(indicator)s” added from the file.",
            added,
        )
        messages.success(request, text % {"count": added, "indicator": target.indicator})
    else:
        messages.info(request, _("Nothing was added: the file's assessments are recorded already."))
    return redirect(context["back"])


def save_import(viewer, target, result):
    """Add the file's new rows to `target` in one transaction, recorded once; how many were added."""
    rows = result.new_rows
    if not rows:
        return 0
    assessments = [Assessment(value=row.value, as_of=row.as_of, source=row.source, note=row.note) for row in rows]
    add_assessments(
        viewer,
        target,
        assessments,
        summary=f"{target.indicator}: +{len(rows)} (CSV)",
        changes={"imported": len(rows), "lines": [rows[0].line, rows[-1].line]},
    )
    return len(rows)


# --- on the current-state page ------------------------------------------------------------


def importing(viewer, target):
    base = f"{viewer.links['target']}{target.pk}/assessments/import/"
    return {
        "workshop": viewer.workshop,
        "viewer": viewer,
        "target": target,
        "action": base,
        "confirm_action": base + "confirm/",
        "back": phase_url(viewer.workshop_id, Phase.CURRENT_STATE) + f"#target-{target.pk}",
    }


def importable_target(viewer, target_id):
    return item_of(Target, viewer, target_id, vision__status=VisionStatus.ADOPTED)


@require_http_methods(["GET", "POST"])
def assessment_import(request, pk, target_id):
    viewer = viewer_for(request, pk)
    # Only those who may add assessments see the form: the write's own checks, before anything is read.
    with contribution(viewer, phase=Phase.CURRENT_STATE):
        target = importable_target(viewer, target_id)
    return preview(request, target, importing(viewer, target))


@write(phase=Phase.CURRENT_STATE)
def assessment_import_confirm(request, viewer, target_id):
    target = importable_target(viewer, target_id)
    return confirm(request, viewer, target, importing(viewer, target))
