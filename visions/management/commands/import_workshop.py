"""Make a new workshop from a workshop file (FORMAT.md version 1)."""

import os
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from visions.documents.workshop_file import MAX_FILE_BYTES, WorkshopFileError, import_document, load_bytes


class Command(BaseCommand):
    help = (
        "Import a workshop file as a new workshop and print its identifier as the last word. "
        "A file that breaks any rule is refused whole and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help='the workshop file; "-" reads standard input')
        parser.add_argument(
            "--facilitator",
            metavar="USERNAME",
            help="an existing user who becomes the new workshop's facilitator",
        )

    def handle(self, *args, file, facilitator, **options):
        user = self.find_user(facilitator) if facilitator else None
        data = self.read(file)
        try:
            workshop = import_document(load_bytes(data), facilitator=user)
        except WorkshopFileError as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(f'Imported "{workshop.title}".')
        self.stdout.write(f"Workshop {workshop.pk}")

    def find_user(self, username):
        User = get_user_model()
        try:
            return User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f'No user "{username}".') from None

    def read(self, path):
        too_large = CommandError(f"{path}: file: is larger than the limit of {MAX_FILE_BYTES // 2**20} MB")
        if path == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            try:
                if os.stat(path).st_size > MAX_FILE_BYTES:
                    raise too_large
                with open(path, "rb") as stream:
                    data = stream.read(MAX_FILE_BYTES + 1)
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        if len(data) > MAX_FILE_BYTES:
            raise too_large
        return data
