"""The task worker in tests: run the queued PDF renders as `manage.py db_worker` would, in this process."""

from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks():
    """Run every queued task with the package's own worker (claim, run, record); how many ran.

    The same steps as one pass of `db_worker --batch`, without its connection recycling, which
    a test's wrapping transaction does not allow (the regression test runs the real command).
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        # Claimed under a row lock, as the worker does: outside a test's wrapping transaction
        # (live-server tests, PostgreSQL) select_for_update needs its own.
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1


def download_pdf(client, url):
    """Ask for the PDF, let the worker make it, ask again: the response that carries it (or its failure)."""
    first = client.get(url)
    if first.status_code != 200 or first.get("Content-Type") == "application/pdf":
        return first
    run_queued_tasks()
    return client.get(url)
