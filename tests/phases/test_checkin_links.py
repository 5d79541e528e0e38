"""Check-ins without accounts: update links per owner organisation, and check-in rounds.

Per view: the facilitator, a participant, an observer, a stranger and anonymous visitors;
an update link of another organisation (404), a revoked and an expired link (a clear page),
wrong methods, and a locked workshop.
"""

import datetime
import hashlib
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionFactory, AssessmentFactory, StakeholderFactory, TargetFactory, VisionFactory
from tests.live.test_live_support import english_client, make_room, poll, poll_url_of, url
from visions.models import Action, Activity, Assessment, CheckInRound, Issue, UpdateLink, update_link_hash

pytestmark = pytest.mark.django_db

SECRET_IN_PAGE = re.compile(r"/u/([A-Za-z0-9_-]+)/")


@pytest.fixture
def room():
    """A workshop after the roadmap: two owner organisations, each with an action, and one target."""
    room = make_room(phase="export")
    workshop = room.workshop
    room.bank = StakeholderFactory(workshop=workshop, name="Tokushima Bank", sector="industry")
    room.coop = StakeholderFactory(workshop=workshop, name="Awa Cooperative", sector="citizen")
    room.bank_action = ActionFactory(workshop=workshop, title="Community care hubs", progress=10)
    room.bank_action.owners.add(room.bank)
    room.coop_action = ActionFactory(workshop=workshop, title="Farm shuttle", progress=20)
    room.coop_action.owners.add(room.coop)
    vision = VisionFactory(workshop=workshop, status="adopted")
    room.target = TargetFactory(workshop=workshop, vision=vision, indicator="Elderly who reach a clinic")
    return room


def make_link(room, stakeholder=None, **data):
    """The facilitator makes a link; returns (link, secret read off the page that shows it once)."""
    stakeholder = stakeholder or room.bank
    response = room.facilitator.post(
        url("followup_link_create", room.workshop), {"stakeholder": stakeholder.pk, "days": 90, **data}
    )
    assert response.status_code == 200
    secret = SECRET_IN_PAGE.search(response.content.decode()).group(1)
    return UpdateLink.objects.get(token_hash=update_link_hash(secret)), secret


def page(secret):
    return reverse("update_link", args=[secret])


def progress_url(secret, action):
    return reverse("update_link_progress", args=[secret, action.pk])


def assessment_url(secret, target):
    return reverse("update_link_assessment", args=[secret, target.pk])


def progress_data(action, **overrides):
    return {"status": "in_progress", "progress": 45, "note": "Two hubs opened.", "version": action.version, **overrides}


def assessment_data(**overrides):
    return {"value": 61, "as_of": "2027-03-31", "source": "Prefecture survey 2027", "note": "", "form_key": "", **overrides}


# --- making links: stored as a hash only, shown once ------------------------------------------


def test_a_link_has_256_random_bits_and_only_its_hash_is_stored(room):
    link, secret = make_link(room)

    assert len(secret) == 43  # token_urlsafe(32): 32 random bytes
    assert link.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(value) for value in UpdateLink.objects.values_list().get(pk=link.pk)]
    assert not any(secret in value for value in stored)
    history = Activity.objects.filter(workshop=room.workshop)
    assert not any(secret in f"{row.summary}{row.changes}" for row in history)
    created = history.get(subject_type="updatelink", verb="created")
    assert created.summary == "Tokushima Bank" and created.actor_user_id is not None
    assert link.expires_at.date() == (timezone.now() + datetime.timedelta(days=90)).date()


def test_the_link_is_shown_once_and_never_again(room):
    _link, secret = make_link(room)

    listing = room.facilitator.get(url("followup_links", room.workshop))
    assert listing.status_code == 200
    assert "Tokushima Bank" in listing.content.decode() and secret not in listing.content.decode()


def test_the_shown_page_has_the_qr_code_and_the_letter_prints_it(room):
    link, secret = make_link(room)

    letter = room.facilitator.post(url("followup_link_letter", room.workshop, link.pk), {"secret": secret})
    assert letter.status_code == 200
    text = letter.content.decode()
    assert f"/u/{secret}/" in text and "<svg" in text and "Tokushima Bank" in text
    wrong = room.facilitator.post(url("followup_link_letter", room.workshop, link.pk), {"secret": "x" * 43})
    assert wrong.status_code == 404


def test_the_expiry_is_the_facilitators_choice_within_bounds(room):
    link, _secret = make_link(room, days=7)
    assert (link.expires_at - link.created_at).days == 7
    for days in (0, 731, "soon"):
        response = room.facilitator.post(
            url("followup_link_create", room.workshop), {"stakeholder": room.bank.pk, "days": days}
        )
        assert response.status_code == 422 and b"error-summary" in response.content
    assert UpdateLink.objects.count() == 1


def test_an_organisation_of_another_workshop_cannot_get_a_link(room):
    elsewhere = StakeholderFactory(name="Elsewhere Inc.")
    response = room.facilitator.post(
        url("followup_link_create", room.workshop), {"stakeholder": elsewhere.pk, "days": 90}
    )
    assert response.status_code == 422 and not UpdateLink.objects.exists()


def test_the_link_is_emailed_at_creation_and_from_the_shown_page(room):
    link, secret = make_link(room, email="rep@bank.example")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rep@bank.example"] and f"/u/{secret}/" in mail.outbox[0].body
    response = room.facilitator.post(
        url("followup_link_email", room.workshop, link.pk), {"secret": secret, "email": "deputy@bank.example"}
    )
    assert response.status_code == 200 and b"deputy@bank.example" in response.content
    assert mail.outbox[1].to == ["deputy@bank.example"]
    forged = room.facilitator.post(
        url("followup_link_email", room.workshop, link.pk), {"secret": "y" * 43, "email": "x@example.org"}
    )
    assert forged.status_code == 404 and len(mail.outbox) == 2


@pytest.mark.parametrize("who, status", [("participant", 403), ("observer", 403), ("stranger", 404), ("outsider", 404), ("anonymous", 404)])
def test_only_the_facilitator_manages_links(room, who, status):
    client = room.as_(who)
    assert client.get(url("followup_links", room.workshop)).status_code == status
    made = client.post(url("followup_link_create", room.workshop), {"stakeholder": room.bank.pk, "days": 90})
    assert made.status_code == status
    assert client.post(url("checkin_round_open", room.workshop), {"message": ""}).status_code == status
    assert not UpdateLink.objects.exists() and not CheckInRound.objects.exists()


def test_wrong_methods_are_refused(room):
    link, secret = make_link(room)
    facilitator = room.facilitator
    assert facilitator.get(url("followup_link_create", room.workshop)).status_code == 405
    assert facilitator.get(url("followup_link_revoke", room.workshop, link.pk)).status_code == 405
    assert facilitator.get(url("followup_link_letter", room.workshop, link.pk)).status_code == 405
    assert facilitator.get(url("checkin_round_open", room.workshop)).status_code == 405
    assert facilitator.post(url("followup_links", room.workshop)).status_code == 405
    assert Client().get(progress_url(secret, room.bank_action)).status_code == 405
    assert Client().post(page(secret)).status_code == 405


# --- the representative's page ----------------------------------------------------------------


def test_the_representative_sees_their_own_actions_and_the_targets(room):
    _link, secret = make_link(room)

    response = english_client().get(page(secret))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Community care hubs" in text and "Farm shuttle" not in text
    assert "Elderly who reach a clinic" in text
    assert response["X-Robots-Tag"].startswith("noindex") and response["Referrer-Policy"] == "same-origin"
    assert UpdateLink.objects.get().last_used_at is None  # opening is not a change


def test_a_representative_updates_progress_with_a_note(room):
    _link, secret = make_link(room)
    action = room.bank_action
    client = english_client()

    response = client.post(progress_url(secret, action), progress_data(action))

    assert response.status_code == 302 and response["Location"].endswith(f"#action-{action.pk}")
    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == ("in_progress", 45, 2)
    entry = Activity.objects.filter(subject_type="action", verb="progress").get()
    assert entry.actor_name == "through the update link of Tokushima Bank"
    assert entry.changes["note"] == "Two hubs opened." and entry.changes["progress"] == [10, 45]
    assert entry.actor_participant_id is None and entry.actor_user_id is None
    assert UpdateLink.objects.get().last_used_at is not None


def test_another_organisations_action_is_not_found(room):
    _link, secret = make_link(room)
    theirs = room.coop_action
    elsewhere = ActionFactory(title="Another workshop's action")

    assert english_client().post(progress_url(secret, theirs), progress_data(theirs)).status_code == 404
    assert english_client().post(progress_url(secret, elsewhere), progress_data(elsewhere)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.progress == 20 and not Activity.objects.filter(verb="progress").exists()


def test_a_stale_version_saves_nothing_and_says_so(room):
    _link, secret = make_link(room)
    action = room.bank_action
    Action.objects.filter(pk=action.pk).update(progress=30, version=2)

    response = english_client().post(progress_url(secret, action), progress_data(action, version=1))

    assert response.status_code == 409 and "it is now" in response.content.decode()
    action.refresh_from_db()
    assert (action.progress, action.version) == (30, 2)


def test_progress_and_note_are_bounded(room):
    _link, secret = make_link(room)
    action = room.bank_action
    for bad in ({"progress": 101}, {"progress": -1}, {"status": "paused"}, {"note": "x" * 501}):
        response = english_client().post(progress_url(secret, action), progress_data(action, **bad))
        assert response.status_code == 422 and b"error-summary" in response.content
    action.refresh_from_db()
    assert action.progress == 10


def test_a_representative_adds_an_assessment(room):
    _link, secret = make_link(room)

    response = english_client().post(assessment_url(secret, room.target), assessment_data())

    assert response.status_code == 302
    assessment = Assessment.objects.get(target=room.target)
    assert (assessment.value, assessment.source, assessment.author_id) == (61, "Prefecture survey 2027", None)
    entry = Activity.objects.get(subject_type="assessment")
    assert entry.actor_name == "through the update link of Tokushima Bank"
    assert Issue.objects.filter(target=room.target, origin="derived").exists()  # the gap issue follows


def test_an_assessment_keeps_the_forms_bounds(room):
    _link, secret = make_link(room)
    for bad in ({"value": "1e16"}, {"as_of": "1899-12-31"}, {"value": ""}):
        response = english_client().post(assessment_url(secret, room.target), assessment_data(**bad))
        assert response.status_code == 422
    other = TargetFactory(indicator="Elsewhere")
    assert english_client().post(assessment_url(secret, other), assessment_data()).status_code == 404
    assert not Assessment.objects.exists()


def test_nothing_else_of_the_workshop_is_reachable_with_the_link(room):
    _link, secret = make_link(room)
    client = english_client()
    assert client.get(page(secret)).status_code == 200
    for name in ("workshop_detail", "live_workshop", "roadmap", "console", "followup_links", "workshop_export_json"):
        assert client.get(url(name, room.workshop)).status_code == 404, name
    assert client.get(f"/u/{secret}/actions/").status_code == 404
    assert client.get(page("A" * 43)).status_code == 404


def test_a_revoked_link_shows_a_clear_page(room):
    link, secret = make_link(room)

    assert room.facilitator.post(url("followup_link_revoke", room.workshop, link.pk)).status_code == 302

    response = english_client().get(page(secret))
    assert response.status_code == 410
    assert "no longer works" in response.content.decode() and "ask the workshop's facilitator" in response.content.decode()
    action = room.bank_action
    assert english_client().post(progress_url(secret, action), progress_data(action)).status_code == 410
    assert Activity.objects.get(subject_type="updatelink", verb="revoked").summary == "Tokushima Bank"
    letter = room.facilitator.post(url("followup_link_letter", room.workshop, link.pk), {"secret": secret})
    assert letter.status_code == 404


def test_an_expired_link_shows_a_clear_page(room):
    link, secret = make_link(room)
    long_ago = timezone.now() - datetime.timedelta(days=91)
    UpdateLink.objects.filter(pk=link.pk).update(created_at=long_ago, expires_at=long_ago + datetime.timedelta(days=90))

    response = english_client().get(page(secret))
    assert response.status_code == 410 and "It expired on" in response.content.decode()
    action = room.bank_action
    assert english_client().post(progress_url(secret, action), progress_data(action)).status_code == 410
    action.refresh_from_db()
    assert action.progress == 10


def test_a_locked_workshop_refuses_changes_through_links(room):
    _link, secret = make_link(room)
    room.workshop.locked = True
    room.workshop.save()
    action = room.bank_action

    assert english_client().get(page(secret)).status_code == 200
    assert english_client().post(progress_url(secret, action), progress_data(action)).status_code == 423
    assert english_client().post(assessment_url(secret, room.target), assessment_data()).status_code == 423
    action.refresh_from_db()
    assert action.progress == 10 and not Assessment.objects.exists()


def test_changes_through_a_link_are_rate_limited(room, settings):
    settings.UPDATE_LINK_WRITES_PER_HOUR = 2
    _link, secret = make_link(room)
    _other_link, other_secret = make_link(room, room.coop)
    action = room.bank_action
    client = english_client()
    for progress in (20, 30):
        action.refresh_from_db()
        assert client.post(progress_url(secret, action), progress_data(action, progress=progress)).status_code == 302
    action.refresh_from_db()
    response = client.post(progress_url(secret, action), progress_data(action, progress=40))
    assert response.status_code == 429
    action.refresh_from_db()
    assert action.progress == 30
    # Another organisation's link counts on its own.
    coop = room.coop_action
    assert client.post(progress_url(other_secret, coop), progress_data(coop)).status_code == 302


# --- check-in rounds --------------------------------------------------------------------------


def test_a_round_shows_who_has_answered(room):
    _bank_link, bank_secret = make_link(room)
    make_link(room, room.coop)
    response = room.facilitator.post(url("checkin_round_open", room.workshop), {"message": "Please update by 31 March."})
    assert response.status_code == 302
    checkin = CheckInRound.objects.get()
    assert checkin.is_open and Activity.objects.filter(subject_type="checkinround", verb="opened").exists()
    assert "Please update by 31 March." in english_client().get(page(bank_secret)).content.decode()

    action = room.bank_action
    english_client().post(progress_url(bank_secret, action), progress_data(action))

    listing = room.facilitator.get(url("followup_links", room.workshop)).content.decode()
    assert "1 of 2 organisations answered." in listing
    answers = re.search(r'data-testid="answers".*?</table>', listing, re.S).group(0)
    assert re.search(r"Tokushima Bank</td><td>yes</td><td>1<", answers)
    assert re.search(r"Awa Cooperative</td><td><strong>not yet", answers)

    assert room.facilitator.post(url("checkin_round_close", room.workshop, checkin.pk)).status_code == 302
    checkin.refresh_from_db()
    assert not checkin.is_open
    assert Activity.objects.filter(subject_type="checkinround", verb="closed").exists()


def test_only_one_round_is_open_at_a_time(room):
    room.facilitator.post(url("checkin_round_open", room.workshop), {"message": ""})
    room.facilitator.post(url("checkin_round_open", room.workshop), {"message": ""})
    assert CheckInRound.objects.count() == 1
    response = room.facilitator.post(url("checkin_round_open", room.workshop), {"message": "x" * 1001})
    assert response.status_code == 422


def test_the_round_pages_refuse_others(room):
    room.facilitator.post(url("checkin_round_open", room.workshop), {"message": ""})
    checkin = CheckInRound.objects.get()
    for who, status in (("participant", 403), ("observer", 403), ("stranger", 404), ("anonymous", 404)):
        assert room.as_(who).post(url("checkin_round_close", room.workshop, checkin.pk)).status_code == status
    assert room.facilitator.get(url("checkin_round_close", room.workshop, checkin.pk)).status_code == 405
    checkin.refresh_from_db()
    assert checkin.is_open


def test_the_history_names_the_link_not_its_secret(room):
    _link, secret = make_link(room)
    english_client().post(assessment_url(secret, room.target), assessment_data())
    console = room.facilitator.get(url("console", room.workshop)).content.decode()
    assert "through the update link of Tokushima Bank" in console and secret not in console


# --- the live pages follow ---------------------------------------------------------------------


@pytest.mark.parametrize("page_name", ["roadmap", "workshop_detail"])
def test_the_facilitators_open_roadmap_and_overview_redraw_after_a_link_update(room, page_name):
    opened = room.facilitator.get(url(page_name, room.workshop))
    poll_url = poll_url_of(opened)
    _link, secret = make_link(room)
    action = room.bank_action

    english_client().post(progress_url(secret, action), progress_data(action, progress=77))

    response = poll(room.facilitator, poll_url)
    assert response.status_code == 200
    shown = {"roadmap": "Community care hubs · 77%", "workshop_detail": '<td class="num">77%</td>'}[page_name]
    assert shown in response.content.decode()


def test_the_phase_6_page_leads_the_facilitator_to_the_follow_up(room):
    text = room.facilitator.get(url("phase_page", room.workshop, "export")).content.decode()
    assert url("followup_links", room.workshop) in text
    participant_text = room.participant.get(url("phase_page", room.workshop, "export")).content.decode()
    assert url("followup_links", room.workshop) not in participant_text


def test_the_link_page_speaks_the_workshops_language_unless_the_browser_asks(room):
    room.workshop.language = "ja"
    room.workshop.save()
    _link, secret = make_link(room)

    japanese = Client().get(page(secret)).content.decode()
    assert "Tokushima Bank の進捗報告" in japanese and 'lang="ja"' in japanese
    assert "Update for Tokushima Bank" in english_client().get(page(secret)).content.decode()


# --- a target's assessments from CSV, through the link ------------------------------------------

CSV = "date,value,source\n2025,58,Survey 2025\n2026-03-31,60,Survey 2026\n"


def import_url(secret, target, confirm=False):
    return reverse("update_link_import", args=[secret, target.pk]) + ("confirm/" if confirm else "")


def test_a_representative_imports_assessments_from_csv(room):
    _link, secret = make_link(room)
    client = english_client()
    assert client.get(import_url(secret, room.target)).status_code == 200

    preview = client.post(import_url(secret, room.target), {"text": CSV, "form_key": "k1"})
    assert preview.status_code == 200 and "2 assessments will be added." in preview.content.decode()
    assert not Assessment.objects.exists()
    confirmed = client.post(import_url(secret, room.target, confirm=True), {"text": CSV, "form_key": "k1"})

    assert confirmed.status_code == 302 and confirmed["Location"].endswith(f"#target-{room.target.pk}")
    assert sorted(Assessment.objects.values_list("value", flat=True)) == [58, 60]
    entry = Activity.objects.get(subject_type="assessment")
    assert entry.actor_name == "through the update link of Tokushima Bank" and entry.changes["imported"] == 2


def test_a_bad_line_refuses_the_file_through_the_link_too(room):
    _link, secret = make_link(room)
    bad = "date,value\n2025,58\n2025-13-01,60\n"
    response = english_client().post(import_url(secret, room.target, confirm=True), {"text": bad, "form_key": ""})
    assert response.status_code == 400 and "line 3" in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_import_through_a_link_keeps_its_limits(room):
    link, secret = make_link(room)
    other = TargetFactory(indicator="Elsewhere")
    assert english_client().get(import_url(secret, other)).status_code == 404
    assert english_client().get(import_url(secret, room.target, confirm=True)).status_code == 405
    room.workshop.locked = True
    room.workshop.save()
    locked = english_client().post(import_url(secret, room.target, confirm=True), {"text": CSV, "form_key": ""})
    assert locked.status_code == 423
    UpdateLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert english_client().get(import_url(secret, room.target)).status_code == 410
    assert not Assessment.objects.exists()


def test_a_spreadsheets_export_uploads_through_the_link(room):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    _link, secret = make_link(room)
    data = (Path(__file__).resolve().parent.parent / "data" / "indicators" / "excel_ja_bom_crlf.csv").read_bytes()
    preview = english_client().post(
        import_url(secret, room.target), {"file": SimpleUploadedFile("export.csv", data, "text/csv"), "form_key": "k"}
    )
    assert preview.status_code == 200 and "will be added" in preview.content.decode()


def test_the_history_keeps_the_organisations_name_when_it_is_deleted(room):
    _link, secret = make_link(room)
    action = room.bank_action
    english_client().post(progress_url(secret, action), progress_data(action))
    room.bank.delete()  # its link goes with it

    entry = Activity.objects.get(subject_type="action", verb="progress")
    assert entry.actor_link_id is None
    assert entry.actor_name == "through the update link of Tokushima Bank"


def test_a_mail_server_that_refuses_leaves_the_link_shown(room, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr("visions.phases.followup.send_mail", refuse)
    response = room.facilitator.post(
        url("followup_link_create", room.workshop), {"stakeholder": room.bank.pk, "days": 90, "email": "rep@bank.example"}
    )
    text = response.content.decode()
    assert response.status_code == 200 and "could not be sent" in text and SECRET_IN_PAGE.search(text)
    assert UpdateLink.objects.count() == 1 and 'data-testid="sent"' not in text
