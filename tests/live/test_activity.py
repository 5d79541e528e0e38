"""The activity record: who changed what, and the order live pages read it in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from visions.live import record
from visions.live.access import Viewer
from visions.phases.issues import ISSUE_ADDED, ISSUE_EDITED

from tests.factories import IssueFactory, ParticipantFactory


def test_record_names_the_actor_and_the_subject(db):
    issue = IssueFactory(title="Buses stop at six")
    person = ParticipantFactory(workshop=issue.workshop, display_name="Aiko")
    entry = record(Viewer.of_participant(person), ISSUE_ADDED, issue, summary=issue.title)
    assert (entry.actor_name, entry.verb, entry.subject_type, entry.subject_id) == (
        "Aiko",
        "created",
        "issue",
        issue.pk,
    )


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="only where rows can be locked")
def test_recording_holds_the_workshop_row_so_ids_commit_in_order(db):
    issue = IssueFactory()
    someone = Viewer.of_participant(ParticipantFactory(workshop=issue.workshop))
    with CaptureQueriesContext(connection) as queries:
        record(someone, ISSUE_EDITED, issue)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    lock, insert = statements[:2]
    assert "FOR UPDATE" in lock and "visions_workshop" in lock
    assert insert.startswith('INSERT INTO "visions_activity"')
