"""Add a target's assessments from a CSV file, as the current-state page's import does."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from visions.live.access import Viewer
from visions.models import Target, VisionStatus, Workshop
from visions.phases.indicator_csv import (
    MAX_IMPORT_BYTES,
    NotText,
    decode_upload,
    read_assessments_csv,
    too_large_message,
)
from visions.phases.indicator_import import save_import


class Command(BaseCommand):
    help = (
        "Add assessments to one target of a workshop from a CSV file (date or year, value, "
        "optionally source and note; see the README). A file with any bad line is refused whole: "
        "each bad line is printed with its number and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("workshop", metavar="WORKSHOP", help="the workshop's identifier or its exact title")
        parser.add_argument(
            "target", metavar="TARGET", help="the target's identifier or its exact indicator (of the adopted vision)"
        )
        parser.add_argument("file", metavar="FILE", help='the CSV file; "-" reads standard input')
        parser.add_argument("--dry-run", action="store_true", help="check the file and print what it would add")
        parser.add_argument("--language", choices=["en", "ja"], help="the language of the messages")

    def handle(self, *args, workshop, target, file, dry_run, language, **options):
        with translation.override(language or translation.get_language()):
            workshop = find(Workshop.objects.all(), workshop, "title", pgettext("csv import", "workshop"))
            target = find(
                Target.objects.filter(workshop=workshop, vision__status=VisionStatus.ADOPTED),
                target,
                "indicator",
                pgettext("csv import", "target of the adopted vision"),
            )
            try:
                text = decode_upload(self.read(file))
            except NotText as error:
                raise CommandError(f"{file}: {error}") from None
            with transaction.atomic():
                workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
                result = read_assessments_csv(text, target)
                for error in result.errors:
                    self.stderr.write(f"{file}: {error}")
                if result.errors:
                    raise CommandError(
                        f"{file}: "
                        + ngettext(
                            "refused, nothing was added (%(count)s problem).",
                            "refused, nothing was added (%(count)s problems).",
                            len(result.errors),
                        )
                        % {"count": len(result.errors)}
                    )
                for row in result.rows:
                    state = _("recorded already: left out") if row.already else _("to add")
                    line = _("line %(line)s: %(reason)s") % {"line": row.line, "reason": f"{row.as_of} {row.value:g}"}
                    self.stdout.write(f"{line} ({state})")
                if dry_run:
                    self.stdout.write(_("Dry run: %(count)s would be added.") % {"count": len(result.new_rows)})
                    return
                viewer = Viewer.nobody(workshop)
                viewer.holds_workshop = True
                added = save_import(viewer, target, result)
            self.stdout.write(
                ngettext(
                    "%(count)s assessment of “%(indicator)s” added from the file.",
                    "%(count)s assessments of “%(indicator)s” added from the file.",
                    added,
                )
                % {"count": added, "indicator": target.indicator}
            )

    def read(self, path):
        too_large = CommandError(f"{path}: {too_large_message()}")
        if path == "-":
            data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
        else:
            try:
                if os.stat(path).st_size > MAX_IMPORT_BYTES:
                    raise too_large
                with open(path, "rb") as stream:
                    data = stream.read(MAX_IMPORT_BYTES + 1)
            except OSError as error:
                raise CommandError(_("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}) from None
        if len(data) > MAX_IMPORT_BYTES:
            raise too_large
        return data


def find(rows, given, name_field, what):
    """The row with this identifier, or else the one with this exact name; a clear error otherwise."""
    if given.isdigit():
        found = rows.filter(pk=int(given)).first()
        if found is not None:
            return found
    matches = list(rows.filter(**{name_field: given})[:2])
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise CommandError(
            _("More than one %(what)s is called “%(name)s”: give its identifier.") % {"what": what, "name": given}
        )
    raise CommandError(_("No %(what)s “%(name)s”.") % {"what": what, "name": given})
