"""Finding 7 of issue 11: sign-in is throttled per username and address (django-axes, in the database)."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_finding_7_sign_in_is_throttled_169_wrong_passwords_lock_the_account_out(client, settings):
    UserFactory(username="aiko")
    statuses = [sign_in(client, "aiko", f"guess {n}").status_code for n in range(169)]

    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, "did not match"
    assert set(statuses[limit:]) == {429}
    locked = sign_in(client, "aiko", PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'id="locked-out"' in page and "Too many wrong passwords" in page
    assert "axes_reset_username" in page
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(client, settings):
    UserFactory(username="aiko")
    UserFactory(username="ben")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "aiko", f"guess {n}")
    assert sign_in(client, "aiko", PASSWORD).status_code == 429
    # The same account from another address, and another account from the same address, still sign in.
    assert sign_in(client, "aiko", PASSWORD, address="198.51.100.9").status_code == 302
    client.logout()
    assert sign_in(client, "ben", PASSWORD).status_code == 302


def test_the_lockout_page_is_in_japanese_for_a_japanese_browser(client, settings):
    UserFactory(username="aiko")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "aiko", f"guess {n}")
    response = client.post(
        reverse("login"), {"username": "aiko", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7",
        headers={"accept-language": "ja"},
    )
    assert response.status_code == 429
    assert "サインイン" in response.content.decode()


def test_a_facilitator_unlocks_with_axes_reset_username(client, settings):
    UserFactory(username="aiko")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "aiko", f"guess {n}")
    assert sign_in(client, "aiko", PASSWORD).status_code == 429

    call_command("axes_reset_username", "aiko", verbosity=0)

    assert not AccessAttempt.objects.filter(username="aiko").exists()
    assert sign_in(client, "aiko", PASSWORD).status_code == 302


def test_the_admin_lists_the_locked_out_attempts_for_unlocking(client, settings):
    UserFactory(username="aiko")
    admin = UserFactory(username="operator", is_staff=True, is_superuser=True)
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "aiko", f"guess {n}")
    client.force_login(admin)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert "aiko" in page.content.decode()
