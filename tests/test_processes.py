"""Issue 11: two app processes and the task worker on PostgreSQL share their limits and their PDFs.

Starts two gunicorn processes (one worker each) and `manage.py db_worker` with DEBUG off against a
database of its own, and asks them over HTTP as people would. Skipped unless DATABASE_URL is
PostgreSQL; deselect with `-m "not processes"`. Ports: PROCESS_TEST_PORTS (two, comma-separated).
"""

import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
PORTS = [int(p) for p in os.environ.get("PROCESS_TEST_PORTS", "8231,8232").split(",")]
FAILURE_LIMIT = 6  # AXES_FAILURE_LIMIT for these processes
ADDRESS_LIMIT = 12  # JOIN_FAILURES_PER_ADDRESS for these processes

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="needs DATABASE_URL on PostgreSQL"),
]


class Browser:
    """A person's browser over urllib: its own cookies (sent over plain HTTP even when marked Secure)."""

    def __init__(self):
        self.cookies = {}

    def request(self, url, data=None, timeout=60):
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.read().decode("utf-8", "replace")

    def sign_in(self, base, username, password):
        self.request(f"{base}/accounts/login/")
        return self.request(
            f"{base}/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def wait_until_up(base, process, deadline=60):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        assert process.poll() is None, "an app process stopped while starting"
        try:
            urllib.request.urlopen(f"{base}/join/", timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{base} did not answer within {deadline} s")


@pytest.fixture(scope="module")
def servers():
    import psycopg

    parsed = urllib.parse.urlsplit(DATABASE_URL)
    name = f"{parsed.path.lstrip('/') or 'futurecenter'}_processes"
    admin = urllib.parse.urlunsplit(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": urllib.parse.urlunsplit(parsed._replace(path=f"/{name}")),
        "DEBUG": "false",
        "SECRET_KEY": "process-test-secret-key-that-is-long-enough-0123456789abcdefghij",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "AXES_FAILURE_LIMIT": str(FAILURE_LIMIT),
        "JOIN_FAILURES_PER_ADDRESS": str(ADDRESS_LIMIT),
        "CONN_MAX_AGE": "0",
    }
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "load_demo")
    workshop_pk = int(
        manage(env, "shell", "-v", "0", "-c", "from visions.models import Workshop; print(Workshop.objects.get().pk)")
    )
    processes = []
    try:
        for port in PORTS:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "futurecenter.wsgi", "-w", "1", "--threads", "4",
                     "-b", f"127.0.0.1:{port}", "--timeout", "60"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        bases = [f"http://127.0.0.1:{port}" for port in PORTS]
        for base, process in zip(bases, processes):
            wait_until_up(base, process)
        yield {"bases": bases, "env": env, "workshop": workshop_pk}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sign_in_throttling_holds_across_both_processes(servers):
    from visions.demo.loader import DEMO_PASSWORD, DEMO_USERNAME

    first, second = servers["bases"]
    browser = Browser()
    statuses = [
        browser.sign_in((first, second)[n % 2], DEMO_USERNAME, f"wrong {n}")[0] for n in range(FAILURE_LIMIT)
    ]
    assert 429 not in statuses[: FAILURE_LIMIT - 1]
    for base in (first, second):
        status, page = Browser().sign_in(base, DEMO_USERNAME, DEMO_PASSWORD)
        assert status == 429 and 'id="locked-out"' in page
    manage(servers["env"], "axes_reset_username", DEMO_USERNAME)
    assert Browser().sign_in(second, DEMO_USERNAME, DEMO_PASSWORD)[0] == 302


def test_wrong_join_codes_from_one_address_are_bounded_across_both_processes(servers):
    # Each guess from a fresh browser (no cookies): only the address ties them together.
    statuses = [
        Browser().request(f"{servers['bases'][n % 2]}/join/?code=ZZZZZZZZZZ{n:02d}")[0]
        for n in range(ADDRESS_LIMIT + 4)
    ]
    refused = [status for status in statuses if status == 429]
    assert len(statuses) - len(refused) <= ADDRESS_LIMIT
    assert statuses[-1] == 429 and statuses[-2] == 429
    # The limited address types the right code in vain on either process, but the QR link joins on both.
    code, link = manage(
        servers["env"], "shell", "-v", "0", "-c",
        "from django.test import RequestFactory; from visions.models import Workshop;"
        "from visions.workshops.joining import join_link; w = Workshop.objects.get();"
        "print(w.join_code, join_link(RequestFactory().get('/', HTTP_HOST='127.0.0.1'), w))",
    ).split()  # fmt: skip
    path = urllib.parse.urlsplit(link)
    for n, base in enumerate(servers["bases"]):
        assert Browser().request(f"{base}/join/?code={code}")[0] == 429
        phone = Browser()
        status, page = phone.request(f"{base}{path.path}?{path.query}")
        assert status == 200 and 'name="pass"' in page
        form = {
            "csrfmiddlewaretoken": phone.cookies["csrftoken"],
            "code": code,
            "display_name": f"Scanner {n}",
            "sector": "citizen",
            "pass": urllib.parse.parse_qs(path.query)["pass"][0],
        }
        assert phone.request(f"{base}/join/", form)[0] == 302


def test_a_pdf_asked_for_by_8_at_once_is_made_once_while_a_bystander_is_answered(servers):
    from visions.demo.loader import DEMO_PASSWORD, DEMO_USERNAME

    first, second = servers["bases"]
    url = f"/workshops/{servers['workshop']}/export.pdf"
    askers = []
    for _ in range(8):
        browser = Browser()
        assert browser.sign_in(first, DEMO_USERNAME, DEMO_PASSWORD)[0] == 302
        askers.append(browser)
    bystander = Browser()
    assert bystander.sign_in(second, DEMO_USERNAME, DEMO_PASSWORD)[0] == 302

    answers = []
    threads = [threading.Thread(target=lambda b=b: answers.append(b.request(first + url)[0])) for b in askers]
    for thread in threads:
        thread.start()
    waits = []
    started = time.monotonic()
    ready = False
    while time.monotonic() - started < 90:
        before = time.monotonic()
        status, _page = bystander.request(f"{second}/workshops/{servers['workshop']}/", timeout=30)
        waits.append(time.monotonic() - before)
        assert status == 200
        status, body = askers[0].request(first + url, timeout=30)
        if status == 200 and not re.search(r"<html", body[:500], re.I):
            ready = True
            break
        time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=30)
    assert ready, "the PDF was not made within 90 s"
    assert sorted(answers) == [200] * 8
    renders = manage(
        servers["env"], "shell", "-v", "0", "-c",
        "from visions.models import PdfRender; from django_tasks_db.models import DBTaskResult;"
        "print(PdfRender.objects.count(), DBTaskResult.objects.count())",
    ).split()  # fmt: skip
    assert renders == ["1", "1"]
    print(f"\nbystander's worst wait during 8 PDF requests: {max(waits) * 1000:.0f} ms over {len(waits)} requests")
