"""The workshop's domain: who is in the room, the vision, where we stand, the gaps, the roadmap.

Every rule of the workshop file's value table (shared/FORMAT.md) is also a database
constraint here, so that nothing written around the forms can break it.
"""

import datetime
import secrets
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

MIN_YEAR = 1900
MAX_YEAR = 2300
MAX_FINITE = sys.float_info.max
# Every number a person types (target and assessment values) lies within ±MAX_VALUE: enough for a
# country's budget in yen, small enough that every derived number, chart and sum stays finite.
MAX_VALUE = 10.0**15
MAX_DOTS = 100  # a participant's dots (the budget the console allows)
MAX_PRIORITY_COUNT = 1000
MAX_TIMER_SECONDS = 240 * 60
# Text lengths: a title fits a line, a statement or description a few paragraphs.
TITLE_LENGTH = 200
STATEMENT_LENGTH = 2000
DESCRIPTION_LENGTH = 5000

# Crockford's base32: no I, L, O or U, so a code read aloud is not misheard.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
JOIN_CODE_LENGTH = 10


def generate_join_code():
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(typed):
    """What a person typed, as the stored code: any case, with or without separators."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_join_code(code):
    return f"{code[:5]}-{code[5:]}" if len(code) == JOIN_CODE_LENGTH else code


def year_in_range(field):
    return Q(**{f"{field}__gte": MIN_YEAR}) & Q(**{f"{field}__lte": MAX_YEAR})


def bounded(field):
    # NaN fails both comparisons on SQLite (stored as NULL) and PostgreSQL (NaN sorts above all).
    return Q(**{f"{field}__gte": -MAX_VALUE}) & Q(**{f"{field}__lte": MAX_VALUE})


def at_most(field, length, name):
    """The database's own limit on a text column's length (a TextField's max_length is only the form's)."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), length), name=name)


def in_choices(field, choices_class, allow_blank=False):
    values = list(choices_class.values) + ([""] if allow_blank else [])
    return Q(**{f"{field}__in": values})


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government / public")
    ACADEMIA = "academia", _("Academia")
    INDUSTRY = "industry", _("Industry")
    CITIZEN = "citizen", _("Citizens / civil society")


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")


class Phase(models.TextChoices):
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    VISION = "vision", _("Vision")
    CURRENT_STATE = "current_state", _("Current state")
    ISSUES = "issues", _("Gaps and issues")
    ROADMAP = "roadmap", _("Backcast roadmap")
    EXPORT = "export", _("Commit and export")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    JAPANESE = "ja", "日本語"


class WorkshopQuerySet(models.QuerySet):
    def facilitated_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(facilitators=user)


class Workshop(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    theme = models.TextField(_("theme"), blank=True, max_length=DESCRIPTION_LENGTH)
    region = models.CharField(_("region"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.JAPANESE
    )
    base_year = models.PositiveSmallIntegerField(_("base year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.STAKEHOLDERS
    )
    locked = models.BooleanField(_("contributions locked"), default=False)
    join_code = models.CharField(
        _("join code"), max_length=JOIN_CODE_LENGTH, unique=True, default=generate_join_code
    )
    dot_budget = models.PositiveSmallIntegerField(_("dots per participant"), default=5)
    priority_count = models.PositiveSmallIntegerField(
        _("prioritised issues"),
        default=5,
        help_text=_("How many of the highest-voted issues the roadmap must address."),
    )
    evidence_stale_months = models.PositiveSmallIntegerField(
        _("evidence is stale after (months)"),
        default=12,
        help_text=_("Since the last commitment, a target whose latest assessment is older than this is flagged stale."),
    )
    # The countdown lives on the server so that every page shows the same time:
    # running = ends_at set; paused = remaining seconds set; neither = no timer.
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    timer_remaining = models.PositiveIntegerField(null=True, blank=True)
    # The settings' version (title, theme, years, …): a stale edit of them answers 409.
    version = models.PositiveIntegerField(default=1)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_workshops", blank=True
    )
    # The round this workshop continues ("Start the next round"): the series follows these links.
    previous_round = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_rounds",
        verbose_name=_("previous round"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=year_in_range("base_year"), name="workshop_base_year_range"),
            models.CheckConstraint(condition=year_in_range("target_year"), name="workshop_target_year_range"),
            models.CheckConstraint(
                condition=Q(base_year__lt=models.F("target_year")), name="workshop_base_before_target"
            ),
            models.CheckConstraint(condition=in_choices("phase", Phase), name="workshop_phase_valid"),
            models.CheckConstraint(condition=in_choices("language", Language), name="workshop_language_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="workshop_title_present"),
            models.CheckConstraint(
                condition=Q(evidence_stale_months__gte=1, evidence_stale_months__lte=120),
                name="workshop_evidence_stale_months_range",
            ),
            models.CheckConstraint(condition=Q(dot_budget__gte=0), name="workshop_dot_budget_nonnegative"),
            models.CheckConstraint(condition=Q(dot_budget__lte=MAX_DOTS), name="workshop_dot_budget_range"),
            models.CheckConstraint(
                condition=Q(priority_count__lte=MAX_PRIORITY_COUNT), name="workshop_priority_count_range"
            ),
            models.CheckConstraint(
                condition=Q(timer_remaining__lte=MAX_TIMER_SECONDS), name="workshop_timer_range"
            ),
            at_most("theme", DESCRIPTION_LENGTH, "workshop_theme_length"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshop_detail", args=[self.pk])

    @property
    def display_join_code(self):
        return format_join_code(self.join_code)

    def rotate_join_code(self):
        for _attempt in range(5):
            self.join_code = generate_join_code()
            try:
                with transaction.atomic():
                    self.save(update_fields=["join_code", "updated_at"])
                return self.join_code
            except IntegrityError:
                continue
        raise IntegrityError("could not find a free join code")

    def is_facilitated_by(self, user):
        return user.is_authenticated and self.facilitators.filter(pk=user.pk).exists()

    def year_in_range(self, year):
        return year is not None and self.base_year <= year <= self.target_year

    def clean(self):
        if self.base_year and self.target_year and self.base_year >= self.target_year:
            raise ValidationError({"target_year": _("The target year must be after the base year.")})


class WorkshopOwned(models.Model):
    """Something that belongs to exactly one workshop and must not link outside it."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    # Names of foreign keys whose target must belong to the same workshop.
    same_workshop_fields = ()

    def same_workshop_errors(self):
        errors = {}
        for name in self.same_workshop_fields:
            related = getattr(self, name)
            if related is not None and related.workshop_id != self.workshop_id:
                errors[name] = _("This belongs to another workshop.")
        return errors

    def clean(self):
        super().clean()
        errors = self.same_workshop_errors()
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        errors = self.same_workshop_errors()
        if errors:
            raise IntegrityError(f"{type(self).__name__} links outside its workshop: {sorted(errors)}")
        super().save(*args, **kwargs)


class Stakeholder(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=TITLE_LENGTH)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    discipline = models.CharField(_("discipline"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=in_choices("sector", Sector), name="stakeholder_sector_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="stakeholder_name_present"),
        ]

    def __str__(self):
        return self.name


class Participant(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    display_name = models.CharField(_("display name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    discipline = models.CharField(_("discipline"), max_length=200, blank=True)
    stakeholder = models.ForeignKey(
        Stakeholder,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    same_workshop_fields = ("stakeholder",)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=in_choices("role", Role), name="participant_role_valid"),
            models.CheckConstraint(
                condition=in_choices("sector", Sector, allow_blank=True), name="participant_sector_valid"
            ),
            models.CheckConstraint(condition=~Q(display_name=""), name="participant_name_present"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def can_contribute(self):
        return self.role in (Role.PARTICIPANT, Role.FACILITATOR)


class VisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    ARCHIVED = "archived", _("Archived")


class Vision(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="visions")
    statement = models.TextField(_("vision statement"), max_length=STATEMENT_LENGTH)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    status = models.CharField(
        _("status"), max_length=20, choices=VisionStatus.choices, default=VisionStatus.PROPOSED
    )
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="authored_visions"
    )
    endorsed_by = models.ManyToManyField(
        Participant, through="Endorsement", related_name="endorsed_visions", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    hidden = models.BooleanField(_("hidden by a facilitator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    same_workshop_fields = ("author",)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=year_in_range("target_year"), name="vision_target_year_range"),
            models.CheckConstraint(condition=in_choices("status", VisionStatus), name="vision_status_valid"),
            models.CheckConstraint(condition=~Q(statement=""), name="vision_statement_present"),
            at_most("statement", STATEMENT_LENGTH, "vision_statement_length"),
            models.UniqueConstraint(
                fields=["workshop"],
                condition=Q(status="adopted"),
                name="one_adopted_vision_per_workshop",
            ),
        ]

    def __str__(self):
        return self.statement[:80]

    @property
    def sdg_numbers(self):
        return sorted(goal.goal for goal in self.goals.all())

    def set_sdgs(self, numbers):
        numbers = sorted(set(numbers))
        self.goals.exclude(goal__in=numbers).delete()
        existing = set(self.goals.values_list("goal", flat=True))
        VisionGoal.objects.bulk_create(
            [VisionGoal(vision=self, goal=n) for n in numbers if n not in existing]
        )

    @transaction.atomic
    def adopt(self):
        """Adopt this vision; the one adopted before it is archived."""
        Vision.objects.filter(workshop_id=self.workshop_id, status=VisionStatus.ADOPTED).exclude(
            pk=self.pk
        ).update(status=VisionStatus.ARCHIVED)
        self.status = VisionStatus.ADOPTED
        self.save(update_fields=["status", "updated_at"])


class VisionGoal(models.Model):
    """One SDG (1 to 17) a vision is tagged with."""

    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, related_name="goals")
    goal = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["goal"]
        constraints = [
            models.CheckConstraint(condition=Q(goal__gte=1) & Q(goal__lte=17), name="vision_goal_sdg_range"),
            models.UniqueConstraint(fields=["vision", "goal"], name="vision_goal_unique"),
        ]

    def __str__(self):
        return f"SDG {self.goal}"


class Endorsement(models.Model):
    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, related_name="endorsements")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="endorsements")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["vision", "participant"], name="one_endorsement_per_participant"),
        ]

    def clean(self):
        if self.vision.workshop_id != self.participant.workshop_id:
            raise ValidationError(_("Only participants of the vision's workshop can endorse it."))

    def save(self, *args, **kwargs):
        if self.vision.workshop_id != self.participant.workshop_id:
            raise IntegrityError("Endorsement links outside its workshop")
        super().save(*args, **kwargs)


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class Target(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="targets")
    vision = models.ForeignKey(Vision, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    target_value = models.FloatField(_("target value"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    # The same target in the previous round, so that the series page follows it from round to round.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    same_workshop_fields = ("vision",)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=year_in_range("target_year"), name="target_year_range"),
            models.CheckConstraint(condition=in_choices("direction", Direction), name="target_direction_valid"),
            models.CheckConstraint(condition=bounded("target_value"), name="target_value_bounded"),
            models.CheckConstraint(condition=~Q(indicator=""), name="target_indicator_present"),
        ]

    def __str__(self):
        return self.indicator

    def gap(self):
        """The derived numbers of FORMAT.md for this target (None without assessments)."""
        from visions.documents.derived import target_gap

        return target_gap(self, self.assessments.all())

    def ensure_derived_issue(self):
        """The one gap issue derived from this target, made on its first assessment."""
        existing = Issue.objects.filter(target=self, origin=IssueOrigin.DERIVED).first()
        if existing:
            return existing, False
        try:
            with transaction.atomic():
                return (
                    Issue.objects.create(
                        workshop_id=self.workshop_id,
                        target=self,
                        origin=IssueOrigin.DERIVED,
                        title=self.derived_issue_title(),
                    ),
                    True,
                )
        except IntegrityError:
            # Another request made it at the same moment; the partial unique index kept it single.
            return Issue.objects.get(target=self, origin=IssueOrigin.DERIVED), False

    def derived_issue_title(self):
        # In the workshop's language, whoever's browser added the first assessment.
        with translation.override(self.workshop.language):
            title = str(_("Gap: %(indicator)s")) % {"indicator": self.indicator}
        # An indicator may use its whole column; the issue's title column is no longer.
        return title[: Issue._meta.get_field("title").max_length]


class Assessment(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="assessments")
    value = models.FloatField(_("value"))
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source (link or citation)"), max_length=1000, blank=True)
    note = models.TextField(_("evidence note"), blank=True, max_length=DESCRIPTION_LENGTH)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["as_of", "id"]
        constraints = [
            models.CheckConstraint(condition=bounded("value"), name="assessment_value_bounded"),
            at_most("note", DESCRIPTION_LENGTH, "assessment_note_length"),
            models.CheckConstraint(
                condition=Q(as_of__gte="1900-01-01") & Q(as_of__lte="2300-12-31"),
                name="assessment_as_of_range",
            ),
        ]

    def __str__(self):
        return f"{self.target}: {self.value} ({self.as_of})"

    def clean(self):
        if self.author_id and self.target_id and self.author.workshop_id != self.target.workshop_id:
            raise ValidationError({"author": _("This belongs to another workshop.")})

    def save(self, *args, **kwargs):
        if self.author_id and self.author.workshop_id != self.target.workshop_id:
            raise IntegrityError("Assessment links outside its workshop")
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.target.ensure_derived_issue()


class Theme(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("theme"), max_length=TITLE_LENGTH)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="theme_name_unique_in_workshop"),
            models.CheckConstraint(condition=~Q(name=""), name="theme_name_present"),
        ]

    def __str__(self):
        return self.name


class IssueOrigin(models.TextChoices):
    DERIVED = "derived", _("Derived from a target")
    PARTICIPANT = "participant", _("Added by a participant")


class IssueQuerySet(models.QuerySet):
    def with_vote_totals(self):
        return self.annotate(
            dot_total=models.functions.Coalesce(models.Sum("votes__dots"), 0),
        )


class Issue(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_LENGTH)
    origin = models.CharField(
        _("origin"), max_length=20, choices=IssueOrigin.choices, default=IssueOrigin.PARTICIPANT
    )
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, null=True, blank=True, related_name="issues"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="issues"
    )
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="authored_issues"
    )
    version = models.PositiveIntegerField(default=1)
    hidden = models.BooleanField(_("hidden by a facilitator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueQuerySet.as_manager()

    same_workshop_fields = ("target", "theme", "author")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=in_choices("origin", IssueOrigin), name="issue_origin_valid"),
            models.CheckConstraint(
                condition=(Q(origin="derived") & Q(target__isnull=False))
                | (Q(origin="participant") & Q(target__isnull=True)),
                name="issue_target_iff_derived",
            ),
            models.UniqueConstraint(
                fields=["target"], condition=Q(origin="derived"), name="one_derived_issue_per_target"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="issue_title_present"),
            at_most("description", DESCRIPTION_LENGTH, "issue_description_length"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_derived(self):
        return self.origin == IssueOrigin.DERIVED


class IssueVote(models.Model):
    """The dots one participant put on one issue."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    dots = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "participant"], name="one_vote_row_per_participant"),
            models.CheckConstraint(condition=Q(dots__gte=1), name="vote_dots_positive"),
            models.CheckConstraint(condition=Q(dots__lte=MAX_DOTS), name="vote_dots_range"),
        ]

    def save(self, *args, **kwargs):
        if self.issue.workshop_id != self.participant.workshop_id:
            raise IntegrityError("Vote links outside its workshop")
        super().save(*args, **kwargs)


class IssueScore(models.Model):
    """One participant's impact and feasibility scores (1 to 5) for one issue."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="scores")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    impact = models.PositiveSmallIntegerField()
    feasibility = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "participant"], name="one_score_row_per_participant"),
            models.CheckConstraint(condition=Q(impact__gte=1) & Q(impact__lte=5), name="score_impact_range"),
            models.CheckConstraint(
                condition=Q(feasibility__gte=1) & Q(feasibility__lte=5), name="score_feasibility_range"
            ),
        ]

    def save(self, *args, **kwargs):
        if self.issue.workshop_id != self.participant.workshop_id:
            raise IntegrityError("Score links outside its workshop")
        super().save(*args, **kwargs)


class Milestone(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("what must be true by then"), max_length=TITLE_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_LENGTH)
    # A participant's proposal waits, unaccepted, until the facilitator accepts it.
    accepted = models.BooleanField(_("accepted"), default=True)
    proposed_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposed_milestones"
    )
    version = models.PositiveIntegerField(default=1)

    same_workshop_fields = ("proposed_by",)

    class Meta:
        ordering = ["year", "id"]
        constraints = [
            models.CheckConstraint(condition=year_in_range("year"), name="milestone_year_range"),
            models.CheckConstraint(condition=~Q(title=""), name="milestone_title_present"),
            at_most("description", DESCRIPTION_LENGTH, "milestone_description_length"),
        ]

    def __str__(self):
        return f"{self.year}: {self.title}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(WorkshopOwned):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_LENGTH)
    owners = models.ManyToManyField(Stakeholder, through="ActionOwner", related_name="actions", blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    addresses = models.ManyToManyField(Issue, through="ActionIssue", related_name="actions", blank=True)
    depends_on = models.ManyToManyField(
        "self", through="ActionDependency", symmetrical=False, related_name="dependents", blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The same action in the previous round (done, dropped or slipped between rounds is read through it).
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    same_workshop_fields = ("milestone",)

    class Meta:
        ordering = ["start_year", "id"]
        constraints = [
            models.CheckConstraint(condition=year_in_range("start_year"), name="action_start_year_range"),
            models.CheckConstraint(condition=year_in_range("end_year"), name="action_end_year_range"),
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")), name="action_start_not_after_end"
            ),
            models.CheckConstraint(condition=in_choices("status", ActionStatus), name="action_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_range"),
            models.CheckConstraint(condition=~Q(title=""), name="action_title_present"),
            at_most("description", DESCRIPTION_LENGTH, "action_description_length"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError({"end_year": _("The end year cannot be before the start year.")})


class ActionOwner(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="ownerships")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="ownerships")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["action", "stakeholder"], name="action_owner_unique")]

    def save(self, *args, **kwargs):
        if self.action.workshop_id != self.stakeholder.workshop_id:
            raise IntegrityError("Action owner links outside its workshop")
        super().save(*args, **kwargs)


class ActionIssue(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="issue_links")
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="action_links")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["action", "issue"], name="action_issue_unique")]

    def save(self, *args, **kwargs):
        if self.action.workshop_id != self.issue.workshop_id:
            raise IntegrityError("Action links to an issue outside its workshop")
        super().save(*args, **kwargs)


class ActionDependency(models.Model):
    """`action` cannot start before `prerequisite` ends."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="prerequisite_links")
    prerequisite = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="dependent_links")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "prerequisite"], name="action_dependency_unique"),
            models.CheckConstraint(
                condition=~Q(action=models.F("prerequisite")), name="action_not_own_prerequisite"
            ),
        ]

    def save(self, *args, **kwargs):
        if self.action.workshop_id != self.prerequisite.workshop_id:
            raise IntegrityError("Action depends on an action outside its workshop")
        super().save(*args, **kwargs)



class Confidence(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


# An expected effect's amount: finite and within what any indicator of a workshop could need.
MAX_EFFECT_AMOUNT = 1e12


class Effect(models.Model):
    """What an action is expected to change: `amount` towards a target, in place by `year`.

    `year` left empty: the action's end year (FORMAT.md).
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="effects")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="effects")
    amount = models.FloatField(_("amount towards the target"))
    year = models.PositiveSmallIntegerField(_("in place by (year)"), null=True, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "target"], name="effect_target_once_per_action"),
            models.CheckConstraint(
                condition=Q(amount__gte=-MAX_EFFECT_AMOUNT) & Q(amount__lte=MAX_EFFECT_AMOUNT),
                name="effect_amount_bounded",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | year_in_range("year"), name="effect_year_range"
            ),
            models.CheckConstraint(condition=in_choices("confidence", Confidence), name="effect_confidence_valid"),
        ]

    def __str__(self):
        return f"{self.action}: {self.amount} → {self.target}"

    @property
    def in_place(self):
        return self.year if self.year is not None else self.action.end_year

    def save(self, *args, **kwargs):
        if self.action.workshop_id != self.target.workshop_id:
            raise IntegrityError("Effect links to a target outside its workshop")
        super().save(*args, **kwargs)


# What an activity record's verb and subject_type read as on the console and in a history.
ACTIVITY_VERBS = {
    "created": pgettext_lazy("activity", "created"),
    "updated": pgettext_lazy("activity", "updated"),
    "deleted": pgettext_lazy("activity", "deleted"),
    "adopted": pgettext_lazy("activity", "adopted"),
    "endorsed": pgettext_lazy("activity", "endorsed"),
    "withdrew": pgettext_lazy("activity", "withdrew the endorsement of"),
    "hidden": pgettext_lazy("activity", "hid"),
    "restored": pgettext_lazy("activity", "restored"),
    "voted": pgettext_lazy("activity", "put dots on"),
    "scored": pgettext_lazy("activity", "scored"),
    "renamed": pgettext_lazy("activity", "renamed"),
    "merged": pgettext_lazy("activity", "merged into"),
    "split": pgettext_lazy("activity", "split off"),
    "grouped": pgettext_lazy("activity", "grouped issues into"),
    "proposed": pgettext_lazy("activity", "proposed"),
    "accepted": pgettext_lazy("activity", "accepted"),
    "rejected": pgettext_lazy("activity", "rejected"),
    "progress": pgettext_lazy("activity", "updated the progress of"),
    "joined": pgettext_lazy("activity", "joined as"),
    "rotated_code": pgettext_lazy("activity", "changed the join code of"),
    "imported": pgettext_lazy("activity", "imported"),
    "next_round": pgettext_lazy("activity", "started the next round of"),
    "continued": pgettext_lazy("activity", "started, as the next round, the"),
    "revoked": pgettext_lazy("activity", "revoked"),
    "opened": pgettext_lazy("activity", "opened"),
    "closed": pgettext_lazy("activity", "closed"),
}
ACTIVITY_SUBJECTS = {
    "workshop": pgettext_lazy("activity subject", "workshop"),
    "participant": pgettext_lazy("activity subject", "participant"),
    "stakeholder": pgettext_lazy("activity subject", "organisation"),
    "commitment": pgettext_lazy("activity subject", "commitment"),
    "vision": pgettext_lazy("activity subject", "vision"),
    "target": pgettext_lazy("activity subject", "target"),
    "assessment": pgettext_lazy("activity subject", "assessment"),
    "issue": pgettext_lazy("activity subject", "issue"),
    "theme": pgettext_lazy("activity subject", "theme"),
    "milestone": pgettext_lazy("activity subject", "milestone"),
    "action": pgettext_lazy("activity subject", "action"),
    "publiclink": pgettext_lazy("activity subject", "public page link"),
    "updatelink": pgettext_lazy("activity subject", "update link"),
    "checkinround": pgettext_lazy("activity subject", "check-in round"),
}


class Activity(models.Model):
    """Who changed what, and when: the workshop's history."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="activities")
    actor_participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A change made by an organisation's representative through its update link (no account, no session).
    actor_link = models.ForeignKey(
        "UpdateLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    verb = models.CharField(max_length=30)
    subject_type = models.CharField(max_length=30)
    subject_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["workshop", "id"], name="activity_workshop_id"),
            models.Index(fields=["subject_type", "subject_id"], name="activity_subject"),
        ]

    def __str__(self):
        return f"{self.verb} {self.subject_type} {self.subject_id}"

    @property
    def verb_label(self):
        return ACTIVITY_VERBS.get(self.verb, self.verb)

    @property
    def subject_label(self):
        return ACTIVITY_SUBJECTS.get(self.subject_type, self.subject_type)

    @property
    def what_happened(self):
        """E.g. "created issue": the verb and its subject in the active language."""
        return pgettext("activity: a verb, then what it was done to", "%(verb)s %(subject)s") % {
            "verb": self.verb_label,
            "subject": self.subject_label,
        }

    @property
    def actor_name(self):
        if self.actor_link_id or (self.changes or {}).get("through_link"):
            name = self.actor_link.stakeholder.name if self.actor_link_id else self.changes["through_link"]
            return _("through the update link of %(organisation)s") % {"organisation": name}
        if self.actor_participant_id:
            return self.actor_participant.display_name
        if self.actor_user_id:
            return self.actor_user.get_username()
        return _("the app")


class FormSubmission(models.Model):
    """A form's one-time key: the same submission sent twice creates its object once."""

    key = models.CharField(max_length=64, unique=True)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class JoinFailure(models.Model):
    """A failed attempt to join with a code, kept to rate-limit guessing per client."""

    client = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class PdfRenderStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("PDF render", "waiting for the worker")
    RUNNING = "running", pgettext_lazy("PDF render", "being made")
    READY = "ready", pgettext_lazy("PDF render", "ready")
    FAILED = "failed", pgettext_lazy("PDF render", "failed")


class PdfRender(models.Model):
    """The roadmap PDF of one workshop revision, made once by the task worker and shared by everyone.

    `revision` is the id of the workshop's latest activity row when it was asked for (the
    revision the live poll follows): every change anyone makes records one, so a render is
    current until the workshop changes. When a newer render is ready, the older ones go.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    revision = models.BigIntegerField()
    # A commitment's PDF: the roadmap as committed, made once and kept (its revision is 0).
    commitment = models.ForeignKey("Commitment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=5, choices=Language.choices)
    status = models.CharField(max_length=10, choices=PdfRenderStatus.choices, default=PdfRenderStatus.PENDING)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    # A message for the people who asked, in the document's language; a refusal (too large)
    # stays so for the revision, another failure may be tried again.
    error = models.TextField(blank=True)
    refused = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)  # when it was (last) handed to the worker
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "revision", "language"],
                condition=Q(commitment__isnull=True),
                name="pdf_render_one_per_revision",
            ),
            models.UniqueConstraint(
                fields=["commitment", "language"],
                condition=Q(commitment__isnull=False),
                name="pdf_render_one_per_commitment",
            ),
            models.CheckConstraint(
                condition=in_choices("status", PdfRenderStatus), name="pdf_render_status_valid"
            ),
        ]

    def __str__(self):
        return f"PDF of workshop {self.workshop_id} at revision {self.revision} ({self.status})"

    @property
    def is_ready(self):
        return self.status == PdfRenderStatus.READY

    @property
    def is_failed(self):
        return self.status == PdfRenderStatus.FAILED

    @property
    def is_stuck(self):
        """Waiting or running for longer than any render takes: the worker may have stopped."""
        return self._unfinished_since(timezone.now() - PdfRender.stale_after())

    def _unfinished_since(self, cutoff):
        if self.status == PdfRenderStatus.PENDING:
            return self.requested_at < cutoff
        return self.status == PdfRenderStatus.RUNNING and (self.started_at or self.requested_at) < cutoff

    @staticmethod
    def stale_after():
        return datetime.timedelta(seconds=getattr(settings, "PDF_RENDER_STALE_SECONDS", 300))

    def claim(self):
        """The worker takes the render on; False if it is gone or another task already took it."""
        return bool(
            PdfRender.objects.filter(pk=self.pk, status=PdfRenderStatus.PENDING).update(
                status=PdfRenderStatus.RUNNING, started_at=timezone.now()
            )
        )

    def finish(self, pdf=None, *, error="", refused=False):
        """Store the PDF (or why there is none); the workshop's older renders go (a commitment's stay)."""
        status = PdfRenderStatus.FAILED if error else PdfRenderStatus.READY
        with transaction.atomic():
            done = PdfRender.objects.filter(pk=self.pk, status=PdfRenderStatus.RUNNING).update(
                status=status, pdf=pdf, error=error, refused=refused, finished_at=timezone.now()
            )
            if done and self.commitment_id is None:
                PdfRender.objects.filter(
                    workshop_id=self.workshop_id, commitment__isnull=True, revision__lte=self.revision
                ).exclude(pk=self.pk).delete()
        return bool(done)

    def retry(self):
        """Ask again for a failed (not refused) or stuck render: True for the one caller that may enqueue it."""
        cutoff = timezone.now() - PdfRender.stale_after()
        again = (
            Q(status=PdfRenderStatus.FAILED, refused=False)
            | Q(status=PdfRenderStatus.PENDING, requested_at__lt=cutoff)
            | Q(status=PdfRenderStatus.RUNNING, started_at__lt=cutoff)
        )
        return bool(
            PdfRender.objects.filter(again, pk=self.pk).update(
                status=PdfRenderStatus.PENDING, error="", started_at=None, requested_at=timezone.now()
            )
        )


class CommitmentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise IntegrityError("A commitment is never changed once recorded.")


class Commitment(models.Model):
    """The roadmap as the group agreed it on a day, with the derived numbers of that moment: never changed."""

    NAME_LENGTH = 200

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="commitments")
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    committed_at = models.DateTimeField(_("committed at"))
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(default=dict)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-committed_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="commitment_name_present")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise IntegrityError("A commitment is never changed once recorded.")
        super().save(*args, **kwargs)


PUBLIC_TOKEN_BYTES = 32  # 256 random bits; only their SHA-256 is stored


def public_token_hash(token):
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


class PublicLink(models.Model):
    """A share link to the workshop's read-only public page: only the hash of its secret is kept."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="public_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="public_link_revoked_after_created",
            ),
        ]

    def __str__(self):
        return f"public link {self.pk} of workshop {self.workshop_id}"

    @classmethod
    def make(cls, workshop, user):
        """A new link and its secret, which is shown once and never stored."""
        token = secrets.token_urlsafe(PUBLIC_TOKEN_BYTES)
        link = cls.objects.create(workshop=workshop, token_hash=public_token_hash(token), created_by=user)
        return link, token

    @property
    def is_active(self):
        return self.revoked_at is None


# An update link's secret: 32 random bytes (256 bits), URL-safe base64 (43 characters).
UPDATE_LINK_SECRET_BYTES = 32
UPDATE_LINK_DAYS_DEFAULT = 90
UPDATE_LINK_DAYS_MAX = 730
CHECKIN_MESSAGE_LENGTH = 1000


def update_link_hash(secret):
    """What the database keeps of an update link: the SHA-256 of its secret, never the secret."""
    import hashlib

    return hashlib.sha256(str(secret).encode()).hexdigest()


class UpdateLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class UpdateLink(WorkshopOwned):
    """A private address through which one organisation's representative updates its own actions.

    Only the hash of the secret is stored: the link is shown once, when it is made.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="update_links")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="update_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = UpdateLinkQuerySet.as_manager()
    same_workshop_fields = ("stakeholder",)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="update_link_expires_after_creation"
            ),
            models.CheckConstraint(condition=Exact(Length("token_hash"), 64), name="update_link_hash_length"),
        ]

    def __str__(self):
        return self.stakeholder.name

    @classmethod
    def issue(cls, workshop, stakeholder, *, days=UPDATE_LINK_DAYS_DEFAULT, email="", created_by=None):
        """A new link and its secret: the secret is returned once and never stored."""
        secret = secrets.token_urlsafe(UPDATE_LINK_SECRET_BYTES)
        now = timezone.now()
        link = cls.objects.create(
            workshop=workshop,
            stakeholder=stakeholder,
            token_hash=update_link_hash(secret),
            email=email,
            created_at=now,
            created_by=created_by,
            expires_at=now + datetime.timedelta(days=days),
        )
        return link, secret

    def matches(self, secret):
        import hmac

        return hmac.compare_digest(self.token_hash, update_link_hash(secret))

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return not self.is_revoked and not self.is_expired


class CheckInRound(models.Model):
    """The facilitator asks every organisation for its update: open from `opened_at` until closed."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="checkin_rounds")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(
        _("message to the organisations"), blank=True, max_length=CHECKIN_MESSAGE_LENGTH
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop"], condition=Q(closed_at__isnull=True), name="checkin_one_open_round"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                name="checkin_closed_after_opened",
            ),
            at_most("message", CHECKIN_MESSAGE_LENGTH, "checkin_message_length"),
        ]

    def __str__(self):
        return f"check-in {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.closed_at is None
