"""Finding 8 of issue 11: headers and cookies every page carries."""

import json

import pytest
from django.urls import reverse

from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "fc.example.org",
}


def policy(response):
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


def test_finding_8_every_page_carries_a_strict_content_security_policy(client, facilitator_client, workshop):
    for response in (
        client.get(reverse("join")),
        client.get(reverse("login")),
        facilitator_client.get(reverse("workshop_list")),
        facilitator_client.get(reverse("workshop_export_issues_csv", args=[workshop.pk])),
    ):
        csp = policy(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]
        assert csp["base-uri"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_finding_8_pages_with_workshop_content_are_not_cached(client, facilitator_client, workshop):
    for response in (
        facilitator_client.get(reverse("workshop_list")),
        client.get(reverse("join")),
        client.get(reverse("login")),
    ):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control


def test_finding_8_every_cookie_is_secure_httponly_and_same_site_in_production():
    script = (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'session': [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE],"
        "'csrf': [s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE],"
        "'language': [s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE],"
        "'proxy': s.SECURE_PROXY_SSL_HEADER}))"
    )
    result = run_manage("shell", "-v", "0", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    flags = json.loads(result.stdout)
    assert flags["session"] == [True, True, "Lax"]
    assert flags["language"] == [True, True, "Lax"]
    # The CSRF cookie is read by no script (the token travels in hx-headers), Secure and SameSite.
    assert flags["csrf"] == [True, "Lax"]
    assert flags["proxy"] is None


def test_finding_8_the_forwarded_proto_header_is_trusted_only_when_configured():
    script = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    unset = run_manage("shell", "-v", "0", "-c", script, **PRODUCTION)
    assert unset.stdout.strip() == "None"
    configured = run_manage(
        "shell", "-v", "0", "-c", script, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https", **PRODUCTION
    )
    assert configured.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_finding_8_a_client_sent_forwarded_proto_does_not_make_a_request_secure(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    response = client.get(reverse("join"), headers={"x-forwarded-proto": "https"})
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_finding_8_static_files_keep_their_caching(client):
    from django.contrib.staticfiles import finders

    assert finders.find("css/app.css")
    # WhiteNoise answers static files before any app middleware: no private/no-store is added.
    from visions.middleware import PrivatePagesMiddleware
    from django.conf import settings

    assert settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") < settings.MIDDLEWARE.index(
        "visions.middleware.PrivatePagesMiddleware"
    )
    assert PrivatePagesMiddleware


def test_finding_8_a_participants_own_style_carries_the_responses_nonce(client, workshop, participant):
    from tests.conftest import join_as

    join_as(client, participant)
    response = client.get(reverse("workshop_detail", args=[workshop.pk]))
    page = response.content.decode()
    nonce = policy(response)["style-src"][1].strip("'").removeprefix("nonce-")
    assert f'<style nonce="{nonce}">' in page
    assert " style=" not in page


@pytest.mark.browser
def test_finding_8_the_browser_suite_notices_a_csp_violation(browser, live_server):
    from tests import conftest

    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("join"))
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
            " document.body.append(s); }"
        )
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.x") is None
        assert any("Content Security Policy" in v for v in conftest.CSP_VIOLATIONS)
    finally:
        conftest.CSP_VIOLATIONS.clear()  # expected here; any other test fails on one
        context.close()
