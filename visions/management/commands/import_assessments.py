"""Add a target's assessments from a CSV file, as the current-state page's import does."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from visions.live.access import Viewer
from visions.models import Target, VisionStatus, Workshop
from visions.phases.indicator_csv import MAX_IMPORT_BYTES, NotText, decode_upload, read_assessments_csv
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
            workshop = find(Workshop.objects.all(), workshop, "title", "workshop")
            target = find(
                Target.objects.filter(workshop=workshop, vision__status=VisionStatus.ADOPTED),
                target,
                "indicator",
                "target of the adopted vision",
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
                    raise CommandError(f"{file}: refused, nothing was added ({len(result.errors)} problems).")
                for row in result.rows:
                    state = "recorded already, left out" if row.already else "add"
                    self.stdout.write(f"line {row.line}: {row.as_of.isoformat()} {row.value:g} ({state})")
                if dry_run:
                    self.stdout.write(f"Dry run: {len(result.new_rows)} would be added.")
                    return
                viewer = Viewer.nobody(workshop)
                viewer.holds_workshop = True
                added = save_import(viewer, target, result)
            self.stdout.write(f'Added {added} assessments to "{target.indicator}".')

    def read(self, path):
        too_large = CommandError(f"{path}: the file is larger than the limit of {MAX_IMPORT_BYTES // 1024} KB")
        if path == "-":
            data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
        else:
            try:
                if os.stat(path).st_size > MAX_IMPORT_BYTES:
                    raise too_large
                with open(path, "rb") as stream:
                    data = stream.read(MAX_IMPORT_BYTES + 1)
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}") from None
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
        raise CommandError(f'More than one {what} is called "{given}": give its identifier.')
    raise CommandError(f'No {what} "{given}".')
