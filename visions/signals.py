"""Guards for links made through `.add()`, which writes through-rows without calling save()."""

from django.db import IntegrityError
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from visions.models import Action, Vision


def _check_same_workshop(instance, model, pk_set):
    if not pk_set:
        return
    # Whichever side `.add()` was called on, `model` is the other side and has a workshop.
    workshops = set(model.objects.filter(pk__in=pk_set).values_list("workshop_id", flat=True))
    if workshops - {instance.workshop_id}:
        raise IntegrityError(f"{type(instance).__name__} would link outside its workshop")


@receiver(m2m_changed, sender=Action.owners.through)
@receiver(m2m_changed, sender=Action.addresses.through)
@receiver(m2m_changed, sender=Action.depends_on.through)
@receiver(m2m_changed, sender=Vision.endorsed_by.through)
def links_stay_in_workshop(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_add":
        _check_same_workshop(instance, model, pk_set)
