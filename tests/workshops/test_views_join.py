import pytest
from django.test import Client
from django.urls import reverse

from visions.live.access import SESSION_KEY
from visions.models import Activity, JoinFailure, Participant, Role, Stakeholder

from tests.conftest import join_as
from tests.factories import StakeholderFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def details(code, **extra):
    return {"code": code, "display_name": "Aiko", "sector": "academia", "discipline": "gerontology", **extra}


def joined_participant(client, workshop):
    return Participant.objects.get(pk=client.session[SESSION_KEY][str(workshop.pk)])


def test_join_page_shows_the_form(client):
    response = client.get(reverse("join"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_joining_creates_a_participant_and_lands_on_the_live_workshop(client, workshop):
    response = client.post(reverse("join"), details(workshop.join_code))
    assert response.status_code == 302
    assert response["Location"] == reverse("live_workshop", args=[workshop.pk])
    participant = joined_participant(client, workshop)
    assert (participant.display_name, participant.sector, participant.discipline, participant.role) == (
        "Aiko",
        "academia",
        "gerontology",
        Role.PARTICIPANT,
    )
    assert participant.user is None
    assert Activity.objects.filter(workshop=workshop, verb="joined", actor_participant=participant).exists()
    assert client.get(response["Location"], follow=True).status_code == 200


@pytest.mark.parametrize(
    "typed",
    ["{lower}", "{grouped}", "{grouped_lower}", " {spaced} "],
    ids=["lower", "dash", "dash-lower", "spaces"],
)
def test_codes_are_typed_in_any_case_with_or_without_separators(client, workshop, typed):
    code = workshop.join_code
    typed = typed.format(
        lower=code.lower(),
        grouped=f"{code[:5]}-{code[5:]}",
        grouped_lower=f"{code[:5]}-{code[5:]}".lower(),
        spaced=f"{code[:5]} {code[5:]}",
    )
    response = client.post(reverse("join"), details(typed))
    assert response.status_code == 302
    assert joined_participant(client, workshop).display_name == "Aiko"


def test_a_code_read_with_o_for_zero_still_works(client):
    workshop = WorkshopFactory(join_code="0123456789")
    response = client.post(reverse("join"), details("o1234-56789"))
    assert response.status_code == 302
    assert joined_participant(client, workshop)


def test_a_wrong_code_is_a_form_error_and_counts_as_a_failure(client, workshop):
    response = client.post(reverse("join"), details("ZZZZZ-ZZZZZ"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not Participant.objects.exists()
    assert list(JoinFailure.objects.values_list("client", flat=True)) == ["a:203.0.113.9"]  # the address


def test_other_mistakes_do_not_count_as_failures(client, workshop):
    response = client.post(reverse("join"), {**details(workshop.join_code), "display_name": ""})
    assert response.context["form"].errors["display_name"]
    assert not JoinFailure.objects.exists()
    assert not Participant.objects.exists()


def test_the_join_link_prefills_the_code_and_lists_the_organisations(client, workshop):
    StakeholderFactory(workshop=workshop, name="Prefectural government")
    response = client.get(reverse("join"), {"code": workshop.join_code.lower()})
    body = response.content.decode()
    assert workshop.display_join_code in body
    assert "Prefectural government" in body
    assert workshop.title in body


def test_looking_up_a_wrong_code_from_the_link_counts_as_a_failure(client):
    response = client.get(reverse("join"), {"code": "ZZZZZZZZZZ"})
    assert "No workshop has this code" in response.content.decode()
    assert JoinFailure.objects.count() == 1


def test_htmx_lookup_answers_only_the_code_dependent_regions(client, workshop):
    StakeholderFactory(workshop=workshop, name="Prefectural government")
    response = client.get(reverse("join"), {"code": workshop.join_code}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="code-status"' in body
    assert 'id="organisation" hx-swap-oob="true"' in body
    assert "Prefectural government" in body
    assert workshop.title in body
    assert "<html" not in body
    assert 'name="display_name"' not in body


def test_a_room_where_many_people_mistype_once_can_still_all_join(workshop):
    for person in range(20):
        browser = Client(REMOTE_ADDR="192.0.2.1")
        assert browser.post(reverse("join"), details("WRONG-CODE1")).status_code == 200
        response = browser.post(reverse("join"), details(workshop.join_code, display_name=f"P{person}"))
        assert response.status_code == 302, person
    assert Participant.objects.filter(workshop=workshop).count() == 20


def test_an_address_guessing_without_cookies_hits_the_address_ceiling(workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 5
    for _attempt in range(5):
        assert Client(REMOTE_ADDR="198.51.100.66").post(reverse("join"), details("WRONG-CODE1")).status_code == 200
    response = Client(REMOTE_ADDR="198.51.100.66").post(reverse("join"), details(workshop.join_code))
    assert response.status_code == 429


def test_behind_a_proxy_failures_count_per_forwarded_client(client, workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 2
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _attempt in range(2):
        client.post(reverse("join"), details("WRONG-CODE1"), HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    fresh = Client().post(
        reverse("join"), details(workshop.join_code), HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy
    )
    assert fresh.status_code == 429
    # Someone at another address, behind the same proxy, still joins.
    other = Client().post(
        reverse("join"), details(workshop.join_code), HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.10", **proxy
    )
    assert other.status_code == 302


def test_an_ipv6_client_counts_as_its_whole_64_network(workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 3
    for host in range(3):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{host + 1}").post(reverse("join"), details("WRONG-CODE1"))
    assert set(JoinFailure.objects.values_list("client", flat=True)) == {"a:2001:db8:1:2::/64"}
    same_network = Client(REMOTE_ADDR="2001:db8:1:2:ffff::9").post(reverse("join"), details("WRONG-CODE1"))
    assert same_network.status_code == 429
    next_network = Client(REMOTE_ADDR="2001:db8:1:3::1").post(reverse("join"), details(workshop.join_code))
    assert next_network.status_code == 302


def test_failures_older_than_the_window_do_not_count_and_are_cleared(client, workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 2
    for _attempt in range(2):
        client.post(reverse("join"), details("WRONG-CODE1"))
    JoinFailure.objects.update(created_at="2000-01-01T00:00:00Z")
    response = client.post(reverse("join"), details("WRONG-CODE2"))
    assert response.status_code == 200
    assert JoinFailure.objects.count() == 1  # the new failure


def test_a_room_of_sixty_behind_one_address_can_all_join(workshop):
    for person in range(60):
        response = Client(REMOTE_ADDR="192.0.2.1").post(
            reverse("join"), details(workshop.join_code, display_name=f"Person {person}")
        )
        assert response.status_code == 302, person
    assert Participant.objects.filter(workshop=workshop).count() == 60
    assert not JoinFailure.objects.exists()


def test_a_rotated_code_no_longer_joins(client, workshop):
    old = workshop.join_code
    workshop.rotate_join_code()
    response = client.post(reverse("join"), details(old))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.post(reverse("join"), details(workshop.join_code)).status_code == 302


def test_joining_again_from_the_same_session_does_not_duplicate(client, workshop):
    client.post(reverse("join"), details(workshop.join_code))
    response = client.post(reverse("join"), details(workshop.join_code, display_name="Aiko again"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "You have already joined this workshop as" in body
    assert reverse("workshop_detail", args=[workshop.pk]) in body
    assert Participant.objects.filter(workshop=workshop).count() == 1


def test_the_join_link_also_recognises_a_returning_participant(client, participant, workshop):
    join_as(client, participant)
    body = client.get(reverse("join"), {"code": workshop.join_code}).content.decode()
    assert f"<strong><bdi>{participant.display_name}</bdi></strong>" in body


def test_one_session_can_join_two_workshops(client, workshop):
    other = WorkshopFactory()
    assert client.post(reverse("join"), details(workshop.join_code)).status_code == 302
    assert client.post(reverse("join"), details(other.join_code)).status_code == 302
    assert client.get(reverse("workshop_detail", args=[workshop.pk])).status_code == 200
    assert client.get(reverse("workshop_detail", args=[other.pk])).status_code == 200


def test_choosing_an_existing_organisation(client, workshop):
    university = StakeholderFactory(workshop=workshop, name="Tokushima University", sector="academia")
    client.post(reverse("join"), details(workshop.join_code, stakeholder=university.pk))
    assert joined_participant(client, workshop).stakeholder == university
    assert Stakeholder.objects.count() == 1


def test_an_organisation_of_another_workshop_cannot_be_chosen(client, workshop):
    elsewhere = StakeholderFactory(name="Elsewhere Inc.")
    response = client.post(reverse("join"), details(workshop.join_code, stakeholder=elsewhere.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["stakeholder"]
    assert not Participant.objects.exists()


def test_typing_a_new_organisation_creates_it_with_the_participants_sector(client, workshop):
    client.post(reverse("join"), details(workshop.join_code, sector="citizen", new_organisation=" Awa NPO "))
    participant = joined_participant(client, workshop)
    assert participant.stakeholder.name == "Awa NPO"
    assert participant.stakeholder.sector == "citizen"
    assert participant.stakeholder.workshop == workshop


def test_a_new_organisation_is_recorded_so_open_pages_show_it(client, workshop):
    from visions.models import Activity

    client.post(reverse("join"), details(workshop.join_code, new_organisation="Awa NPO"))
    organisation = joined_participant(client, workshop).stakeholder
    recorded = Activity.objects.filter(workshop=workshop).values_list("verb", "subject_type", "subject_id")
    assert ("created", "stakeholder", organisation.pk) in set(recorded)


def test_typing_the_name_of_an_existing_organisation_reuses_it(client, workshop):
    npo = StakeholderFactory(workshop=workshop, name="Awa NPO", sector="citizen")
    client.post(reverse("join"), details(workshop.join_code, new_organisation="awa npo"))
    assert joined_participant(client, workshop).stakeholder == npo
    assert Stakeholder.objects.count() == 1


def test_choosing_and_typing_an_organisation_at_once_is_refused(client, workshop):
    npo = StakeholderFactory(workshop=workshop, name="Awa NPO")
    response = client.post(
        reverse("join"), details(workshop.join_code, stakeholder=npo.pk, new_organisation="Other")
    )
    assert response.context["form"].errors["new_organisation"]
    assert not Participant.objects.exists()


def test_i_only_want_to_watch_joins_as_observer(client, workshop):
    client.post(reverse("join"), details(workshop.join_code, observer="on"))
    assert joined_participant(client, workshop).role == Role.OBSERVER


def test_join_refuses_other_methods(client):
    assert client.put(reverse("join")).status_code == 405


def test_watching_needs_no_sector(client, workshop):
    response = client.post(reverse("join"), details(workshop.join_code, sector="", observer="on"))
    assert response.status_code == 302
    participant = joined_participant(client, workshop)
    assert (participant.role, participant.sector) == (Role.OBSERVER, "")


def test_a_participant_still_names_their_sector(client, workshop):
    response = client.post(reverse("join"), details(workshop.join_code, sector=""))
    assert response.status_code == 200
    assert "Choose the sector you speak for" in response.content.decode()
    assert not Participant.objects.filter(workshop=workshop).exists()


def test_a_new_organisation_needs_a_sector_even_from_an_observer(client, workshop):
    data = details(workshop.join_code, sector="", observer="on", new_organisation="Mirai Times")
    response = client.post(reverse("join"), data)
    assert response.status_code == 200
    assert "Choose the sector of the new organisation." in response.content.decode()


def test_the_qr_link_fills_in_the_code(client, workshop):
    content = client.get(reverse("join"), {"code": workshop.join_code}).content.decode()
    assert f'value="{workshop.display_join_code}"' in content
    assert workshop.title in content


def test_a_returning_participant_continues_in_the_live_workshop(client, participant, workshop):
    join_as(client, participant)
    content = client.get(reverse("join"), {"code": workshop.join_code}).content.decode()
    assert f'href="{reverse("live_workshop", args=[workshop.pk])}"' in content


def test_home_lists_the_workshops_this_browser_joined(client, workshop):
    other = WorkshopFactory(title="Coastal town 2045")
    client.post(reverse("join"), details(workshop.join_code))
    client.post(reverse("join"), details(other.join_code, display_name="Aiko K."))
    content = client.get(reverse("home")).content.decode()
    assert "Continue in <bdi>Coastal town 2045</bdi> as <bdi>Aiko K.</bdi>" in content
    assert f"Continue in <bdi>{workshop.title}</bdi> as <bdi>Aiko</bdi>" in content
    assert f'href="{reverse("live_workshop", args=[other.pk])}"' in content


def test_home_lists_a_facilitators_own_workshops(facilitator_client, workshop):
    content = facilitator_client.get(reverse("home")).content.decode()
    assert workshop.title in content
    assert reverse("console", args=[workshop.pk]) in content


def test_home_does_not_list_a_workshop_the_person_was_removed_from(client, workshop):
    client.post(reverse("join"), details(workshop.join_code))
    Participant.objects.filter(workshop=workshop).delete()
    assert client.get(reverse("home"))["Location"] == reverse("join")
