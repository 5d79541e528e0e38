"""The demo workshop the app opens with: a super-aged prefecture backcasting to 2050.

「みらい県」 is fictional; its numbers are plausible for a rural Japanese prefecture
where about 41% of residents are 65 or older by 2055. The room is mixed, so a few
people write in English. The roadmap deliberately keeps two issues unaddressed, one
ordering violation and one action that began before the base year, so that the
coverage checks have something to show.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation

from visions.models import (
    Action,
    ActionStatus,
    Activity,
    Assessment,
    Endorsement,
    Issue,
    IssueOrigin,
    IssueScore,
    IssueVote,
    Milestone,
    Participant,
    Phase,
    Role,
    Sector,
    Stakeholder,
    Target,
    Theme,
    Vision,
    Workshop,
)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-facilitator"

# Stored in the workshop's "created" activity, so the demo is recognised even after a rename.
DEMO_MARKER = "mirai-2050"

TITLE = "超高齢社会 2050 — みらい県 未来ビジョン・ワークショップ"
THEME = (
    "みらい県では2055年に県民の約41%が65歳以上になると見込まれています。"
    "2050年に「年を重ねても、住み慣れた地域で、健康に、つながって暮らせる県」を実現するために、"
    "行政・大学・企業・市民がバックキャスティングでロードマップを描きます。\n"
    "Super-aged society: by 2055 about 41% of Mirai Prefecture's residents will be 65 or older. "
    "Government, academia, industry and citizens backcast a shared roadmap to 2050."
)
REGION = "みらい県 (Mirai Prefecture)"
BASE_YEAR = 2026
TARGET_YEAR = 2050

STAKEHOLDERS = {
    "pref": ("みらい県庁 保健福祉部", Sector.GOVERNMENT, "保健福祉行政"),
    "city": ("みらい市役所 都市交通課", Sector.GOVERNMENT, "都市計画・地域交通"),
    "nursing": ("みらい県立大学 看護学部", Sector.ACADEMIA, "老年看護学"),
    "engineering": ("みらい県立大学 工学部", Sector.ACADEMIA, "ロボット工学・情報工学"),
    "transit": ("みらい交通株式会社", Sector.INDUSTRY, "公共交通"),
    "bank": ("みらい銀行", Sector.INDUSTRY, "地域金融"),
    "carerobo": ("CareRobo Lab 株式会社（介護ロボットのスタートアップ）", Sector.INDUSTRY, "介護ロボティクス"),
    "npo": ("NPO法人 つながるみらい", Sector.CITIZEN, "地域福祉"),
    "residents": ("みらい市自治会連合会", Sector.CITIZEN, "地域自治"),
}

# key: (display name, role, sector, discipline, stakeholder key or None)
PARTICIPANTS = {
    "facilitator": ("森本 ゆかり（ファシリテーター）", Role.FACILITATOR, "", "ファシリテーション", None),
    "yamada": ("山田 恵子", Role.PARTICIPANT, Sector.GOVERNMENT, "保健福祉行政", "pref"),
    "sato": ("佐藤 健一", Role.PARTICIPANT, Sector.GOVERNMENT, "都市計画", "city"),
    "nakamura": ("中村 由美", Role.PARTICIPANT, Sector.ACADEMIA, "老年看護学", "nursing"),
    "carter": ("Emily Carter", Role.PARTICIPANT, Sector.ACADEMIA, "gerontechnology", "engineering"),
    "takahashi": ("高橋 翔", Role.PARTICIPANT, Sector.ACADEMIA, "ロボット工学", "engineering"),
    "inoue": ("井上 誠", Role.PARTICIPANT, Sector.INDUSTRY, "公共交通", "transit"),
    "kobayashi": ("小林 美穂", Role.PARTICIPANT, Sector.INDUSTRY, "地域金融", "bank"),
    "matsumoto": ("松本 大輔", Role.PARTICIPANT, Sector.INDUSTRY, "介護ロボティクス", "carerobo"),
    "patel": ("Raj Patel", Role.PARTICIPANT, Sector.INDUSTRY, "product design", "carerobo"),
    "kimura": ("木村 春子", Role.PARTICIPANT, Sector.CITIZEN, "地域福祉", "npo"),
    "saito": ("斎藤 浩", Role.PARTICIPANT, Sector.CITIZEN, "地域自治", "residents"),
    "okada": ("岡田 さくら", Role.PARTICIPANT, Sector.CITIZEN, "高校生（若者代表）", None),
    "shimizu": ("清水 和夫", Role.PARTICIPANT, Sector.CITIZEN, "家族介護者", None),
    "fujita": ("藤田 理恵（みらい新聞）", Role.OBSERVER, Sector.INDUSTRY, "ジャーナリズム", None),
}

# Adopted last, so that the robot-centred vision adopted first ends up archived.
ADOPTED_VISION = "together"
FIRST_ADOPTED_VISION = "robots"

# key: (statement, SDGs, author, endorsed by)
VISIONS = {
    "robots": (
        "2050年、介護ロボットとデジタル技術によって介護人材の不足が解消され、"
        "誰もが必要なときに必要な介護を受けられる県になっている。",
        [3, 8, 9],
        "matsumoto",
        ["patel", "takahashi"],
    ),
    "together": (
        "2050年、みらい県では年齢や障がいにかかわらず、誰もが住み慣れた地域で健康に、"
        "役割とつながりを持って暮らしている。移動・医療・介護・仕事が地域の中でつながり、"
        "行政・大学・企業・市民が共にそれを支えている。\n"
        "In 2050, everyone in Mirai Prefecture, whatever their age, lives healthily in their own "
        "community, with a role and with people around them.",
        [3, 10, 11, 17],
        "nakamura",
        ["yamada", "sato", "carter", "inoue", "kobayashi", "kimura", "saito", "okada", "shimizu"],
    ),
    "lifelong": (
        "By 2050, older residents are active contributors — working, teaching and learning "
        "alongside younger generations.\n"
        "2050年、高齢者が地域の仕事と学びの担い手として活躍し、世代を超えて支え合っている。",
        [4, 8, 10],
        "carter",
        ["kobayashi", "okada"],
    ),
    "mobility": (
        "2050年、車がなくても誰もが30分以内に病院・買い物・職場へ行ける、脱炭素の地域交通が実現している。",
        [7, 11, 13],
        "inoue",
        ["sato", "saito"],
    ),
}

THEMES = {
    "mobility": "移動・交通",
    "care": "医療・介護",
    "community": "地域のつながり",
    "work": "仕事と学び",
}

# Targets of the adopted vision, each with its evidence (as_of, value, source, note, author)
# and the theme and description of the gap issue the app derives from it.
TARGETS = {
    "healthy_life": {
        "indicator": "健康寿命（男女平均）",
        "unit": "年",
        "direction": "increase",
        "target_value": 76.0,
        "theme": "care",
        "gap_description": "健康寿命は延びているが、平均寿命との差（約10年）は縮まっていない。",
        "assessments": [
            ("2019-12-31", 72.4, "みらい県 健康寿命算定報告 2019", "国民生活基礎調査をもとに県が算定", "nakamura"),
            ("2022-12-31", 72.9, "みらい県 健康寿命算定報告 2022", "", "nakamura"),
            ("2025-12-31", 73.4, "https://example.org/mirai/health/healthy-life-2025", "速報値", "yamada"),
        ],
    },
    "contact": {
        "indicator": "一人暮らし高齢者のうち週1回以上人と交流がある人の割合",
        "unit": "%",
        "direction": "increase",
        "target_value": 95.0,
        "theme": "community",
        "gap_description": "コロナ禍で下がった交流の割合が戻りきっていない。自治会の担い手も減っている。",
        "assessments": [
            ("2019-10-01", 78.0, "県 高齢者実態調査（2019年度）", "", "kimura"),
            ("2022-10-01", 74.5, "県 高齢者実態調査（2022年度）", "コロナ禍で通いの場が休止", "kimura"),
            ("2024-10-01", 76.0, "県 高齢者実態調査（2024年度）", "", "saito"),
            ("2026-01-15", 76.5, "NPO法人つながるみらい 見守り訪問記録", "対象3地区のみ", "kimura"),
        ],
    },
    "waiting_list": {
        "indicator": "特別養護老人ホーム入所待機者数",
        "unit": "人",
        "direction": "decrease",
        "target_value": 300.0,
        "theme": "care",
        "gap_description": "待機者は減っているが、在宅で介護する家族の負担は重いまま。",
        "assessments": [
            ("2018-04-01", 2400.0, "みらい県 統計年鑑 2018", "", "yamada"),
            ("2020-04-01", 2260.0, "みらい県 統計年鑑 2020", "", "yamada"),
            ("2022-04-01", 2130.0, "みらい県 統計年鑑 2022", "", "yamada"),
            ("2024-04-01", 1990.0, "みらい県 統計年鑑 2024", "", "yamada"),
            (
                "2025-04-01",
                1930.0,
                "https://example.org/mirai/welfare/waiting-list-2025",
                "県保健福祉部 集計",
                "yamada",
            ),
        ],
    },
    "transit_access": {
        "indicator": "自宅から500m以内に公共交通の乗降場所がある高齢者の割合",
        "unit": "%",
        "direction": "increase",
        "target_value": 90.0,
        "theme": "mobility",
        "gap_description": "路線バスの減便・廃止で、中山間地域のカバー率が下がり続けている。",
        "assessments": [
            ("2018-03-31", 68.0, "みらい県 地域公共交通網形成計画 2018", "", "sato"),
            ("2021-03-31", 66.2, "みらい県 地域公共交通計画 中間評価", "3路線廃止", "sato"),
            (
                "2024-03-31",
                65.1,
                "https://example.org/mirai/transport/gis-2024",
                "GIS分析（県立大学工学部）",
                "takahashi",
            ),
        ],
    },
    "care_workers": {
        "indicator": "高齢者1,000人あたりの介護職員数",
        "unit": "人",
        "direction": "increase",
        "target_value": 45.0,
        "theme": "care",
        "gap_description": "職員数は増えているが離職率が高く、夜勤を担える人が足りない。",
        "assessments": [
            ("2018-10-01", 33.0, "介護サービス施設・事業所調査（県集計）2018", "", "nakamura"),
            ("2020-10-01", 34.1, "介護サービス施設・事業所調査（県集計）2020", "", "nakamura"),
            ("2022-10-01", 35.0, "介護サービス施設・事業所調査（県集計）2022", "", "nakamura"),
            ("2024-10-01", 35.8, "介護サービス施設・事業所調査（県集計）2024", "", "matsumoto"),
            ("2025-10-01", 36.4, "https://example.org/mirai/care/workforce-2025", "速報値", "matsumoto"),
        ],
    },
    "transport_co2": {
        "indicator": "運輸部門のCO2排出量",
        "unit": "万t-CO2",
        "direction": "decrease",
        "target_value": 60.0,
        "theme": "mobility",
        "gap_description": "自家用車への依存が高く、排出量はほとんど減っていない。",
        "assessments": [
            ("2018-03-31", 180.0, "みらい県 温室効果ガス排出量算定 2018", "", "takahashi"),
            ("2020-03-31", 168.0, "みらい県 温室効果ガス排出量算定 2020", "", "takahashi"),
            ("2022-03-31", 172.0, "みらい県 温室効果ガス排出量算定 2022", "移動の回復で増加", "takahashi"),
            ("2024-03-31", 166.0, "https://example.org/mirai/env/ghg-2024", "", "inoue"),
        ],
    },
}

# key: (theme, author, title, description)
ISSUES = {
    "bus_cuts": (
        "mobility",
        "saito",
        "路線バスの減便・廃止で、通院や買い物に行けない高齢者が増えている",
        "運転手不足で2023年以降に5路線が減便。中山間地域では1日2便の集落もある。",
    ),
    "after_license": (
        "mobility",
        "shimizu",
        "運転免許を返納した後の移動手段がない",
        "父が免許を返納してから、通院のたびに私が仕事を休んで送迎している。",
    ),
    "demand_funding": (
        "mobility",
        "inoue",
        "デマンド交通の実証実験が補助金の終了とともに終わってしまう",
        "Pilots end when the subsidy ends — there is no sustainable business model yet.",
    ),
    "caregiver_turnover": (
        "care",
        "nakamura",
        "介護職員の離職率が高く、夜勤の負担が大きい",
        "県内の介護職員の離職率は全産業平均を上回る。若手ほど夜勤を理由に辞めている。",
    ),
    "robot_cost": (
        "care",
        "patel",
        "介護ロボット・見守りセンサーの導入費用が小規模事業所には重い",
        "Small care homes cannot afford the upfront cost of robots and sensors, even with subsidies.",
    ),
    "business_carers": (
        "care",
        "shimizu",
        "働きながら家族を介護する人（ビジネスケアラー）が仕事と介護を両立できない",
        "",
    ),
    "isolation": (
        "community",
        "kimura",
        "一人暮らし高齢者の孤立に気づく仕組みが、自治会の担い手不足で弱っている",
        "民生委員の欠員が続き、見守り訪問が月1回に届かない地区がある。",
    ),
    "digital_divide": (
        "community",
        "saito",
        "地域の情報がスマホ中心になり、使えない高齢者が取り残されている",
        "回覧板の廃止後、行事や防災の情報が届かない世帯がある。",
    ),
    "senior_jobs": (
        "work",
        "kobayashi",
        "65歳以降も働きたい人と、人手不足の地元企業をつなぐ場がない",
        "取引先の中小企業の7割が人手不足。一方でシルバー人材センターの仕事は限られている。",
    ),
    "lifelong_learning": (
        "work",
        "carter",
        "Few places for older residents to learn new skills（学び直しの場が少ない）",
        "大学の公開講座は平日の昼だけで、内容も教養中心。デジタルや介護技術を学べる場が少ない。",
    ),
    "vacant_houses": (
        "community",
        "sato",
        "空き家・空き店舗が増えているのに、地域の居場所として活用されていない",
        "",
    ),
}

# Dots each participant put on issues (issue key, or "gap:<target key>" for a derived issue).
# Nobody spends more than the workshop's budget of five.
VOTES = {
    "yamada": {"isolation": 2, "gap:waiting_list": 2, "senior_jobs": 1},
    "sato": {"bus_cuts": 3, "vacant_houses": 2},
    "nakamura": {"caregiver_turnover": 3, "gap:care_workers": 2},
    "carter": {"lifelong_learning": 3, "digital_divide": 2},
    "takahashi": {"robot_cost": 2, "caregiver_turnover": 1, "gap:transport_co2": 2},
    "inoue": {"demand_funding": 3, "bus_cuts": 2},
    "kobayashi": {"senior_jobs": 3, "business_carers": 2},
    "patel": {"robot_cost": 3, "lifelong_learning": 2},
    "matsumoto": {"robot_cost": 2, "caregiver_turnover": 2, "gap:care_workers": 1},
    "kimura": {"isolation": 3, "gap:contact": 2},
    "saito": {"bus_cuts": 2, "after_license": 2, "digital_divide": 1},
    "okada": {"after_license": 2, "lifelong_learning": 2, "gap:transport_co2": 1},
    "shimizu": {"business_carers": 3, "after_license": 2},
}

# issue key: {participant: (impact, feasibility)}
SCORES = {
    "bus_cuts": {"sato": (5, 3), "inoue": (5, 2), "saito": (4, 3)},
    "after_license": {"shimizu": (5, 3), "okada": (4, 3), "sato": (4, 4)},
    "demand_funding": {"inoue": (4, 2), "kobayashi": (4, 3), "sato": (3, 3)},
    "caregiver_turnover": {"nakamura": (5, 2), "matsumoto": (5, 3), "yamada": (4, 2)},
    "robot_cost": {"patel": (4, 4), "matsumoto": (4, 4), "kobayashi": (3, 4), "nakamura": (3, 3)},
    "business_carers": {"shimizu": (4, 3), "kobayashi": (4, 4), "yamada": (3, 3)},
    "isolation": {"kimura": (5, 4), "saito": (5, 3), "yamada": (4, 4), "nakamura": (4, 4)},
    "digital_divide": {"carter": (3, 5), "saito": (4, 4), "okada": (3, 5)},
    "senior_jobs": {"kobayashi": (4, 4), "yamada": (3, 3), "carter": (4, 3)},
    "lifelong_learning": {"carter": (3, 4), "patel": (3, 4), "okada": (2, 4)},
    "vacant_houses": {"sato": (3, 3), "saito": (3, 2)},
    "gap:waiting_list": {"yamada": (5, 2), "nakamura": (4, 2), "shimizu": (5, 2)},
    "gap:care_workers": {"nakamura": (5, 2), "matsumoto": (5, 3)},
    "gap:contact": {"kimura": (5, 3), "saito": (4, 3)},
    "gap:transport_co2": {"takahashi": (4, 2), "okada": (4, 2), "inoue": (3, 2)},
}

# Set backwards from the target year, as backcasting does. key: (year, what must be true, description)
MILESTONES = {
    "m2050": (2050, "誰もが住み慣れた地域で、健康に、つながって暮らしている", "ビジョンの実現。"),
    "m2040": (
        2040,
        "介護・医療・移動の統合窓口が全市町村で自立運営されている",
        "団塊ジュニア世代が65歳以上になる年。補助金に頼らない運営になっている。",
    ),
    "m2035": (
        2035,
        "介護職員が高齢者1,000人あたり40人、公共交通500m圏カバー率が80%",
        "ロボットと看護の協働モデルが県内全施設に広がっている。",
    ),
    "m2030": (
        2030,
        "全市町村でデマンド交通と見守りネットワークが動いている",
        "",
    ),
    "m2027": (
        2027,
        "官学民の推進協議会が発足し、暮らしのデータが公開されている",
        "このワークショップの参加組織が協定を結ぶ。",
    ),
}

# key: title, description, owners, start, end, milestone, addresses, depends on, status, progress
ACTIONS = {
    "council": dict(
        title="みらい県フューチャーセンター推進協議会の設立",
        description="官学民が常設で集まる場。年2回ワークショップを開き、ロードマップを更新する。",
        owners=["pref", "nursing", "bank", "npo"],
        years=(2026, 2027),
        milestone="m2027",
        addresses=["isolation"],
        depends_on=[],
        status=ActionStatus.DONE,
        progress=100,
    ),
    "plan_9": dict(
        title="第9期 高齢者保健福祉計画・介護保険事業計画の推進",
        description="既存計画（2024〜2026年度）。施設整備で待機者を減らす。",
        owners=["pref"],
        years=(2024, 2026),
        milestone="m2027",
        addresses=["gap:waiting_list"],
        depends_on=[],
        status=ActionStatus.IN_PROGRESS,
        progress=80,
    ),
    "watch_network": dict(
        title="見守りネットワーク「つながるみらい」の全市町村展開",
        description="自治会・NPO・見守りセンサーを組み合わせ、孤立の兆しに1週間以内に気づく。",
        owners=["npo", "residents", "carerobo"],
        years=(2027, 2030),
        milestone="m2030",
        addresses=["isolation", "gap:contact"],
        depends_on=["council"],
        status=ActionStatus.IN_PROGRESS,
        progress=25,
    ),
    "demand_transit": dict(
        title="デマンド交通の全市町村展開",
        description="AI配車のデマンド交通を、路線バスが撤退した地区から順に導入する。",
        owners=["city", "transit"],
        years=(2027, 2030),
        milestone="m2030",
        addresses=["bus_cuts", "after_license", "gap:transit_access"],
        depends_on=["council"],
        status=ActionStatus.IN_PROGRESS,
        progress=30,
    ),
    "transit_company": dict(
        title="地域交通の共同運営会社（公設民営）の設立と持続的な財源",
        description="市町村・交通事業者・地方銀行が出資し、補助金に頼らない運営にする。",
        owners=["transit", "bank", "city"],
        years=(2028, 2032),
        milestone="m2035",
        addresses=["demand_funding"],
        depends_on=["council"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "care_shifts": dict(
        title="介護職員の処遇改善と夜勤シフトの事業所間共有",
        description="夜勤を複数事業所で分担し、見守りセンサーで夜間の巡回を減らす。",
        owners=["pref", "nursing"],
        years=(2027, 2032),
        milestone="m2035",
        addresses=["caregiver_turnover", "gap:care_workers"],
        depends_on=[],
        status=ActionStatus.IN_PROGRESS,
        progress=15,
    ),
    "robot_lease": dict(
        title="介護ロボット・見守りセンサーの共同購入とリース",
        description=(
            "Joint purchasing and leasing financed by the regional bank, so small care homes pay monthly."
        ),
        owners=["carerobo", "bank"],
        years=(2027, 2029),
        milestone="m2030",
        addresses=["robot_cost"],
        depends_on=[],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "robot_research": dict(
        title="共同研究「ロボットと看護の協働モデル」",
        description="県立大学の看護学部・工学部と介護現場が、ロボットに任せる仕事と人が担う仕事を整理する。",
        owners=["nursing", "engineering", "carerobo"],
        years=(2026, 2029),
        milestone="m2030",
        addresses=["caregiver_turnover", "robot_cost"],
        depends_on=[],
        status=ActionStatus.IN_PROGRESS,
        progress=35,
    ),
    "robot_rollout": dict(
        title="協働モデルの県内全介護施設への展開",
        description="",
        owners=["pref", "carerobo"],
        years=(2030, 2035),
        milestone="m2035",
        addresses=["gap:care_workers", "gap:waiting_list"],
        depends_on=["robot_lease", "robot_research"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "home_care_hubs": dict(
        title="在宅介護を支える小規模多機能拠点の整備",
        description="中学校区に1か所。特養の待機者が在宅で暮らし続けられるようにする。",
        owners=["pref", "city"],
        years=(2028, 2035),
        milestone="m2035",
        addresses=["gap:waiting_list", "business_carers"],
        depends_on=["council"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "business_carer_support": dict(
        title="ビジネスケアラー支援：介護休業と柔軟な働き方の普及",
        description="地方銀行が取引先企業に制度づくりを働きかけ、県が認証する。",
        owners=["bank", "pref"],
        years=(2027, 2030),
        milestone="m2030",
        addresses=["business_carers"],
        depends_on=[],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "senior_matching": dict(
        title="シニア人材と地元企業のマッチングセンター",
        description="",
        owners=["bank", "residents", "pref"],
        years=(2028, 2031),
        milestone="m2035",
        addresses=["senior_jobs"],
        depends_on=["council"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "digital_helpers": dict(
        title="デジタル活用支援員による「スマホ相談会」を全公民館で",
        description="高校生と大学生が支援員になる。世代を超えた交流の場にもする。",
        owners=["npo", "engineering"],
        years=(2026, 2028),
        milestone="m2030",
        addresses=["digital_divide"],
        depends_on=[],
        status=ActionStatus.IN_PROGRESS,
        progress=60,
    ),
    # Starts before the network it depends on is finished: the ordering check reports it.
    "frailty_prevention": dict(
        title="フレイル予防の「通いの場」と健診データの活用",
        description="見守りネットワークを通じて通いの場に誘い、健診データで効果を確かめる。",
        owners=["nursing", "npo", "pref"],
        years=(2027, 2035),
        milestone="m2035",
        addresses=["gap:healthy_life"],
        depends_on=["watch_network"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "ev_transit": dict(
        title="バス・デマンド交通のEV化と再生可能エネルギーによる充電",
        description="",
        owners=["transit", "city", "engineering"],
        years=(2032, 2040),
        milestone="m2040",
        addresses=["gap:transport_co2"],
        depends_on=["transit_company"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "autonomous_mobility": dict(
        title="中山間地域への自動運転移動サービスの導入",
        description=(
            "Level 4 autonomous shuttles on fixed rural routes, operated by the joint transit company."
        ),
        owners=["transit", "engineering", "city"],
        years=(2033, 2040),
        milestone="m2040",
        addresses=["after_license", "gap:transit_access"],
        depends_on=["demand_transit"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
    "integrated_desk": dict(
        title="介護・医療・移動の統合窓口の自立運営",
        description="一つの窓口で介護・通院・移動の相談と手配ができる。",
        owners=["pref", "city", "nursing", "npo", "transit"],
        years=(2040, 2050),
        milestone="m2050",
        addresses=["gap:waiting_list", "gap:contact"],
        depends_on=["robot_rollout", "home_care_hubs", "autonomous_mobility"],
        status=ActionStatus.PLANNED,
        progress=0,
    ),
}


def find_demo_workshop():
    """The demo workshop made by build_demo_workshop, if it is still there."""
    return (
        Workshop.objects.filter(
            activities__verb="created",
            activities__subject_type="workshop",
            activities__changes__demo=DEMO_MARKER,
        )
        .distinct()
        .order_by("id")
        .first()
    )


def ensure_demo_user():
    """The demo facilitator account and whether it was made now; an existing one is left as it is."""
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is not None:
        return user, False
    return User.objects.create_user(username=DEMO_USERNAME, password=DEMO_PASSWORD), True


@transaction.atomic
def build_demo_workshop(user=None):
    """Create the demo workshop, facilitated by `user` (the demo account when not given)."""
    if user is None:
        user, _created = ensure_demo_user()
    # Derived issue titles are written in the workshop's language.
    with translation.override("ja"):
        return _build(user)


def _build(user):
    workshop = Workshop.objects.create(
        title=TITLE,
        theme=THEME,
        region=REGION,
        language="ja",
        base_year=BASE_YEAR,
        target_year=TARGET_YEAR,
        phase=Phase.ROADMAP,
        dot_budget=5,
    )
    workshop.facilitators.add(user)
    Activity.record(
        workshop,
        "created",
        workshop,
        actor=user,
        summary="デモワークショップを作成しました",
        changes={"demo": DEMO_MARKER},
    )

    stakeholders = {
        key: Stakeholder.objects.create(workshop=workshop, name=name, sector=sector, discipline=discipline)
        for key, (name, sector, discipline) in STAKEHOLDERS.items()
    }
    people = {}
    for key, (name, role, sector, discipline, stakeholder) in PARTICIPANTS.items():
        people[key] = Participant.objects.create(
            workshop=workshop,
            display_name=name,
            role=role,
            sector=sector,
            discipline=discipline,
            stakeholder=stakeholders.get(stakeholder),
            user=user if role == Role.FACILITATOR else None,
        )
    facilitator = people["facilitator"]

    visions = {}
    for key, (statement, sdgs, author, endorsers) in VISIONS.items():
        vision = Vision.objects.create(
            workshop=workshop, statement=statement, target_year=TARGET_YEAR, author=people[author]
        )
        vision.set_sdgs(sdgs)
        for endorser in endorsers:
            Endorsement.objects.create(vision=vision, participant=people[endorser])
        visions[key] = vision
    for key in (FIRST_ADOPTED_VISION, ADOPTED_VISION):
        visions[key].adopt()
        Activity.record(
            workshop, "adopted", visions[key], actor=facilitator, summary=visions[key].statement
        )
    adopted = visions[ADOPTED_VISION]

    themes = {key: Theme.objects.create(workshop=workshop, name=name) for key, name in THEMES.items()}

    issues = {}
    for key, spec in TARGETS.items():
        target = Target.objects.create(
            workshop=workshop,
            vision=adopted,
            indicator=spec["indicator"],
            unit=spec["unit"],
            direction=spec["direction"],
            target_value=spec["target_value"],
            target_year=TARGET_YEAR,
        )
        for as_of, value, source, note, author in spec["assessments"]:
            Assessment.objects.create(
                target=target,
                value=value,
                as_of=datetime.date.fromisoformat(as_of),
                source=source,
                note=note,
                author=people[author],
            )
        derived = Issue.objects.get(target=target, origin=IssueOrigin.DERIVED)
        derived.theme = themes[spec["theme"]]
        derived.description = spec["gap_description"]
        derived.save(update_fields=["theme", "description", "updated_at"])
        issues[f"gap:{key}"] = derived

    for key, (theme, author, title, description) in ISSUES.items():
        issues[key] = Issue.objects.create(
            workshop=workshop,
            title=title,
            description=description,
            origin=IssueOrigin.PARTICIPANT,
            theme=themes[theme],
            author=people[author],
        )
    IssueVote.objects.bulk_create(
        IssueVote(issue=issues[issue], participant=people[voter], dots=dots)
        for voter, dots_by_issue in VOTES.items()
        for issue, dots in dots_by_issue.items()
    )
    IssueScore.objects.bulk_create(
        IssueScore(issue=issues[issue], participant=people[scorer], impact=impact, feasibility=feasibility)
        for issue, by_participant in SCORES.items()
        for scorer, (impact, feasibility) in by_participant.items()
    )

    milestones = {
        key: Milestone.objects.create(workshop=workshop, year=year, title=title, description=description)
        for key, (year, title, description) in MILESTONES.items()
    }

    actions = {}
    for key, spec in ACTIONS.items():
        start_year, end_year = spec["years"]
        action = Action.objects.create(
            workshop=workshop,
            title=spec["title"],
            description=spec["description"],
            start_year=start_year,
            end_year=end_year,
            milestone=milestones[spec["milestone"]],
            status=spec["status"],
            progress=spec["progress"],
        )
        action.owners.add(*(stakeholders[owner] for owner in spec["owners"]))
        action.addresses.add(*(issues[issue] for issue in spec["addresses"]))
        action.depends_on.add(*(actions[prerequisite] for prerequisite in spec["depends_on"]))
        actions[key] = action

    council = actions["council"]
    Activity.record(
        workshop,
        "updated",
        council,
        actor=people["yamada"],
        summary=council.title,
        changes={"status": [ActionStatus.IN_PROGRESS, ActionStatus.DONE], "progress": [60, 100]},
    )
    Activity.record(
        workshop,
        "updated",
        workshop,
        actor=user,
        summary="フェーズ: ロードマップ",
        changes={"phase": [Phase.ISSUES, Phase.ROADMAP]},
    )
    return workshop
