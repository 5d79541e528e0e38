"""A bystander's wait while 8 PDFs are asked for at once (issue 11, finding 3), on two app processes.

    .venv/bin/python bench/pdf_jobs_bench.py [--scale 4] [--before DIR]
        DATABASE_URL=postgres://root@127.0.0.1:5432/NAME (default: .../pdfjobs_bench; created if missing)

Builds a workshop (tests/pdf_data.py, `--scale`) in PostgreSQL, starts gunicorn with two
sync workers (DEBUG off) and the task worker (`manage.py db_worker`), then: one participant
asks for the roadmap PDF from 8 clients at once, each asking again every 2 s (as the
preparing page does) until it has the file, while another participant's live poll is sent
back to back. Prints the bystander's worst and median poll latency, how long until all 8
had the PDF, and how many renders were made.

`--before DIR` runs the same against another checkout of the app (e.g. one made with
`git archive` of a commit from before this change, where each request rendered the PDF
itself) for comparison, with the same database and data.
"""

import argparse
import html
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8211
CLIENTS = 8
POLL_EVERY = 2.0
GIVE_UP_AFTER = 240.0
SECRET_KEY = "bench-only-not-secret-" + "x" * 40


def setup_django(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "futurecenter.settings")
    import django

    django.setup()


def create_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def build(scale):
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from tests.factories import ParticipantFactory
    from tests.pdf_data import build_workshop
    from visions.live.access import remember_participant

    call_command("migrate", verbosity=0)
    workshop = build_workshop(scale=scale, title=f"PDF jobs bench, scale {scale}", language="ja")
    cookies = []
    for name in ("asks for PDFs", "bystander"):
        session = SessionStore()
        remember_participant(session, ParticipantFactory(workshop=workshop, display_name=name))
        session.save()
        cookies.append(f"sessionid={session.session_key}")
    return workshop.pk, cookies


def start(app_dir, env, log):
    """gunicorn (2 sync workers) and, when the checkout has it, the task worker."""
    python = sys.executable
    gunicorn = str(Path(python).with_name("gunicorn"))
    processes = [
        subprocess.Popen(
            [gunicorn, "futurecenter.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}", "--timeout", "30"],
            cwd=app_dir, env=env, stdout=log, stderr=log, start_new_session=True,
        )
    ]
    if (Path(app_dir) / "visions/documents/pdf_jobs.py").exists():
        processes.append(
            subprocess.Popen(
                [python, "manage.py", "db_worker", "--no-reload", "--interval", "0.5", "-v", "0"],
                cwd=app_dir, env=env, stdout=log, stderr=log, start_new_session=True,
            )
        )
    return processes


def stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def get(path, cookie, timeout=GIVE_UP_AFTER, headers=None):
    """(seconds, status, content type, body)"""
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}",
        headers={"Cookie": cookie, "Accept-Language": "en", **(headers or {})},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            status, kind = response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        body, status, kind = error.read(), error.code, error.headers.get("Content-Type", "")
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        body, status, kind = str(error).encode(), 0, ""
    return time.perf_counter() - started, status, kind, body


def wait_until_up(workshop_id, cookie):
    for _ in range(120):
        _seconds, status, _kind, _body = get(f"/workshops/{workshop_id}/", cookie, timeout=5)
        if status == 200:
            return
        time.sleep(0.5)
    raise SystemExit("the app did not start; see the log")


def bystander_path(workshop_id, cookie):
    """The bystander's live poll and its headers, as its open page sends them (its workshop page when none is found)."""
    _seconds, _status, _kind, body = get(f"/workshops/{workshop_id}/live/", cookie)
    match = re.search(rb'id="live-poll" hx-get="([^"]+)" hx-headers="([^"]+)"', body)
    if not match:
        return f"/workshops/{workshop_id}/", {}
    path, headers = (html.unescape(part.decode()) for part in match.groups())
    return path, {**json.loads(headers), "HX-Request": "true"}


def run_once(workshop_id, cookies):
    asker, bystander = cookies
    poll_path, poll_headers = bystander_path(workshop_id, bystander)
    done = threading.Event()
    waits, finished = [], [None] * CLIENTS
    started = time.perf_counter()

    def ask(index):
        while time.perf_counter() - started < GIVE_UP_AFTER:
            _seconds, status, kind, body = get(f"/workshops/{workshop_id}/export.pdf", asker)
            if status == 200 and kind == "application/pdf" and body.startswith(b"%PDF"):
                finished[index] = time.perf_counter() - started
                return
            time.sleep(POLL_EVERY)

    def watch():
        while not done.is_set():
            seconds, status, _kind, _body = get(poll_path, bystander, headers=poll_headers)
            waits.append((seconds, status))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    askers = [threading.Thread(target=ask, args=(i,)) for i in range(CLIENTS)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join()
    done.set()
    watcher.join()
    return waits, finished


def renders_made(workshop_id):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('django_tasks_database_dbtaskresult')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
            ["visions.documents.pdf_jobs.render_pdf"],
        )
        return cursor.fetchone()[0]


def measure(label, app_dir, env, workshop_id, cookies):
    log = tempfile.NamedTemporaryFile("w+", prefix="pdf_jobs_bench-", suffix=".log", delete=False)
    processes = start(app_dir, env, log)
    try:
        wait_until_up(workshop_id, cookies[1])
        tasks_before = renders_made(workshop_id)
        waits, finished = run_once(workshop_id, cookies)
    finally:
        stop(processes)
    tasks_after = renders_made(workshop_id)
    seconds = sorted(w for w, _status in waits)
    failed = sum(1 for _w, status in waits if status not in (200, 204))
    got = [f for f in finished if f is not None]
    print(f"{label}:")
    print(f"  bystander polls: {len(seconds)}, worst {max(seconds):.2f} s, median {statistics.median(seconds) * 1000:.0f} ms,"
          f" 95th percentile {seconds[int(len(seconds) * 0.95) - 1]:.2f} s, not answered 2xx: {failed}")
    print(f"  clients with the PDF: {len(got)}/{CLIENTS}, the last after {max(got):.1f} s" if got else
          f"  clients with the PDF: 0/{CLIENTS}")
    if tasks_after is not None and tasks_before is not None:
        print(f"  render tasks enqueued: {tasks_after - tasks_before}")
    print(f"  log: {log.name}")
    return max(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=4, help="workshop size (tests/pdf_data.py)")
    parser.add_argument("--before", help="another checkout of the app to compare with")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/pdfjobs_bench")
    os.environ["SECRET_KEY"] = SECRET_KEY  # the sessions made here must be valid in the servers
    create_database(database_url)
    setup_django(database_url)
    workshop_id, cookies = build(args.scale)

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for app_dir in [ROOT] + ([Path(args.before)] if args.before else []):
        if not (Path(app_dir) / "staticfiles").exists():
            subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
                           cwd=app_dir, env=env, check=True)
    print(f"workshop {workshop_id} (scale {args.scale}), {CLIENTS} clients asking for its PDF, "
          f"gunicorn -w 2, {os.cpu_count()} CPUs")
    after = measure("now (PDFs made by the task worker)", ROOT, env, workshop_id, cookies)
    if args.before:
        before = measure(f"before ({args.before}: each request renders)", args.before, env, workshop_id, cookies)
        print(f"bystander's worst wait: {before:.2f} s before, {after:.2f} s now ({before / after:.0f}× shorter)")


if __name__ == "__main__":
    main()
