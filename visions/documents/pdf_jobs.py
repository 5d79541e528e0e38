"""The roadmap PDF off the request path: one render per workshop revision, made by the task worker.

A request asks for the render of the workshop's current revision (`request_render`): the first
to ask creates it and enqueues one task, in one transaction; everyone else who asks for that
revision, at the same moment or later, shares it (the unique constraint on workshop, revision
and language decides who was first). The task worker (`manage.py db_worker`, a process of its
own) runs `render_pdf`, which renders with WeasyPrint and stores the bytes in the database
(`PdfRender`); when it is done, the workshop's older renders go. No web request imports
WeasyPrint or waits on it: it only reads the render's status, or its finished bytes.

A commitment's PDF (the roadmap as committed, read from its copy) is made the same way, once,
and kept: a commitment never changes.

The command-line export (`manage.py export_workshop --format pdf`) renders directly.
"""

import logging

from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from visions.live.activity import last_activity_id
from visions.models import PdfRender

logger = logging.getLogger(__name__)


def current_revision(workshop):
    """The workshop's revision: its latest activity row, as the live poll follows it."""
    return last_activity_id(workshop.pk)


def request_render(workshop, commitment=None):
    """The render of the workshop's current revision (without its bytes); the first to ask enqueues it.

    With `commitment`, the render of that commitment's copy instead: made once, kept for good.
    """
    if commitment is None:
        key = {"workshop": workshop, "revision": current_revision(workshop), "commitment": None}
    else:
        key = {"workshop": workshop, "revision": 0, "commitment": commitment}
    key["language"] = workshop.language
    renders = PdfRender.objects.defer("pdf")
    try:
        with transaction.atomic():
            render, created = renders.get_or_create(**key)
            if created:
                enqueue(render)
    except IntegrityError:
        # Another request inserted the same revision between the look-up and the insert: share theirs.
        render = renders.get(**key)
    return render


def enqueue(render):
    """Hand the render to the task worker (inside the caller's transaction: both or neither)."""
    result = render_pdf.enqueue(render.pk)
    render.task_id = str(result.id)[:64]
    PdfRender.objects.filter(pk=render.pk).update(task_id=render.task_id)


def retry_render(render):
    """Try a failed or stuck render again; True if this call handed it to the worker."""
    with transaction.atomic():
        if not render.retry():
            return False
        enqueue(render)
    return True


def pdf_bytes(render):
    return bytes(PdfRender.objects.values_list("pdf", flat=True).get(pk=render.pk))


@task()
def render_pdf(render_id):
    """The task worker's job: make one revision's PDF, once (a second task for it finds it taken)."""
    from visions.documents.pdf import (
        PdfExportError,
        WorkshopTooLargeForPdf,
        render_commitment_pdf,
        render_workshop_pdf,
    )

    render = PdfRender.objects.defer("pdf").select_related("workshop", "commitment").filter(pk=render_id).first()
    if render is None or not render.claim():
        return "skipped"  # gone (a newer revision is done, the workshop deleted) or taken by another task
    workshop = render.workshop
    workshop.language = render.language
    with translation.override(render.language):
        try:
            if render.commitment is not None:
                pdf = render_commitment_pdf(render.commitment, render.language)
            else:
                pdf = render_workshop_pdf(workshop)
        except PdfExportError as error:
            render.finish(error=str(error), refused=isinstance(error, WorkshopTooLargeForPdf))
            return "failed"
        except Exception:
            logger.exception("PDF render %s failed", render_id)
            render.finish(error=_("The PDF could not be made. Try again later, or export the CSV files."))
            raise
    render.finish(pdf)
    return "ready"
