"""A roadmap of any size with a realistic mix.

Shared by the roadmap tests and bench/timeline_screenshots.py.
"""

import random

from visions.models import Action, ActionDependency, ActionIssue, ActionOwner, ActionStatus, Milestone, Sector

from tests.factories import IssueFactory, StakeholderFactory

WORDS = [
    "Community care hubs",
    "地域包括ケアの拠点整備",
    "Autonomous bus pilot",
    "遠隔診療ネットワーク",
    "Dementia-friendly shops",
    "Open data on mobility",
    "高齢者の就労マッチング",
    "Nursing robot trials",
    "Volunteer driver scheme",
    "Frailty screening",
    "空き家を活用したサロン",
    "Digital literacy classes for everyone over seventy",
    "Barrier-free station upgrades",
    "産学官連携の介護DX研究",
    "Home adaptation grants",
]


def build_roadmap(workshop, action_count, *, seed=1):
    """Stakeholders in every sector, milestones, issues and `action_count` linked actions."""
    rng = random.Random(seed)
    stakeholders = [
        StakeholderFactory(workshop=workshop, sector=sector, name=f"{label} {n}")
        for sector, label in Sector.choices
        for n in (1, 2)
    ]
    span = workshop.target_year - workshop.base_year
    milestones = [
        Milestone.objects.create(workshop=workshop, year=year, title=f"By {year}: {rng.choice(WORDS)}")
        for year in (workshop.base_year + 1, workshop.target_year - 20, workshop.target_year - 10,
                     workshop.target_year)
        if year > workshop.base_year
    ]
    issues = [IssueFactory(workshop=workshop, title=f"Issue {n}: {rng.choice(WORDS)}") for n in range(12)]
    actions = []
    for n in range(action_count):
        start = workshop.base_year + rng.randint(0, span - 1)
        end = min(workshop.target_year, start + rng.choice([0, 1, 2, 3, 4, 6, 9]))
        status = rng.choice(ActionStatus.values)
        actions.append(
            Action(
                workshop=workshop,
                title=f"{rng.choice(WORDS)} #{n + 1}",
                start_year=start,
                end_year=end,
                status=status,
                progress={"planned": 0, "done": 100}.get(status, rng.randint(0, 100)),
                milestone=rng.choice([*milestones, None]),
            )
        )
    actions = Action.objects.bulk_create(actions)
    owners, links, dependencies = [], [], []
    for index, action in enumerate(actions):
        how_many = rng.choice([0, 1, 1, 1, 1, 2, 2, 3]) if index else 1
        for stakeholder in rng.sample(stakeholders, how_many):
            owners.append(ActionOwner(action=action, stakeholder=stakeholder))
        for issue in rng.sample(issues, rng.choice([0, 1, 1, 2])):
            links.append(ActionIssue(action=action, issue=issue))
        # Prerequisites only from earlier actions keeps the graph acyclic; a few break the order.
        in_order = [a for a in actions[:index] if a.end_year <= action.start_year]
        roll = rng.random()
        if in_order and roll < 0.3:
            dependencies.append(ActionDependency(action=action, prerequisite=rng.choice(in_order)))
        elif index and roll > 0.97:
            dependencies.append(ActionDependency(action=action, prerequisite=actions[rng.randrange(index)]))
    ActionOwner.objects.bulk_create(owners)
    ActionIssue.objects.bulk_create(links)
    ActionDependency.objects.bulk_create(dependencies)
    return actions
