"""One-time form keys: a repeated submission is refused; old keys are not kept forever."""

import datetime

from django.utils import timezone

from visions import live
from visions.models import FormSubmission

from tests.factories import WorkshopFactory


def test_a_key_is_claimed_once(db):
    workshop = WorkshopFactory()
    assert live.claim_form_key(workshop, "k1") is True
    assert live.claim_form_key(workshop, "k1") is False


def test_keys_older_than_a_day_are_let_go_when_a_new_one_is_claimed(db):
    workshop, other = WorkshopFactory(), WorkshopFactory()
    live.claim_form_key(workshop, "old")
    live.claim_form_key(other, "other-old")
    FormSubmission.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    live.claim_form_key(workshop, "new")
    assert sorted(FormSubmission.objects.values_list("key", flat=True)) == ["new", "other-old"]
