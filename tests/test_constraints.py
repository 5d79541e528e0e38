"""Every rule of FORMAT.md's value table holds in the database itself.

Each case writes around the models' own checks (QuerySet.update, bulk_create, or
create with a bad value) and expects the database to refuse it. The same file runs
on SQLite and PostgreSQL.
"""

import datetime
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from visions.integrity import drop_triggers, install_triggers, workshop_links
from visions.models import (
    Action,
    Effect,
    ActionDependency,
    ActionIssue,
    ActionOwner,
    Activity,
    Assessment,
    CheckInRound,
    Commitment,
    Endorsement,
    Issue,
    IssueScore,
    IssueVote,
    Milestone,
    Participant,
    PdfRender,
    PublicLink,
    Stakeholder,
    Target,
    Theme,
    UpdateLink,
    Vision,
    VisionGoal,
    Workshop,
)

from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    IssueFactory,
    MilestoneFactory,
    ParticipantFactory,
    StakeholderFactory,
    TargetFactory,
    VisionFactory,
    WorkshopFactory,
)

OUTSIDE = "outside its workshop"
MOVES = "cannot move to another workshop"


@contextmanager
def refused(*mentions):
    """Expect the database to refuse the write, naming one of `mentions` (constraint or column)."""
    with pytest.raises(IntegrityError) as caught:
        with transaction.atomic():
            yield
    message = str(caught.value)
    assert any(mention in message for mention in mentions), message


def update(obj, **values):
    type(obj).objects.filter(pk=obj.pk).update(**values)


def populated_workshop():
    workshop = WorkshopFactory()
    stakeholder = StakeholderFactory(workshop=workshop)
    participant = ParticipantFactory(workshop=workshop, stakeholder=stakeholder)
    other_participant = ParticipantFactory(workshop=workshop)
    vision = VisionFactory(workshop=workshop, author=participant, status="adopted")
    proposed = VisionFactory(workshop=workshop)
    goal = VisionGoal.objects.create(vision=vision, goal=11)
    endorsement = Endorsement.objects.create(vision=vision, participant=participant)
    target = TargetFactory(workshop=workshop, vision=vision)
    assessment = AssessmentFactory(target=target, author=participant)
    derived = Issue.objects.get(target=target)
    theme = Theme.objects.create(workshop=workshop, name="mobility")
    issue = IssueFactory(workshop=workshop, theme=theme, author=participant)
    vote = IssueVote.objects.create(issue=issue, participant=participant, dots=2)
    score = IssueScore.objects.create(issue=issue, participant=participant, impact=4, feasibility=2)
    milestone = MilestoneFactory(workshop=workshop)
    action = ActionFactory(workshop=workshop, milestone=milestone, start_year=2031, end_year=2035)
    prerequisite = ActionFactory(workshop=workshop)
    owner = ActionOwner.objects.create(action=action, stakeholder=stakeholder)
    addressed = ActionIssue.objects.create(action=action, issue=issue)
    dependency = ActionDependency.objects.create(action=action, prerequisite=prerequisite)
    return SimpleNamespace(**locals())


@pytest.fixture
def here(db):
    return populated_workshop()


@pytest.fixture
def there(db):
    return populated_workshop()


# --- the value table ----------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")

# (case, bad write on a populated workshop `w`, what the refusal names)
VALUE_CASES = [
    # workshop
    ("workshop base year 1899", lambda w: update(w.workshop, base_year=1899), ["workshop_base_year_range"]),
    ("workshop base year 2301", lambda w: update(w.workshop, base_year=2301),
     ["workshop_base_year_range", "workshop_base_before_target"]),
    ("workshop target year 2301", lambda w: update(w.workshop, target_year=2301),
     ["workshop_target_year_range"]),
    ("workshop target year 1899", lambda w: update(w.workshop, target_year=1899),
     ["workshop_target_year_range", "workshop_base_before_target"]),
    ("workshop base year = target year", lambda w: update(w.workshop, base_year=2050),
     ["workshop_base_before_target"]),
    ("workshop base year > target year", lambda w: update(w.workshop, base_year=2049, target_year=2040),
     ["workshop_base_before_target"]),
    ("workshop phase", lambda w: update(w.workshop, phase="brainstorm"), ["workshop_phase_valid"]),
    ("workshop language", lambda w: update(w.workshop, language="fr"), ["workshop_language_valid"]),
    ("workshop title empty", lambda w: update(w.workshop, title=""), ["workshop_title_present"]),
    ("workshop dot budget negative", lambda w: update(w.workshop, dot_budget=-1),
     ["workshop_dot_budget_nonnegative", "dot_budget"]),
    ("workshop join code reused",
     lambda w: Workshop.objects.bulk_create([Workshop(title="Copy", base_year=2026, target_year=2050,
                                                      join_code=w.workshop.join_code)]),
     ["join_code"]),
    ("workshop dot budget 101", lambda w: update(w.workshop, dot_budget=101), ["workshop_dot_budget_range"]),
    ("workshop priority count 1001", lambda w: update(w.workshop, priority_count=1001),
     ["workshop_priority_count_range"]),
    ("workshop timer over 4 hours", lambda w: update(w.workshop, timer_remaining=240 * 60 + 1),
     ["workshop_timer_range"]),
    ("workshop theme 5001 characters", lambda w: update(w.workshop, theme="x" * 5001), ["workshop_theme_length"]),
    # stakeholder
    ("stakeholder sector", lambda w: update(w.stakeholder, sector="military"), ["stakeholder_sector_valid"]),
    ("stakeholder sector empty", lambda w: update(w.stakeholder, sector=""), ["stakeholder_sector_valid"]),
    ("stakeholder name empty", lambda w: update(w.stakeholder, name=""), ["stakeholder_name_present"]),
    # participant
    ("participant role", lambda w: update(w.participant, role="boss"), ["participant_role_valid"]),
    ("participant sector", lambda w: update(w.participant, sector="press"), ["participant_sector_valid"]),
    ("participant name empty", lambda w: update(w.participant, display_name=""),
     ["participant_name_present"]),
    # vision
    ("vision target year 1899", lambda w: update(w.vision, target_year=1899), ["vision_target_year_range"]),
    ("vision target year 2301", lambda w: update(w.vision, target_year=2301), ["vision_target_year_range"]),
    ("vision statement 2001 characters", lambda w: update(w.vision, statement="長" * 2001),
     ["vision_statement_length"]),
    ("vision status", lambda w: update(w.vision, status="rejected"), ["vision_status_valid"]),
    ("vision statement empty", lambda w: update(w.vision, statement=""), ["vision_statement_present"]),
    ("second adopted vision by update", lambda w: update(w.proposed, status="adopted"),
     ["one_adopted_vision_per_workshop", "visions_vision.workshop_id"]),
    ("second adopted vision by bulk_create",
     lambda w: Vision.objects.bulk_create([Vision(workshop=w.workshop, statement="Another", target_year=2050,
                                                  status="adopted")]),
     ["one_adopted_vision_per_workshop", "visions_vision.workshop_id"]),
    # SDGs
    ("SDG 0", lambda w: update(w.goal, goal=0), ["vision_goal_sdg_range"]),
    ("SDG 18", lambda w: update(w.goal, goal=18), ["vision_goal_sdg_range"]),
    ("SDG repeated", lambda w: VisionGoal.objects.bulk_create([VisionGoal(vision=w.vision, goal=11)]),
     ["vision_goal_unique", "visions_visiongoal.goal"]),
    ("endorsement repeated",
     lambda w: Endorsement.objects.bulk_create([Endorsement(vision=w.vision, participant=w.participant)]),
     ["one_endorsement_per_participant", "visions_endorsement.participant_id"]),
    # target
    ("target year 1899", lambda w: update(w.target, target_year=1899), ["target_year_range"]),
    ("target year 2301", lambda w: update(w.target, target_year=2301), ["target_year_range"]),
    ("target direction", lambda w: update(w.target, direction="sideways"), ["target_direction_valid"]),
    ("target indicator empty", lambda w: update(w.target, indicator=""), ["target_indicator_present"]),
    ("target value NaN", lambda w: update(w.target, target_value=NAN),
     ["target_value_bounded", "visions_target.target_value"]),
    ("target value +inf", lambda w: update(w.target, target_value=INF), ["target_value_bounded"]),
    ("target value -inf", lambda w: update(w.target, target_value=-INF), ["target_value_bounded"]),
    ("target value NaN by bulk_create",
     lambda w: Target.objects.bulk_create([Target(workshop=w.workshop, vision=w.vision, indicator="x",
                                                  direction="increase", target_value=NAN, target_year=2050)]),
     ["target_value_bounded", "visions_target.target_value"]),
    ("target value beyond 10^15", lambda w: update(w.target, target_value=1.0000001e15), ["target_value_bounded"]),
    ("target value 1e308", lambda w: update(w.target, target_value=-1e308), ["target_value_bounded"]),
    # assessment
    ("assessment value NaN", lambda w: update(w.assessment, value=NAN),
     ["assessment_value_bounded", "visions_assessment.value"]),
    ("assessment value +inf", lambda w: update(w.assessment, value=INF), ["assessment_value_bounded"]),
    ("assessment value -inf", lambda w: update(w.assessment, value=-INF), ["assessment_value_bounded"]),
    ("assessment value inf by create",
     lambda w: Assessment.objects.create(target=w.target, value=INF, as_of=datetime.date(2025, 1, 1)),
     ["assessment_value_bounded"]),
    ("assessment value 1e308", lambda w: update(w.assessment, value=1e308), ["assessment_value_bounded"]),
    ("assessment value -1e16", lambda w: update(w.assessment, value=-1e16), ["assessment_value_bounded"]),
    ("assessment note 5001 characters", lambda w: update(w.assessment, note="x" * 5001),
     ["assessment_note_length"]),
    ("assessment date 1899", lambda w: update(w.assessment, as_of=datetime.date(1899, 12, 31)),
     ["assessment_as_of_range"]),
    ("assessment date 2301", lambda w: update(w.assessment, as_of=datetime.date(2301, 1, 1)),
     ["assessment_as_of_range"]),
    # theme
    ("theme name repeated",
     lambda w: Theme.objects.bulk_create([Theme(workshop=w.workshop, name="mobility")]),
     ["theme_name_unique_in_workshop", "visions_theme.name"]),
    ("theme name empty", lambda w: update(w.theme, name=""), ["theme_name_present"]),
    # issue
    ("issue origin", lambda w: update(w.issue, origin="imported"), ["issue_origin_valid"]),
    ("derived issue without target", lambda w: update(w.derived, target=None), ["issue_target_iff_derived"]),
    ("derived issue without target by create",
     lambda w: Issue.objects.create(workshop=w.workshop, title="Gap", origin="derived"),
     ["issue_target_iff_derived"]),
    ("participant issue with target", lambda w: update(w.issue, target=w.target),
     ["issue_target_iff_derived"]),
    ("second derived issue for a target",
     lambda w: Issue.objects.bulk_create([Issue(workshop=w.workshop, title="Gap again", origin="derived",
                                                target=w.target)]),
     ["one_derived_issue_per_target", "visions_issue.target_id"]),
    ("issue title empty", lambda w: update(w.issue, title=""), ["issue_title_present"]),
    ("issue description 5001 characters", lambda w: update(w.issue, description="x" * 5001),
     ["issue_description_length"]),
    # votes and scores
    ("dots 0", lambda w: update(w.vote, dots=0), ["vote_dots_positive"]),
    ("dots 101", lambda w: update(w.vote, dots=101), ["vote_dots_range"]),
    ("dots 0 by create",
     lambda w: IssueVote.objects.create(issue=w.issue, participant=w.other_participant, dots=0),
     ["vote_dots_positive"]),
    ("second vote row",
     lambda w: IssueVote.objects.bulk_create([IssueVote(issue=w.issue, participant=w.participant, dots=1)]),
     ["one_vote_row_per_participant", "visions_issuevote.participant_id"]),
    ("impact 0", lambda w: update(w.score, impact=0), ["score_impact_range"]),
    ("impact 6", lambda w: update(w.score, impact=6), ["score_impact_range"]),
    ("feasibility 0", lambda w: update(w.score, feasibility=0), ["score_feasibility_range"]),
    ("feasibility 6", lambda w: update(w.score, feasibility=6), ["score_feasibility_range"]),
    ("second score row",
     lambda w: IssueScore.objects.bulk_create([IssueScore(issue=w.issue, participant=w.participant, impact=1,
                                                          feasibility=1)]),
     ["one_score_row_per_participant", "visions_issuescore.participant_id"]),
    # milestone
    ("milestone year 1899", lambda w: update(w.milestone, year=1899), ["milestone_year_range"]),
    ("milestone year 2301", lambda w: update(w.milestone, year=2301), ["milestone_year_range"]),
    ("milestone title empty", lambda w: update(w.milestone, title=""), ["milestone_title_present"]),
    ("milestone description 5001 characters", lambda w: update(w.milestone, description="x" * 5001),
     ["milestone_description_length"]),
    # action
    ("action start 1899", lambda w: update(w.action, start_year=1899), ["action_start_year_range"]),
    ("action start 2301", lambda w: update(w.action, start_year=2301, end_year=2300),
     ["action_start_year_range", "action_start_not_after_end"]),
    ("action end 2301", lambda w: update(w.action, end_year=2301), ["action_end_year_range"]),
    ("action end 1899", lambda w: update(w.action, start_year=1900, end_year=1899),
     ["action_end_year_range", "action_start_not_after_end"]),
    ("action start after end", lambda w: update(w.action, start_year=2036), ["action_start_not_after_end"]),
    ("action start after end by create",
     lambda w: Action.objects.create(workshop=w.workshop, title="Backwards", start_year=2031, end_year=2030),
     ["action_start_not_after_end"]),
    ("action status", lambda w: update(w.action, status="paused"), ["action_status_valid"]),
    ("action progress 101", lambda w: update(w.action, progress=101), ["action_progress_range"]),
    ("action progress -1", lambda w: update(w.action, progress=-1), ["progress"]),
    ("action title empty", lambda w: update(w.action, title=""), ["action_title_present"]),
    ("action description 5001 characters", lambda w: update(w.action, description="x" * 5001),
     ["action_description_length"]),
    # roadmap links
    ("owner repeated",
     lambda w: ActionOwner.objects.bulk_create([ActionOwner(action=w.action, stakeholder=w.stakeholder)]),
     ["action_owner_unique", "visions_actionowner.stakeholder_id"]),
    ("addressed issue repeated",
     lambda w: ActionIssue.objects.bulk_create([ActionIssue(action=w.action, issue=w.issue)]),
     ["action_issue_unique", "visions_actionissue.issue_id"]),
    ("dependency repeated",
     lambda w: ActionDependency.objects.bulk_create([ActionDependency(action=w.action,
                                                                      prerequisite=w.prerequisite)]),
     ["action_dependency_unique", "visions_actiondependency.prerequisite_id"]),
    ("action depends on itself", lambda w: update(w.dependency, prerequisite=w.action),
     ["action_not_own_prerequisite"]),
    ("action depends on itself by create",
     lambda w: ActionDependency.objects.create(action=w.prerequisite, prerequisite=w.prerequisite),
     ["action_not_own_prerequisite"]),
    # expected effects
    ("effect target twice",
     lambda w: Effect.objects.bulk_create([Effect(action=w.action, target=w.target, amount=1)] * 2),
     ["effect_target_once_per_action", "visions_effect.target_id"]),
    ("effect amount NaN", lambda w: Effect.objects.bulk_create([Effect(action=w.action, target=w.target, amount=NAN)]),
     ["effect_amount_bounded", "visions_effect.amount"]),
    ("effect amount too large",
     lambda w: Effect.objects.bulk_create([Effect(action=w.action, target=w.target, amount=1e13)]),
     ["effect_amount_bounded"]),
    ("effect year 2301",
     lambda w: Effect.objects.bulk_create([Effect(action=w.action, target=w.target, amount=1, year=2301)]),
     ["effect_year_range"]),
    ("effect confidence",
     lambda w: Effect.objects.bulk_create([Effect(action=w.action, target=w.target, amount=1, confidence="sure")]),
     ["effect_confidence_valid"]),
    # commitments and the stale-evidence setting
    ("commitment without a name",
     lambda w: Commitment.objects.bulk_create([Commitment(workshop=w.workshop, name="", committed_at=timezone.now())]),
     ["commitment_name_present"]),
    ("evidence stale after 0 months",
     lambda w: update(w.workshop, evidence_stale_months=0),
     ["workshop_evidence_stale_months_range"]),
    ("evidence stale after 121 months",
     lambda w: update(w.workshop, evidence_stale_months=121),
     ["workshop_evidence_stale_months_range"]),
    # public page links
    ("public link revoked before it was made",
     lambda w: PublicLink.objects.bulk_create([PublicLink(
         workshop=w.workshop, token_hash="0" * 64, revoked_at=timezone.now() - datetime.timedelta(days=1))]),
     ["public_link_revoked_after_created"]),
    # update links and check-in rounds
    ("update link expiring when made",
     lambda w: UpdateLink.objects.bulk_create([UpdateLink(workshop=w.workshop, stakeholder=w.stakeholder,
                                                          token_hash="a" * 64, expires_at=timezone.now()
                                                          - datetime.timedelta(days=1))]),
     ["update_link_expires_after_creation"]),
    ("update link hash not 64 characters",
     lambda w: UpdateLink.objects.bulk_create([UpdateLink(workshop=w.workshop, stakeholder=w.stakeholder,
                                                          token_hash="secret", expires_at=timezone.now()
                                                          + datetime.timedelta(days=1))]),
     ["update_link_hash_length"]),
    ("update link hash repeated",
     lambda w: UpdateLink.objects.bulk_create([UpdateLink(workshop=w.workshop, stakeholder=w.stakeholder,
                                                          token_hash="b" * 64, expires_at=timezone.now()
                                                          + datetime.timedelta(days=1)) for _ in range(2)]),
     ["token_hash"]),
    ("second open check-in round",
     lambda w: CheckInRound.objects.bulk_create([CheckInRound(workshop=w.workshop) for _ in range(2)]),
     ["checkin_one_open_round", "visions_checkinround.workshop_id"]),
    ("check-in round closed before it opened",
     lambda w: CheckInRound.objects.bulk_create([CheckInRound(workshop=w.workshop, closed_at=timezone.now()
                                                              - datetime.timedelta(days=1))]),
     ["checkin_closed_after_opened"]),
    ("check-in message 1001 characters",
     lambda w: CheckInRound.objects.bulk_create([CheckInRound(workshop=w.workshop, message="x" * 1001)]),
     ["checkin_message_length"]),
    # PDF renders
    ("second render of one revision",
     lambda w: PdfRender.objects.bulk_create([PdfRender(workshop=w.workshop, revision=7, language="en") for _ in range(2)]),
     ["pdf_render_one_per_revision", "visions_pdfrender.workshop_id"]),
    ("second render of one commitment",
     lambda w: PdfRender.objects.bulk_create([
         PdfRender(workshop=w.workshop, revision=0, language="en", commitment=Commitment.objects.create(
             workshop=w.workshop, name="Board", committed_at=timezone.now(), snapshot={}))
         for _ in range(1)
     ] * 2),
     ["pdf_render_one_per_commitment", "visions_pdfrender.commitment_id"]),
    ("render status",
     lambda w: PdfRender.objects.bulk_create([PdfRender(workshop=w.workshop, revision=7, language="en", status="lost")]),
     ["pdf_render_status_valid"]),
]


@pytest.mark.parametrize(
    "write, mentions", [case[1:] for case in VALUE_CASES], ids=[case[0] for case in VALUE_CASES]
)
def test_database_refuses(here, write, mentions):
    with refused(*mentions):
        write(here)


def test_every_model_constraint_has_a_case():
    declared = {
        constraint.name
        for model in apps.get_app_config("visions").get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, (models.CheckConstraint, models.UniqueConstraint))
    }
    covered = {mention for _case, _write, mentions in VALUE_CASES for mention in mentions}

    assert declared - covered == set()


def test_a_refused_write_changes_nothing(here):
    with refused("target_value_bounded", "visions_target.target_value"):
        update(here.target, target_value=NAN)

    here.target.refresh_from_db()
    assert here.target.target_value == 90.0


def test_the_boundaries_themselves_are_allowed(here):
    update(here.workshop, base_year=1900, target_year=2300)
    update(here.action, start_year=1900, end_year=1900, progress=100)
    update(here.score, impact=5, feasibility=1)
    update(here.goal, goal=17)
    update(here.vote, dots=1)
    update(here.target, target_value=-1e15)
    update(here.assessment, as_of=datetime.date(2300, 12, 31), value=1e15)
    update(here.workshop, dot_budget=100, priority_count=1000, timer_remaining=240 * 60, theme="x" * 5000)
    update(here.vote, dots=100)
    update(here.vision, statement="x" * 2000)
    update(here.issue, description="x" * 5000)

    assert Action.objects.get(pk=here.action.pk).progress == 100


def test_participants_may_leave_their_sector_blank(here):
    update(here.participant, sector="")

    assert Participant.objects.get(pk=here.participant.pk).sector == ""


def test_adopting_another_vision_archives_the_first(here):
    here.proposed.adopt()

    statuses = dict(Vision.objects.filter(workshop=here.workshop).values_list("pk", "status"))
    assert statuses == {here.vision.pk: "archived", here.proposed.pk: "adopted"}


def test_each_workshop_may_adopt_one_vision(here, there):
    assert Vision.objects.filter(status="adopted").count() == 2


# --- links stay inside one workshop -------------------------------------------------------------

# (case, bad write linking workshop `w` to another workshop `o`)
CROSS_CASES = [
    ("target of a vision elsewhere",
     lambda w, o: Target.objects.create(workshop=w.workshop, vision=o.vision, indicator="x",
                                        direction="increase", target_value=1, target_year=2050)),
    ("target of a vision elsewhere by bulk_create",
     lambda w, o: Target.objects.bulk_create([Target(workshop=w.workshop, vision=o.vision, indicator="x",
                                                     direction="increase", target_value=1,
                                                     target_year=2050)])),
    ("target moved to a vision elsewhere", lambda w, o: update(w.target, vision=o.vision)),
    ("issue with a theme elsewhere",
     lambda w, o: Issue.objects.create(workshop=w.workshop, title="x", theme=o.theme)),
    ("issue with a target elsewhere",
     lambda w, o: Issue.objects.create(workshop=w.workshop, title="x", origin="derived", target=o.target)),
    ("issue with an author elsewhere",
     lambda w, o: Issue.objects.create(workshop=w.workshop, title="x", author=o.participant)),
    ("issue given a theme elsewhere by update", lambda w, o: update(w.issue, theme=o.theme)),
    ("issue given an author elsewhere by update", lambda w, o: update(w.issue, author=o.participant)),
    ("derived issue pointed at a target elsewhere",
     lambda w, o: update(w.derived, target=TargetFactory(workshop=o.workshop, vision=o.vision))),
    ("owner elsewhere by add", lambda w, o: w.action.owners.add(o.stakeholder)),
    ("owner elsewhere by reverse add", lambda w, o: o.stakeholder.actions.add(w.action)),
    ("owner elsewhere by bulk_create",
     lambda w, o: ActionOwner.objects.bulk_create([ActionOwner(action=w.action, stakeholder=o.stakeholder)])),
    ("owner row pointed elsewhere", lambda w, o: update(w.owner, stakeholder=o.stakeholder)),
    ("addressed issue elsewhere by add", lambda w, o: w.action.addresses.add(o.issue)),
    ("addressed issue elsewhere by bulk_create",
     lambda w, o: ActionIssue.objects.bulk_create([ActionIssue(action=w.action, issue=o.issue)])),
    ("dependency across workshops",
     lambda w, o: ActionDependency.objects.create(action=w.action, prerequisite=o.prerequisite)),
    ("dependency across workshops by add", lambda w, o: w.action.depends_on.add(o.prerequisite)),
    ("dependency across workshops by bulk_create",
     lambda w, o: ActionDependency.objects.bulk_create([ActionDependency(action=w.action,
                                                                        prerequisite=o.prerequisite)])),
    ("action milestone elsewhere", lambda w, o: update(w.action, milestone=o.milestone)),
    ("milestone proposed by a participant elsewhere",
     lambda w, o: update(w.milestone, proposed_by=o.participant)),
    ("vote by a participant elsewhere",
     lambda w, o: IssueVote.objects.create(issue=w.issue, participant=o.other_participant, dots=1)),
    ("vote by a participant elsewhere by bulk_create",
     lambda w, o: IssueVote.objects.bulk_create([IssueVote(issue=w.issue, participant=o.other_participant,
                                                           dots=1)])),
    ("vote moved to an issue elsewhere", lambda w, o: update(w.vote, issue=o.issue)),
    ("score by a participant elsewhere",
     lambda w, o: IssueScore.objects.create(issue=w.issue, participant=o.other_participant, impact=1,
                                            feasibility=1)),
    ("score by a participant elsewhere by bulk_create",
     lambda w, o: IssueScore.objects.bulk_create([IssueScore(issue=w.issue, participant=o.other_participant,
                                                             impact=1, feasibility=1)])),
    ("endorsement by a participant elsewhere",
     lambda w, o: Endorsement.objects.create(vision=w.vision, participant=o.other_participant)),
    ("endorsement elsewhere by add", lambda w, o: w.vision.endorsed_by.add(o.other_participant)),
    ("endorsement elsewhere by bulk_create",
     lambda w, o: Endorsement.objects.bulk_create([Endorsement(vision=w.vision,
                                                               participant=o.other_participant)])),
    ("assessment by an author elsewhere",
     lambda w, o: Assessment.objects.create(target=w.target, value=1, as_of=datetime.date(2025, 1, 1),
                                            author=o.participant)),
    ("assessment by an author elsewhere by bulk_create",
     lambda w, o: Assessment.objects.bulk_create([Assessment(target=w.target, value=1, author=o.participant,
                                                             as_of=datetime.date(2025, 1, 1))])),
    ("participant of an organisation elsewhere",
     lambda w, o: update(w.participant, stakeholder=o.stakeholder)),
    ("vision by an author elsewhere", lambda w, o: update(w.vision, author=o.participant)),
    ("update link for an organisation elsewhere",
     lambda w, o: UpdateLink.objects.bulk_create([UpdateLink(workshop=w.workshop, stakeholder=o.stakeholder,
                                                             token_hash="c" * 64, expires_at=timezone.now()
                                                             + datetime.timedelta(days=1))])),
    ("activity through a link elsewhere",
     lambda w, o: Activity.objects.create(workshop=w.workshop, verb="progress", subject_type="action",
                                          actor_link=UpdateLink.issue(o.workshop, o.stakeholder)[0])),
    ("activity by a participant elsewhere",
     lambda w, o: Activity.objects.create(workshop=w.workshop, verb="created", subject_type="issue",
                                          subject_id=w.issue.pk, actor_participant=o.participant)),
]


@pytest.mark.parametrize("write", [case[1] for case in CROSS_CASES], ids=[case[0] for case in CROSS_CASES])
def test_no_link_to_another_workshop(here, there, write):
    with refused(OUTSIDE):
        write(here, there)


MOVE_CASES = [
    ("stakeholder", lambda w: w.stakeholder),
    ("participant", lambda w: w.other_participant),
    ("vision", lambda w: w.proposed),
    ("target", lambda w: w.target),
    ("theme", lambda w: Theme.objects.create(workshop=w.workshop, name="care")),
    ("issue", lambda w: w.issue),
    ("milestone", lambda w: w.milestone),
    ("action", lambda w: w.prerequisite),
]


@pytest.mark.parametrize("pick", [case[1] for case in MOVE_CASES], ids=[case[0] for case in MOVE_CASES])
def test_nothing_moves_to_another_workshop(here, there, pick):
    # Moving would leave the rows that link to it pointing across workshops. A row that links
    # to others is also refused for that reason; which check speaks first depends on the database.
    with refused(MOVES, OUTSIDE):
        update(pick(here), workshop=there.workshop)


def test_links_inside_one_workshop_are_written_around_the_models_too(here):
    second_stakeholder = StakeholderFactory(workshop=here.workshop)
    ActionOwner.objects.bulk_create([ActionOwner(action=here.prerequisite, stakeholder=second_stakeholder)])
    IssueVote.objects.bulk_create([IssueVote(issue=here.issue, participant=here.other_participant, dots=3)])
    update(here.derived, theme=here.theme, author=here.other_participant)
    update(here.participant, stakeholder=second_stakeholder)
    here.prerequisite.addresses.add(here.derived)

    assert set(here.prerequisite.owners.all()) == {second_stakeholder}
    assert here.issue.votes.count() == 2
    assert Issue.objects.get(pk=here.derived.pk).theme == here.theme


def test_deleting_an_organisation_unlinks_its_people(here):
    here.stakeholder.delete()

    assert Participant.objects.get(pk=here.participant.pk).stakeholder is None


def test_deleting_a_workshop_leaves_the_other_alone(here, there):
    here.workshop.delete()

    assert not Issue.objects.filter(workshop_id=here.workshop.pk).exists()
    assert Stakeholder.objects.filter(workshop=there.workshop).count() == 1
    assert Milestone.objects.filter(workshop=there.workshop).count() == 1


def test_reinstalling_the_triggers_keeps_one_set_and_keeps_refusing(here, there):
    # `migrate` drops them before migrating and installs them after; doing so again must be harmless.
    drop_triggers(connection)
    ActionOwner.objects.bulk_create([ActionOwner(action=here.action, stakeholder=there.stakeholder)])
    slipped = ActionOwner.objects.filter(action=here.action, stakeholder=there.stakeholder)
    deleted, _by_model = slipped.delete()
    assert deleted == 1  # without the triggers, the write around save() slipped through

    installed = install_triggers(connection)
    assert install_triggers(connection) == installed == len(workshop_links())

    with refused(OUTSIDE):
        ActionOwner.objects.bulk_create([ActionOwner(action=here.action, stakeholder=there.stakeholder)])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="writes past the checks with SQLite's pragma")
def test_the_bounds_migration_brings_old_rows_inside_the_limits(here):
    # Findings 1 and 5: rows written before 0004_bounds would stop its constraints; it clamps and shortens them.
    import importlib

    bounds = importlib.import_module("visions.migrations.0004_bounds")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints = ON")
    try:
        update(here.assessment, value=1e308)
        update(here.target, target_value=-1e308)
        update(here.issue, description="x" * 11_000_000)
        update(here.workshop, dot_budget=32767)
        bounds.within_bounds(apps, SimpleNamespace(connection=connection))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")

    assert Assessment.objects.get(pk=here.assessment.pk).value == 1e15
    assert Target.objects.get(pk=here.target.pk).target_value == -1e15
    description = Issue.objects.get(pk=here.issue.pk).description
    assert len(description) == 5000 and description.endswith("…")
    assert Workshop.objects.get(pk=here.workshop.pk).dot_budget == 100
