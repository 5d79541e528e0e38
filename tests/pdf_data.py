"""A whole workshop of any size, in Japanese and English: shared by the PDF tests and bench/pdf_bench.py."""

import datetime
import random

from visions.models import (
    Action,
    ActionDependency,
    ActionIssue,
    ActionOwner,
    ActionStatus,
    Assessment,
    Endorsement,
    Issue,
    IssueScore,
    IssueVote,
    Milestone,
    Participant,
    Role,
    Sector,
    Stakeholder,
    Target,
    Theme,
    Vision,
    VisionStatus,
)

NAMES = ["山田 恵子", "佐藤 健一", "Emily Carter", "中村 由美", "Raj Patel", "木村 春子", "高橋 翔", "井上 誠"]
INDICATORS = [
    ("健康寿命（男女平均）", "年", "increase", 76.0, 72.0, 0.25),
    ("特別養護老人ホーム入所待機者数", "人", "decrease", 300.0, 2400.0, -70.0),
    ("Share of older residents who meet someone weekly", "%", "increase", 95.0, 78.0, -0.3),
    ("高齢者1,000人あたりの介護職員数", "人", "increase", 45.0, 33.0, 0.5),
    ("運輸部門のCO2排出量", "万t-CO2", "decrease", 60.0, 180.0, -2.0),
]
TOPICS = [
    "地域包括ケアの拠点整備",
    "Community care hubs in every district",
    "遠隔診療ネットワーク",
    "Autonomous bus pilot on rural routes",
    "高齢者の就労マッチング",
    "Digital literacy classes for everyone over seventy",
    "空き家を活用したサロン",
    "産学官連携の介護DX研究",
]
DESCRIPTION = (
    "県内の介護職員の離職率は全産業平均を上回る。若手ほど夜勤を理由に辞めている。"
    "Small care homes cannot afford the upfront cost of robots and sensors."
)


def build_workshop(workshop, scale=1, *, seed=7, texts=None):
    """Fill `workshop` with about `scale` × (2 targets, 12 issues, 12 actions) and everything around them.

    `texts` (optional) replaces every piece of user text, e.g. with markup that must stay inert.
    """
    rng = random.Random(seed)

    def text(default, limit=None):
        # Cut to the column's length: PostgreSQL enforces it (a cut tag must stay inert too).
        return texts[:limit] if texts is not None else default

    stakeholders = [
        Stakeholder.objects.create(
            workshop=workshop, name=text(f"{label} 組織 {n}", 200), sector=sector,
            discipline=text("地域福祉", 200),
        )
        for n in range(1, 1 + max(1, scale))
        for sector, label in Sector.choices
    ]
    people = [
        Participant.objects.create(
            workshop=workshop,
            display_name=text(f"{NAMES[n % len(NAMES)]} {n}", 100),
            role=Role.PARTICIPANT,
            sector=stakeholders[n % len(stakeholders)].sector,
            discipline=text(["老年看護学", "public policy", "ロボット工学", "地域金融"][n % 4], 200),
            stakeholder=stakeholders[n % len(stakeholders)],
        )
        for n in range(4 + 2 * scale)
    ]
    vision = Vision.objects.create(
        workshop=workshop,
        statement=text(
            "2050年、誰もが住み慣れた地域で健康に暮らしている。"
            "In 2050, everyone lives healthily in their own community."
        ),
        target_year=workshop.target_year,
        status=VisionStatus.ADOPTED,
        author=people[0],
    )
    vision.set_sdgs([3, 11, 17])
    for person in people[1:4]:
        Endorsement.objects.create(vision=vision, participant=person)

    themes = [
        Theme.objects.create(workshop=workshop, name=name if texts is None else f"{n} {texts}"[:200])
        for n, name in enumerate(("医療・介護", "移動・交通", "Work and learning"))
    ]
    for n in range(2 * scale):
        indicator, unit, direction, goal, start, slope = INDICATORS[n % len(INDICATORS)]
        target = Target.objects.create(
            workshop=workshop,
            vision=vision,
            indicator=text(f"{indicator} ({n + 1})"),
            unit=text(unit, 50),
            direction=direction,
            target_value=goal,
            target_year=workshop.target_year,
        )
        for k, year in enumerate(range(2018, 2026, 2)):
            Assessment.objects.create(
                target=target,
                value=round(start + slope * (year - 2018) + rng.uniform(-0.5, 0.5), 2),
                as_of=datetime.date(year, 4, 1),
                source=text(f"https://example.org/stats/{year}"),
                note=text("県統計年鑑" if k % 2 else ""),
                author=people[k % len(people)],
            )

    issues = list(Issue.objects.filter(workshop=workshop))
    for n in range(10 * scale):
        issues.append(
            Issue.objects.create(
                workshop=workshop,
                title=text(f"{TOPICS[n % len(TOPICS)]} — 課題 {n + 1}"),
                description=text(DESCRIPTION if n % 2 else ""),
                theme=themes[n % len(themes)],
                author=people[n % len(people)],
            )
        )
    for issue in issues:
        for person in rng.sample(people, k=min(len(people), rng.randint(0, 4))):
            IssueVote.objects.create(issue=issue, participant=person, dots=rng.randint(1, 3))
            IssueScore.objects.create(
                issue=issue, participant=person, impact=rng.randint(1, 5), feasibility=rng.randint(1, 5)
            )

    span = workshop.target_year - workshop.base_year
    milestones = [
        Milestone.objects.create(workshop=workshop, year=year, title=text(f"{year}年までに: {rng.choice(TOPICS)}"))
        for year in (workshop.base_year + 4, workshop.base_year + span // 2, workshop.target_year)
    ]
    actions = []
    for n in range(12 * scale):
        start = workshop.base_year + rng.randint(0, span - 2)
        actions.append(
            Action.objects.create(
                workshop=workshop,
                title=text(f"{TOPICS[(n * 3) % len(TOPICS)]} {n + 1}"),
                description=text(DESCRIPTION if n % 3 == 0 else ""),
                start_year=start,
                end_year=min(workshop.target_year, start + rng.choice([1, 2, 4, 6])),
                milestone=rng.choice(milestones + [None]),
                status=rng.choice(ActionStatus.values),
                progress=rng.choice([0, 20, 50, 80, 100]),
            )
        )
    for n, action in enumerate(actions):
        for stakeholder in rng.sample(stakeholders, k=rng.randint(1, 3)):
            ActionOwner.objects.create(action=action, stakeholder=stakeholder)
        for issue in rng.sample(issues, k=min(len(issues), rng.randint(1, 2))):
            if n % 7:  # leave some issues unaddressed, so the findings have something to say
                ActionIssue.objects.create(action=action, issue=issue)
        if n > 0 and n % 4 == 0:
            ActionDependency.objects.create(action=action, prerequisite=actions[n - 1])
    return workshop
