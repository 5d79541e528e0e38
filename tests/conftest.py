import os

import pytest

from tests.factories import ParticipantFactory, UserFactory, WorkshopFactory

# Live-server browser tests run Django's ORM from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


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


@pytest.fixture
def client():
    """A test client that, like every browser, says which language it reads (English).

    Without it, pages would fall back to the workshop's language (Japanese in the factories).
    """
    from django.test import Client

    return Client(headers={"accept-language": "en"})


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
