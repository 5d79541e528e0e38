import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_offers_the_join_page_to_participants(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert reverse("join") in response.content.decode()


def test_facilitator_signs_in_and_lands_on_their_workshops(client):
    UserFactory(username="aiko")
    response = client.post(reverse("login"), {"username": "aiko", "password": "correct horse battery"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop_list")
    assert client.get(reverse("workshop_list")).status_code == 200


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="aiko")
    response = client.post(reverse("login"), {"username": "aiko", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_log_out_is_a_post(facilitator_client):
    assert facilitator_client.get(reverse("logout")).status_code == 405
    response = facilitator_client.post(reverse("logout"))
    assert response.status_code == 302
    assert facilitator_client.get(reverse("workshop_list")).status_code == 302


def test_change_password(facilitator_client, facilitator):
    page = facilitator_client.get(reverse("password_change"))
    assert page.status_code == 200
    response = facilitator_client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )
    assert response.status_code == 302
    assert facilitator_client.get(response["Location"]).status_code == 200
    facilitator.refresh_from_db()
    assert facilitator.check_password("a much longer passphrase 42")


def test_change_password_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_createsuperuser_makes_an_account_that_can_sign_in(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "operator passphrase 77")
    call_command(
        "createsuperuser", interactive=False, username="operator", email="op@example.org", verbosity=0
    )
    assert get_user_model().objects.get(username="operator").is_superuser
    assert client.login(username="operator", password="operator passphrase 77")


def test_home_sends_anonymous_visitors_to_the_join_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("join")


def test_home_sends_a_facilitator_to_their_workshops(facilitator_client):
    response = facilitator_client.get(reverse("home"))
    assert response["Location"] == reverse("workshop_list")


def test_home_is_get_only(client):
    assert client.post(reverse("home")).status_code == 405


def test_not_found_page_points_to_join_and_sign_in(client):
    response = client.get("/workshops/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert reverse("join") in body
    assert reverse("login") in body
