"""Write one workshop as a workshop file (FORMAT.md version 1) or as the roadmap PDF."""

from django.core.management.base import BaseCommand, CommandError

from visions.models import Workshop
from visions.documents.workshop_file import dumps, export_document


class Command(BaseCommand):
    help = "Export a workshop as JSON (the workshop file, to stdout or -o FILE) or as PDF (-o FILE)."

    def add_arguments(self, parser):
        parser.add_argument("workshop_id", metavar="ID", type=int, help="the workshop's identifier")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="where to write; stdout when left out (JSON only)"
        )

    def handle(self, *args, workshop_id, format, output, **options):
        try:
            workshop = Workshop.objects.get(pk=workshop_id)
        except Workshop.DoesNotExist:
            raise CommandError(f"No workshop with identifier {workshop_id}.") from None

        if format == "pdf":
            if not output:
                raise CommandError("A PDF needs a file to go to: add -o FILE.")
            # Imported here: the PDF path is the only one that needs it.
            from visions.documents.pdf import PdfExportError, render_workshop_pdf

            try:
                pdf = render_workshop_pdf(workshop)
            except PdfExportError as error:
                raise CommandError(str(error)) from None
            self.write(output, pdf)
            return

        text = dumps(export_document(workshop))
        if output:
            self.write(output, text.encode("utf-8"))
        else:
            self.stdout.write(text, ending="")

    def write(self, path, data):
        try:
            with open(path, "wb") as file:
                file.write(data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None
