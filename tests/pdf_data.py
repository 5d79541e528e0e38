"""A whole workshop of any size, in Japanese and English: shared by the PDF tests and bench/pdf_bench.py."""

import random

from visions.documents.workshop_file import import_document
from visions.models import ActionStatus, IssueOrigin, Sector, Target, Workshop

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


WORKSHOP = {"title": "Workshop", "theme": "Super-aged society", "region": "Tokushima", "language": "ja",
            "base_year": 2026, "target_year": 2050}


def build_workshop(scale=1, *, seed=7, texts=None, **workshop):
    """A new workshop of about `scale` × (2 targets, 12 issues, 12 actions), imported from a document.

    `workshop` sets its fields (title, language, ...); `texts` (optional) replaces every
    piece of user text, e.g. with markup that must stay inert.
    """
    return import_document(workshop_document(scale, seed=seed, texts=texts, **workshop))


def workshop_document(scale=1, *, seed=7, texts=None, **workshop):
    """The workshop file of build_workshop."""
    rng = random.Random(seed)
    workshop = {**WORKSHOP, **workshop}

    def text(default, limit=None):
        # Cut to the column's length: the file may not be longer (a cut tag must stay inert too).
        return texts[:limit] if texts is not None else default

    stakeholders, people = _organisations_and_people(scale, text)
    keys = [person["key"] for person in people]
    vision = {
        "key": "v1",
        "statement": text(
            "2050年、誰もが住み慣れた地域で健康に暮らしている。"
            "In 2050, everyone lives healthily in their own community."
        ),
        "status": "adopted",
        "sdgs": [3, 11, 17],
        "author": keys[0],
        "endorsed_by": keys[1:4],
    }
    themes = [name if texts is None else f"{n} {texts}"[:200]
              for n, name in enumerate(("医療・介護", "移動・交通", "Work and learning"))]
    targets, assessments, gap_issues = _evidence(scale, rng, text, keys, workshop["language"])
    issues = gap_issues + _voted_issues(scale, rng, text, keys, themes, gap_issues)
    milestones, actions = _roadmap(scale, rng, text, workshop, stakeholders, [i["key"] for i in issues])
    return {
        "format": "futurecenter-workshop",
        "version": 1,
        "workshop": workshop,
        "stakeholders": stakeholders,
        "participants": people,
        "visions": [vision],
        "targets": targets,
        "assessments": assessments,
        "issues": issues,
        "milestones": milestones,
        "actions": actions,
    }


def _organisations_and_people(scale, text):
    stakeholders = [
        {"key": f"s{n}-{sector}", "name": text(f"{label} 組織 {n}", 200), "sector": sector,
         "discipline": text("地域福祉", 200)}
        for n in range(1, 1 + max(1, scale))
        for sector, label in Sector.choices
    ]
    people = [
        {
            "key": f"p{n}",
            "display_name": text(f"{NAMES[n % len(NAMES)]} {n}", 100),
            "sector": stakeholders[n % len(stakeholders)]["sector"],
            "discipline": text(["老年看護学", "public policy", "ロボット工学", "地域金融"][n % 4], 200),
            "stakeholder": stakeholders[n % len(stakeholders)]["key"],
        }
        for n in range(4 + 2 * scale)
    ]
    return stakeholders, people


def _evidence(scale, rng, text, keys, language):
    """Targets, their assessments and the gap issue the app derives from each."""
    targets, assessments, gap_issues = [], [], []
    for n in range(2 * scale):
        indicator, unit, direction, goal, start, slope = INDICATORS[n % len(INDICATORS)]
        target = {"key": f"t{n}", "vision": "v1", "indicator": text(f"{indicator} ({n + 1})"),
                  "unit": text(unit, 50), "direction": direction, "target_value": goal}
        targets.append(target)
        for k, year in enumerate(range(2018, 2026, 2)):
            assessments.append({
                "target": target["key"],
                "value": round(start + slope * (year - 2018) + rng.uniform(-0.5, 0.5), 2),
                "as_of": f"{year}-04-01",
                "source": text(f"https://example.org/stats/{year}"),
                "note": text("県統計年鑑" if k % 2 else ""),
                "author": keys[k % len(keys)],
            })
        # Written out, with the title the app gives it, so that it can be voted on like the others.
        unsaved = Target(indicator=target["indicator"], workshop=Workshop(language=language))
        gap_issues.append({"key": f"gap{n}", "origin": IssueOrigin.DERIVED, "target": target["key"],
                           "title": unsaved.derived_issue_title()})
    return targets, assessments, gap_issues


def _voted_issues(scale, rng, text, keys, themes, gap_issues):
    """The participants' issues; votes and scores go on these and on the gap issues."""
    issues = [
        {
            "key": f"i{n}",
            "title": text(f"{TOPICS[n % len(TOPICS)]} — 課題 {n + 1}", 200),
            "description": text(DESCRIPTION if n % 2 else ""),
            "theme": themes[n % len(themes)],
            "author": keys[n % len(keys)],
        }
        for n in range(10 * scale)
    ]
    for issue in gap_issues + issues:
        voters = rng.sample(keys, k=min(len(keys), rng.randint(0, 4)))
        issue["votes"], issue["scores"] = [], []
        for key in voters:
            issue["votes"].append({"participant": key, "dots": rng.randint(1, 3)})
            issue["scores"].append(
                {"participant": key, "impact": rng.randint(1, 5), "feasibility": rng.randint(1, 5)}
            )
    return issues


def _roadmap(scale, rng, text, workshop, stakeholders, issue_keys):
    base_year, target_year = workshop["base_year"], workshop["target_year"]
    span = target_year - base_year
    milestones = [
        {"key": f"m{year}", "year": year, "title": text(f"{year}年までに: {rng.choice(TOPICS)}", 200)}
        for year in (base_year + 4, base_year + span // 2, target_year)
    ]
    actions = []
    for n in range(12 * scale):
        start = base_year + rng.randint(0, span - 2)
        actions.append({
            "key": f"a{n}",
            "title": text(f"{TOPICS[(n * 3) % len(TOPICS)]} {n + 1}", 200),
            "description": text(DESCRIPTION if n % 3 == 0 else ""),
            "start_year": start,
            "end_year": min(target_year, start + rng.choice([1, 2, 4, 6])),
            "milestone": rng.choice([m["key"] for m in milestones] + [None]),
            "status": rng.choice(ActionStatus.values),
            "progress": rng.choice([0, 20, 50, 80, 100]),
        })
    for n, action in enumerate(actions):
        action["owners"] = [s["key"] for s in rng.sample(stakeholders, k=rng.randint(1, 3))]
        addressed = rng.sample(issue_keys, k=min(len(issue_keys), rng.randint(1, 2)))
        # Leave some issues unaddressed, so the findings have something to say.
        action["addresses"] = addressed if n % 7 else []
        action["depends_on"] = [actions[n - 1]["key"]] if n > 0 and n % 4 == 0 else []
    return milestones, actions
