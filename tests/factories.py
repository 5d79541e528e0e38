import datetime

import factory
from django.contrib.auth import get_user_model

from visions import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"facilitator{n}")
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct horse battery")
        if create:
            self.save(update_fields=["password"])


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Workshop
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Workshop {n}")
    theme = "Super-aged society"
    region = "Tokushima"
    language = "ja"
    base_year = 2026
    target_year = 2050

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.add(*extracted)


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Stakeholder

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = "government"
    discipline = "public policy"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participant

    workshop = factory.SubFactory(WorkshopFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    role = "participant"
    sector = "academia"
    discipline = "gerontology"


class VisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Vision

    workshop = factory.SubFactory(WorkshopFactory)
    statement = factory.Sequence(lambda n: f"Vision statement {n}")
    target_year = 2050
    status = "proposed"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Target

    workshop = factory.SubFactory(WorkshopFactory)
    vision = factory.SubFactory(VisionFactory, workshop=factory.SelfAttribute("..workshop"))
    indicator = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    direction = "increase"
    target_value = 90.0
    target_year = 2050


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assessment

    target = factory.SubFactory(TargetFactory)
    value = 50.0
    as_of = datetime.date(2025, 4, 1)
    source = "https://example.org/survey"


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Issue

    workshop = factory.SubFactory(WorkshopFactory)
    title = factory.Sequence(lambda n: f"Issue {n}")
    origin = "participant"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Milestone

    workshop = factory.SubFactory(WorkshopFactory)
    year = 2040
    title = factory.Sequence(lambda n: f"Milestone {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Action

    workshop = factory.SubFactory(WorkshopFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    start_year = 2027
    end_year = 2030
