import os

import pytest

from tests.factories import ParticipantFactory, UserFactory, WorkshopFactory

# Live-server browser tests run Django's ORM from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

# Every browser context the tests open reports Content-Security-Policy violations; a test during
# which any fires fails (see csp_violations_fail_the_test). The init script runs outside the page's
# policy, so it needs no inline-script allowance.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("Content Security Policy violation: " + e.violatedDirective + " blocked "
    + (e.blockedURI || "inline") + " at " + (e.sourceFile || document.location.href) + ":" + e.lineNumber);
});
"""
CSP_VIOLATIONS = []


def _install_csp_listener():
    """Every context Playwright opens (browser.new_context, browser.new_page, the page fixture)."""
    from playwright._impl.browser import Browser

    if getattr(Browser, "_csp_listener", False):
        return
    inner_new_context = Browser._inner_new_context

    async def inner_new_context_listening(self, *args, **kwargs):
        context = await inner_new_context(self, *args, **kwargs)
        await context.add_init_script(script=CSP_LISTENER, path=None)

        def on_page(page):
            page.on(
                "console",
                lambda message: CSP_VIOLATIONS.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None,
            )

        context.on("page", on_page)
        return context

    Browser._inner_new_context = inner_new_context_listening
    Browser._csp_listener = True


_install_csp_listener()


@pytest.fixture(autouse=True)
def csp_violations_fail_the_test():
    """A page that breaks its Content-Security-Policy (blocked script, style or image) fails the test."""
    CSP_VIOLATIONS.clear()
    yield
    violations, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def _sign_in_client():
    from django.http import HttpRequest
    from django.test import Client

    class SignInClient(Client):
        """client.login() as the sign-in page does it: with a request, which django-axes needs to count."""

        def login(self, **credentials):
            if "request" not in credentials:
                request = HttpRequest()
                request.META["REMOTE_ADDR"] = "127.0.0.1"
                credentials["request"] = request
            return super().login(**credentials)

    return SignInClient


@pytest.fixture
def client():
    """A test client that, like every browser, says which language it reads (English).

    Without it, pages would fall back to the workshop's language (Japanese in the factories).
    """
    SignInClient = _sign_in_client()
    return SignInClient(headers={"accept-language": "en"})


@pytest.fixture
def facilitator(db):
    return UserFactory(username="fac")


@pytest.fixture
def workshop(facilitator):
    return WorkshopFactory(facilitators=[facilitator])


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def participant(workshop):
    return ParticipantFactory(workshop=workshop)


def join_as(client, participant):
    """Make `client`'s session belong to `participant`, as joining does."""
    from visions.live.access import remember_participant

    session = client.session
    remember_participant(session, participant)
    session.save()
    return client
