from django.core.management.base import BaseCommand
from django.db import transaction

from visions.demo.loader import DEMO_USERNAME, build_demo_workshop, ensure_demo_user, find_demo_workshop
from visions.documents.snapshot import load_snapshot


class Command(BaseCommand):
    help = (
        "Create the demo workshop and the demo facilitator account, unless they exist. "
        "Safe to run on every start: an existing demo workshop is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo workshop (with every change made to it) and create it afresh.",
        )

    def handle(self, *args, reset=False, **options):
        with transaction.atomic():
            user, user_created = ensure_demo_user()
            if user_created:
                self.stdout.write(f"Created the demo facilitator account '{DEMO_USERNAME}'.")
            workshop = find_demo_workshop()
            if workshop is not None and reset:
                self.stdout.write(f"Deleted demo workshop {workshop.pk}.")
                workshop.delete()
                workshop = None
            if workshop is None:
                workshop = build_demo_workshop(user)
                self.describe_targets(workshop)
            elif user_created:
                # The account was deleted and made again: give it back its workshop.
                workshop.facilitators.add(user)
        self.stdout.write(
            f"Demo workshop {workshop.pk}: {workshop.title} (join code {workshop.display_join_code})"
        )

    def describe_targets(self, workshop):
        for row in load_snapshot(workshop).targets:
            target, gap = row.target, row.gap
            if gap is None or gap.projected is None:
                self.stdout.write(f"  no trend yet: {target.indicator}")
                continue
            state = "on track" if gap.on_track else "off track"
            self.stdout.write(
                f"  {state}: {target.indicator} — current {gap.current:g}, projected {gap.projected:.1f} "
                f"for {target.target_value:g} {target.unit} in {target.target_year}"
            )
