"""The public page: a revocable, unguessable share link to a read-only page without participant names."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from visions.demo.loader import build_demo_workshop
from visions.models import Activity, Participant, PublicLink, Target, Vision, public_token_hash
from tests.conftest import join_as
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_left_as_found():
    """A request leaves its language active in the thread; later test modules expect the default."""
    before = translation.get_language()
    yield
    translation.activate(before)


@pytest.fixture
def demo(facilitator):
    return build_demo_workshop(facilitator)


def make_link(client, workshop):
    """The facilitator makes a link; the page after it shows the link once. Returns (response, path)."""
    response = client.post(reverse("public_link_create", args=[workshop.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("public_links", args=[workshop.pk])
    page = client.get(response["Location"]).content.decode()
    url = re.search(r'class="share-link" dir="ltr">([^<]+)<', page).group(1)
    return page, url.split("testserver", 1)[1]


def anonymous():
    return Client(headers={"accept-language": "en"})


def test_the_link_is_shown_once_and_only_its_hash_is_kept(facilitator_client, demo):
    page, path = make_link(facilitator_client, demo)
    token = path.strip("/").split("/")[-1]
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    link = PublicLink.objects.get(workshop=demo)
    assert link.token_hash == public_token_hash(token) and token not in link.token_hash
    again = facilitator_client.get(reverse("public_links", args=[demo.pk])).content.decode()
    assert token not in again and "Link " in again and "open" in again
    activity = Activity.objects.get(workshop=demo, subject_type="publiclink", verb="created")
    assert token not in activity.summary and token not in str(activity.changes)


def test_anyone_with_the_link_reads_the_vision_targets_roadmap_adequacy_and_progress(facilitator_client, demo):
    _page, path = make_link(facilitator_client, demo)
    response = anonymous().get(path)
    body = response.content.decode()
    assert response.status_code == 200
    vision = Vision.objects.get(workshop=demo, status="adopted")
    assert vision.statement.splitlines()[0] in body
    for target in Target.objects.filter(workshop=demo):
        assert target.indicator in body
    timeline = body.split('<div class="timeline-wrap">')[1].split("</div>")[0]
    assert timeline.startswith("<svg") and 'data-role="bars"' in timeline
    assert 'id="adequacy"' in body and "Does the roadmap close the gaps?" in body
    assert 'data-testid="progress-overall"' in body
    assert "<form" not in body.split('<main id="main"')[1]  # read-only: nothing to submit


def test_it_never_names_a_participant(facilitator_client, demo):
    _page, path = make_link(facilitator_client, demo)
    body = anonymous().get(path).content.decode()
    names = list(Participant.objects.filter(workshop=demo).values_list("display_name", flat=True))
    assert len(names) >= 5
    assert [name for name in names if name in body] == []
    assert "demo" not in body.lower().split('<main id="main"')[1]  # nor the facilitator's account


def test_it_asks_not_to_be_indexed(facilitator_client, demo):
    _page, path = make_link(facilitator_client, demo)
    response = anonymous().get(path)
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in response.content.decode()


def test_a_revoked_link_says_so_and_an_unknown_one_is_not_found(facilitator_client, demo):
    _page, path = make_link(facilitator_client, demo)
    link = PublicLink.objects.get(workshop=demo)
    response = facilitator_client.post(reverse("public_link_revoke", args=[demo.pk, link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    revoked = anonymous().get(path)
    assert revoked.status_code == 410 and "This link was revoked" in revoked.content.decode()
    assert "noindex" in revoked["X-Robots-Tag"]
    assert anonymous().get(reverse("public_page", args=["x" * 43])).status_code == 404
    assert Activity.objects.filter(workshop=demo, subject_type="publiclink", verb="revoked").count() == 1
    facilitator_client.post(reverse("public_link_revoke", args=[demo.pk, link.pk]))  # again: nothing new
    assert Activity.objects.filter(workshop=demo, subject_type="publiclink", verb="revoked").count() == 1


def test_the_link_opens_nothing_else_of_the_workshop(facilitator_client, demo):
    _page, path = make_link(facilitator_client, demo)
    visitor = anonymous()
    assert visitor.get(path).status_code == 200
    for name in ("workshop_detail", "series", "roadmap", "workshop_export_json", "public_links"):
        assert visitor.get(reverse(name, args=[demo.pk])).status_code == 404, name
    assert visitor.post(path).status_code == 405


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_participants_and_observers_cannot_make_or_revoke_links(client, facilitator_client, demo, role):
    make_link(facilitator_client, demo)
    link = PublicLink.objects.get(workshop=demo)
    other = anonymous()
    join_as(other, ParticipantFactory(workshop=demo, role=role))
    assert other.get(reverse("public_links", args=[demo.pk])).status_code == 403
    assert other.post(reverse("public_link_create", args=[demo.pk])).status_code == 403
    assert other.post(reverse("public_link_revoke", args=[demo.pk, link.pk])).status_code == 403
    assert PublicLink.objects.filter(workshop=demo).count() == 1 and PublicLink.objects.get().revoked_at is None


def test_strangers_anonymous_wrong_method_and_locked(facilitator_client, demo):
    visitor = anonymous()
    assert visitor.post(reverse("public_link_create", args=[demo.pk])).status_code == 404
    visitor.force_login(UserFactory())
    assert visitor.get(reverse("public_links", args=[demo.pk])).status_code == 404
    assert visitor.post(reverse("public_link_create", args=[demo.pk])).status_code == 404
    assert facilitator_client.get(reverse("public_link_create", args=[demo.pk])).status_code == 405
    demo.locked = True
    demo.save()
    make_link(facilitator_client, demo)  # the lock holds participants, not the facilitator
    assert not PublicLink.objects.exclude(workshop=demo).exists()


def test_another_workshops_link_cannot_be_revoked_from_here(facilitator_client, facilitator, demo):
    other = build_demo_workshop(facilitator)
    make_link(facilitator_client, other)
    link = PublicLink.objects.get(workshop=other)
    assert facilitator_client.post(reverse("public_link_revoke", args=[demo.pk, link.pk])).status_code == 404


def test_the_public_page_in_japanese(facilitator_client, demo):
    _page, path = make_link(facilitator_client, demo)
    body = Client(headers={"accept-language": "ja"}).get(path).content.decode()
    assert "読むだけの公開ページ" in body and "ロードマップのタイムライン" in body
