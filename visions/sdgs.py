"""The 17 UN Sustainable Development Goals by number, with their official short names.

English names as published by the United Nations; Japanese names as used by the
United Nations Information Centre Tokyo (国連広報センター). They are data, not interface
strings, so both languages are kept here rather than in the translation catalogue.
"""

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Goal:
    number: int
    en: str
    ja: str

    @property
    def name(self):
        """The short name in the active interface language."""
        return self.ja if (get_language() or "").startswith("ja") else self.en

    def __str__(self):
        return f"{self.number}. {self.name}"


GOALS = (
    Goal(1, "No Poverty", "貧困をなくそう"),
    Goal(2, "Zero Hunger", "飢餓をゼロに"),
    Goal(3, "Good Health and Well-being", "すべての人に健康と福祉を"),
    Goal(4, "Quality Education", "質の高い教育をみんなに"),
    Goal(5, "Gender Equality", "ジェンダー平等を実現しよう"),
    Goal(6, "Clean Water and Sanitation", "安全な水とトイレを世界中に"),
    Goal(7, "Affordable and Clean Energy", "エネルギーをみんなに そしてクリーンに"),
    Goal(8, "Decent Work and Economic Growth", "働きがいも経済成長も"),
    Goal(9, "Industry, Innovation and Infrastructure", "産業と技術革新の基盤をつくろう"),
    Goal(10, "Reduced Inequalities", "人や国の不平等をなくそう"),
    Goal(11, "Sustainable Cities and Communities", "住み続けられるまちづくりを"),
    Goal(12, "Responsible Consumption and Production", "つくる責任 つかう責任"),
    Goal(13, "Climate Action", "気候変動に具体的な対策を"),
    Goal(14, "Life Below Water", "海の豊かさを守ろう"),
    Goal(15, "Life on Land", "陸の豊かさも守ろう"),
    Goal(16, "Peace, Justice and Strong Institutions", "平和と公正をすべての人に"),
    Goal(17, "Partnerships for the Goals", "パートナーシップで目標を達成しよう"),
)

BY_NUMBER = {goal.number: goal for goal in GOALS}


def goal(number):
    return BY_NUMBER[number]


def choices():
    """(number, "n. name") pairs for a form field, in the active language."""
    return [(g.number, str(g)) for g in GOALS]
