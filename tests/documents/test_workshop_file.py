"""Validation, reading and import of the workshop file (visions/documents/workshop_file/)."""

import copy
import json

import pytest

from visions.models import Activity, Issue, Theme, Workshop
from visions.documents.workshop_file import (
    MAX_FILE_BYTES,
    WorkshopFileError,
    dumps,
    export_document,
    import_document,
    import_document_with_keys,
    load_bytes,
    validate,
)


RANGE = "must be a number from -1,000,000,000,000,000 to 1,000,000,000,000,000"


def full_document():
    """A workshop that uses every part of FORMAT.md, with keys an export would not choose."""
    return {
        "format": "futurecenter-workshop",
        "version": 1,
        "workshop": {
            "title": "Awa 2050",
            "theme": "超高齢社会で誰もが通院できる",
            "region": "Tokushima",
            "language": "ja",
            "base_year": 2026,
            "target_year": 2050,
            "phase": "roadmap",
            "locked": False,
            "dot_budget": 7,
            "priority_count": 3,
        },
        "stakeholders": [
            {"key": "pref", "name": "Prefectural government", "sector": "government",
             "discipline": "public policy"},
            {"key": "uni", "name": "Tokushima University", "sector": "academia", "discipline": "gerontology"},
            {"key": "npo", "name": "Awa Mobility NPO", "sector": "citizen", "discipline": ""},
        ],
        "participants": [
            {"key": "aiko", "display_name": "Aiko", "role": "facilitator", "sector": "academia",
             "discipline": "gerontology", "stakeholder": "uni"},
            {"key": "ken", "display_name": "健", "role": "participant", "sector": "government",
             "discipline": "public policy", "stakeholder": "pref"},
            {"key": "mia", "display_name": "Mia", "role": "participant", "sector": "citizen",
             "discipline": "", "stakeholder": None},
            {"key": "obs", "display_name": "Observer", "role": "observer", "sector": "",
             "discipline": "", "stakeholder": None},
        ],
        "visions": [
            {"key": "draft", "statement": "An older draft", "target_year": 2045, "sdgs": [],
             "status": "archived", "author": "ken", "endorsed_by": [], "hidden": True},
            {"key": "vision", "statement": "Everyone reaches care without a car.", "target_year": 2050,
             "sdgs": [11, 3, 17], "status": "adopted", "author": "aiko", "endorsed_by": ["mia", "ken"],
             "hidden": False},
            {"key": "idea", "statement": "Towns run their own buses.", "target_year": 2050, "sdgs": [9],
             "status": "proposed", "author": None, "endorsed_by": ["aiko"], "hidden": False},
        ],
        "targets": [
            {"key": "walk", "vision": "vision", "indicator": "Elderly who reach a clinic without a car",
             "unit": "%", "direction": "increase", "target_value": 90, "target_year": 2050},
            {"key": "lonely", "vision": "vision", "indicator": "Elderly without weekly contact",
             "unit": "people", "direction": "decrease", "target_value": 0.5, "target_year": 2040},
            {"key": "unmeasured", "vision": "draft", "indicator": "Shared cars", "unit": "",
             "direction": "increase", "target_value": 1e6, "target_year": 2045},
        ],
        "assessments": [
            {"target": "walk", "value": 72.5, "as_of": "2025-04-01", "source": "https://example.org/survey",
             "note": "Prefectural survey", "author": "aiko"},
            {"target": "lonely", "value": 1200, "as_of": "2024-10-01", "source": "", "note": "",
             "author": None},
            {"target": "walk", "value": 70.0, "as_of": "2023-04-01", "source": "", "note": "",
             "author": "ken"},
            {"target": "walk", "value": 74.0, "as_of": "2025-04-01", "source": "", "note": "recount",
             "author": "ken"},
        ],
        "issues": [
            {"key": "gap-walk", "title": "Gap: clinic access", "description": "", "origin": "derived",
             "target": "walk", "theme": "mobility", "author": None,
             "votes": [{"participant": "ken", "dots": 2}], "scores": [], "hidden": False},
            {"key": "bus", "title": "Bus lines close", "description": "Three lines closed in 2024.",
             "origin": "participant", "target": None, "theme": "mobility", "author": "mia",
             "votes": [{"participant": "mia", "dots": 3}, {"participant": "aiko", "dots": 1}],
             "scores": [{"participant": "aiko", "impact": 4, "feasibility": 2},
                        {"participant": "ken", "impact": 5, "feasibility": 5}], "hidden": False},
            {"key": "gap-lonely", "title": "Gap: loneliness", "description": "", "origin": "derived",
             "target": "lonely", "theme": None, "author": None, "votes": [], "scores": [], "hidden": False},
            {"key": "data", "title": "No data on who drives", "description": "", "origin": "participant",
             "target": None, "theme": "data", "author": "ken", "votes": [], "scores": [], "hidden": True},
        ],
        "milestones": [
            {"key": "m2040", "year": 2040, "title": "Every town has on-demand transport", "description": "…",
             "accepted": True, "proposed_by": None},
            {"key": "m2030", "year": 2030, "title": "We know who cannot drive", "description": "",
             "accepted": False, "proposed_by": "ken"},
        ],
        "actions": [
            {"key": "survey", "title": "Annual mobility survey", "description": "", "owners": ["uni"],
             "start_year": 2026, "end_year": 2027, "milestone": "m2030", "addresses": ["data"],
             "depends_on": [], "status": "done", "progress": 100, "effects": []},
            {"key": "ondemand", "title": "On-demand buses", "description": "Shared rides booked by phone.",
             "owners": ["pref", "npo"], "start_year": 2028, "end_year": 2035, "milestone": "m2040",
             "addresses": ["bus", "gap-walk"], "depends_on": ["survey", "pilot"], "status": "in_progress",
             "progress": 30, "effects": [
                 {"target": "walk", "amount": 5, "year": None, "confidence": "medium"},
                 {"target": "lonely", "amount": 300.5, "year": 2045, "confidence": "low"}]},
            {"key": "pilot", "title": "Pilot in two towns", "description": "", "owners": ["npo"],
             "start_year": 2027, "end_year": 2029, "milestone": None, "addresses": ["bus"],
             "depends_on": ["survey"], "status": "planned", "progress": 0,
             "effects": [{"target": "walk", "amount": 2.5, "year": 2029, "confidence": "high"}]},
            {"key": "visits", "title": "Home visits by nurses", "description": "", "owners": [],
             "start_year": 2045, "end_year": 2055, "milestone": None, "addresses": [],
             "depends_on": ["ondemand"], "status": "dropped", "progress": 10,
             "effects": [{"target": "walk", "amount": 100, "year": 2050, "confidence": "high"}]},
        ],
        "derived": {"gaps": [], "coverage": {}},
    }


def changed(**changes):
    """full_document() with values replaced; a change's name is a path like actions__3__depends_on."""
    document = full_document()
    for path, value in changes.items():
        *parents, last = [int(part) if part.isdigit() else part for part in path.split("__")]
        container = document
        for part in parents:
            container = container[part]
        if value is DELETE:
            del container[last]
        else:
            container[last] = value
    return document


DELETE = object()


def refused(document):
    """The error import gives, after checking that validate agrees and nothing was written."""
    workshops = Workshop.objects.count()
    with pytest.raises(WorkshopFileError) as validated:
        validate(document)
    with pytest.raises(WorkshopFileError) as imported:
        import_document(document)
    assert str(validated.value) == str(imported.value)
    assert Workshop.objects.count() == workshops
    return imported.value


def assert_refused(document, place, message=None):
    error = refused(document)
    assert error.place == place, str(error)
    assert str(error).startswith(f"{place}: ")
    if message is not None:
        assert message in error.message, str(error)


@pytest.mark.django_db
def test_the_full_document_is_valid_and_imports():
    validate(full_document())
    workshop = import_document(full_document())
    assert workshop.title == "Awa 2050"
    assert workshop.actions.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"format": DELETE}, "format", '"futurecenter-workshop"'),
        ({"format": "futurecenter-roadmap"}, "format", '"futurecenter-workshop"'),
        ({"version": 2}, "version", "unsupported version 2"),
        ({"version": "1"}, "version", 'unsupported version "1"'),
        ({"version": True}, "version", "unsupported version true"),
        ({"version": 1.0}, "version", "unsupported version 1.0"),
        ({"version": DELETE}, "version", "unsupported version null"),
    ],
)
def test_format_and_version(changes, place, message):
    assert_refused(changed(**changes), place, message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"workshop": DELETE}, "workshop", "is required"),
        ({"workshop": ["Awa 2050"]}, "workshop", "must be an object"),
        ({"stakeholders": "pref, uni"}, "stakeholders", "must be a list"),
        ({"stakeholders__1": "uni"}, "stakeholders[1]", "must be an object"),
        ({"visions__1__endorsed_by": "mia"}, "visions[1].endorsed_by", "must be a list"),
        ({"visions__1__sdgs": {"3": True}}, "visions[1].sdgs", "must be a list"),
        ({"issues__1__votes": {"participant": "mia", "dots": 3}}, "issues[1].votes", "must be a list"),
        ({"issues__1__scores__0": 4}, "issues[1].scores[0]", "must be an object"),
        ({"actions__1__owners": "pref"}, "actions[1].owners", "must be a list"),
        ({"workshop__title": ["Awa"]}, "workshop.title", "must be a string"),
        ({"targets__0__unit": 7}, "targets[0].unit", "must be a string"),
        ({"participants__0__stakeholder": 1}, "participants[0].stakeholder", "must be a key"),
        ({"stakeholders__2__key": 3}, "stakeholders[2].key", "must be a non-empty string"),
    ],
)
def test_wrong_types_get_a_message(changes, place, message):
    assert_refused(changed(**changes), place, message)


def test_a_document_that_is_not_an_object():
    with pytest.raises(WorkshopFileError) as error:
        validate([full_document()])
    assert str(error.value) == "document: must be a JSON object"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place",
    [
        ({"workshop__title": DELETE}, "workshop.title"),
        ({"workshop__title": ""}, "workshop.title"),
        ({"workshop__base_year": DELETE}, "workshop.base_year"),
        ({"workshop__target_year": None}, "workshop.target_year"),
        ({"stakeholders__0__key": DELETE}, "stakeholders[0].key"),
        ({"stakeholders__0__name": ""}, "stakeholders[0].name"),
        ({"stakeholders__0__sector": DELETE}, "stakeholders[0].sector"),
        ({"participants__3__display_name": DELETE}, "participants[3].display_name"),
        ({"visions__2__statement": ""}, "visions[2].statement"),
        ({"targets__1__vision": DELETE}, "targets[1].vision"),
        ({"targets__1__indicator": ""}, "targets[1].indicator"),
        ({"targets__1__direction": DELETE}, "targets[1].direction"),
        ({"targets__1__target_value": DELETE}, "targets[1].target_value"),
        ({"assessments__2__target": DELETE}, "assessments[2].target"),
        ({"assessments__2__value": None}, "assessments[2].value"),
        ({"assessments__2__as_of": DELETE}, "assessments[2].as_of"),
        ({"issues__3__key": DELETE}, "issues[3].key"),
        ({"issues__3__title": ""}, "issues[3].title"),
        ({"issues__1__votes__1__participant": DELETE}, "issues[1].votes[1].participant"),
        ({"issues__1__votes__1__dots": DELETE}, "issues[1].votes[1].dots"),
        ({"issues__1__scores__0__impact": DELETE}, "issues[1].scores[0].impact"),
        ({"milestones__1__year": DELETE}, "milestones[1].year"),
        ({"milestones__1__title": ""}, "milestones[1].title"),
        ({"actions__2__title": DELETE}, "actions[2].title"),
        ({"actions__2__start_year": DELETE}, "actions[2].start_year"),
        ({"actions__2__end_year": DELETE}, "actions[2].end_year"),
    ],
)
def test_required_fields(changes, place):
    error = refused(changed(**changes))
    assert error.place == place, str(error)
    assert error.message in ("is required", "must not be empty")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"actions__3__depends_on": ["a9"]}, "actions[3].depends_on[0]", 'no action with key "a9"'),
        ({"participants__0__stakeholder": "s9"}, "participants[0].stakeholder",
         'no stakeholder with key "s9"'),
        ({"visions__0__author": "nobody"}, "visions[0].author", 'no participant with key "nobody"'),
        ({"visions__1__endorsed_by": ["mia", "zoe"]}, "visions[1].endorsed_by[1]",
         'no participant with key "zoe"'),
        ({"targets__2__vision": "v9"}, "targets[2].vision", 'no vision with key "v9"'),
        ({"assessments__3__target": "gap-walk"}, "assessments[3].target", 'no target with key "gap-walk"'),
        ({"assessments__3__author": "pref"}, "assessments[3].author", 'no participant with key "pref"'),
        ({"issues__0__target": "t1"}, "issues[0].target", 'no target with key "t1"'),
        ({"issues__3__author": "x"}, "issues[3].author", 'no participant with key "x"'),
        ({"issues__1__votes__0__participant": "uni"}, "issues[1].votes[0].participant",
         'no participant with key "uni"'),
        ({"issues__1__scores__1__participant": "p2"}, "issues[1].scores[1].participant",
         'no participant with key "p2"'),
        ({"actions__0__owners": ["uni", "aiko"]}, "actions[0].owners[1]", 'no stakeholder with key "aiko"'),
        ({"actions__1__milestone": "m2050"}, "actions[1].milestone", 'no milestone with key "m2050"'),
        ({"actions__2__addresses": ["walk"]}, "actions[2].addresses[0]", 'no issue with key "walk"'),
    ],
)
def test_dangling_references(changes, place, message):
    assert_refused(changed(**changes), place, message)


def test_the_dangling_dependency_message_reads_as_documented():
    with pytest.raises(WorkshopFileError) as error:
        validate(changed(actions__3__depends_on=["a9"]))
    assert str(error.value) == 'actions[3].depends_on[0]: no action with key "a9"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"stakeholders__2__key": "pref"}, "stakeholders[2].key",
         'duplicate key "pref" (also stakeholders[0])'),
        ({"participants__1__key": "aiko"}, "participants[1].key", 'duplicate key "aiko"'),
        ({"visions__2__key": "draft"}, "visions[2].key", 'duplicate key "draft"'),
        ({"targets__1__key": "walk"}, "targets[1].key", 'duplicate key "walk"'),
        ({"issues__3__key": "bus"}, "issues[3].key", 'duplicate key "bus"'),
        ({"milestones__1__key": "m2040"}, "milestones[1].key", 'duplicate key "m2040"'),
        ({"actions__3__key": "survey"}, "actions[3].key", 'duplicate key "survey" (also actions[0])'),
    ],
)
def test_duplicate_keys(changes, place, message):
    assert_refused(changed(**changes), place, message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place",
    [
        ({"workshop__phase": "done"}, "workshop.phase"),
        ({"workshop__language": "fr"}, "workshop.language"),
        ({"stakeholders__1__sector": "university"}, "stakeholders[1].sector"),
        ({"stakeholders__1__sector": ""}, "stakeholders[1].sector"),
        ({"participants__2__sector": "Citizen"}, "participants[2].sector"),
        ({"participants__2__role": "host"}, "participants[2].role"),
        ({"visions__2__status": "rejected"}, "visions[2].status"),
        ({"targets__0__direction": "up"}, "targets[0].direction"),
        ({"issues__3__origin": "facilitator"}, "issues[3].origin"),
        ({"actions__2__status": "started"}, "actions[2].status"),
    ],
)
def test_values_outside_their_list(changes, place):
    error = refused(changed(**changes))
    assert error.place == place, str(error)
    assert error.message.startswith("must be one of: ")


@pytest.mark.django_db
def test_two_adopted_visions():
    assert_refused(
        changed(visions__2__status="adopted"),
        "visions[2].status",
        "only one vision can be adopted, and visions[1] is adopted already",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sdgs, place, message",
    [
        ([0], "visions[1].sdgs[0]", "from 1 to 17"),
        ([3, 18], "visions[1].sdgs[1]", "from 1 to 17"),
        ([3, 11, 3], "visions[1].sdgs[2]", "SDG 3 is listed twice"),
        (["3"], "visions[1].sdgs[0]", "from 1 to 17"),
        ([True], "visions[1].sdgs[0]", "from 1 to 17"),
        ([3.0], "visions[1].sdgs[0]", "from 1 to 17"),
    ],
)
def test_sdgs(sdgs, place, message):
    assert_refused(changed(visions__1__sdgs=sdgs), place, message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"workshop__base_year": 1899}, "workshop.base_year", "from 1900 to 2300"),
        ({"workshop__target_year": 2301}, "workshop.target_year", "from 1900 to 2300"),
        ({"workshop__target_year": 2050.0}, "workshop.target_year", "whole number"),
        ({"workshop__base_year": "2026"}, "workshop.base_year", "whole number"),
        ({"workshop__base_year": True}, "workshop.base_year", "whole number"),
        ({"workshop__base_year": 2050}, "workshop.base_year", "must be before the target year"),
        ({"workshop__base_year": 2051}, "workshop.base_year", "must be before the target year"),
        ({"visions__0__target_year": 2400}, "visions[0].target_year", "from 1900 to 2300"),
        ({"targets__2__target_year": 1800}, "targets[2].target_year", "from 1900 to 2300"),
        ({"milestones__0__year": 20400}, "milestones[0].year", "from 1900 to 2300"),
        ({"actions__1__start_year": 1899}, "actions[1].start_year", "from 1900 to 2300"),
        ({"actions__1__end_year": 2027}, "actions[1].end_year", "must not be before the start year"),
        ({"actions__1__progress": 101}, "actions[1].progress", "from 0 to 100"),
        ({"actions__1__progress": -1}, "actions[1].progress", "from 0 to 100"),
        ({"actions__1__progress": 50.5}, "actions[1].progress", "from 0 to 100"),
        ({"actions__1__progress": False}, "actions[1].progress", "from 0 to 100"),
        ({"issues__1__votes__0__dots": 0}, "issues[1].votes[0].dots", "from 1 to"),
        ({"issues__1__votes__0__dots": 1.5}, "issues[1].votes[0].dots", "from 1 to"),
        ({"issues__1__votes__0__dots": True}, "issues[1].votes[0].dots", "from 1 to"),
        ({"issues__1__votes__0__dots": 101}, "issues[1].votes[0].dots", "from 1 to 100"),
        ({"workshop__dot_budget": 101}, "workshop.dot_budget", "from 0 to 100"),
        ({"workshop__priority_count": 1001}, "workshop.priority_count", "from 0 to 1000"),
        ({"issues__1__scores__0__impact": 0}, "issues[1].scores[0].impact", "from 1 to 5"),
        ({"issues__1__scores__0__impact": 6}, "issues[1].scores[0].impact", "from 1 to 5"),
        ({"issues__1__scores__1__feasibility": 6}, "issues[1].scores[1].feasibility", "from 1 to 5"),
        ({"issues__1__scores__1__feasibility": "5"}, "issues[1].scores[1].feasibility", "from 1 to 5"),
        ({"workshop__dot_budget": -1}, "workshop.dot_budget", "from 0 to"),
    ],
)
def test_whole_numbers_and_years_out_of_range(changes, place, message):
    assert_refused(changed(**changes), place, message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "as_of, message",
    [
        ("2025-4-1", "YYYY-MM-DD"),
        ("20250401", "YYYY-MM-DD"),
        ("2025-04-01T00:00:00", "YYYY-MM-DD"),
        (20250401, "YYYY-MM-DD"),
        ("2025-02-30", '"2025-02-30" is not a date'),
        ("1899-12-31", "in the years 1900 to 2300"),
        ("2301-01-01", "in the years 1900 to 2300"),
    ],
)
def test_as_of_is_an_iso_date(as_of, message):
    assert_refused(changed(assessments__1__as_of=as_of), "assessments[1].as_of", message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"targets__0__target_value": "90"}, "targets[0].target_value", "must be a number"),
        ({"targets__0__target_value": True}, "targets[0].target_value", "must be a number"),
        ({"targets__0__target_value": float("inf")}, "targets[0].target_value", RANGE),
        ({"assessments__0__value": float("nan")}, "assessments[0].value", RANGE),
        ({"assessments__0__value": 10**400}, "assessments[0].value", RANGE),
        # Finding 1: as the forms and the database, no further than ±10^15.
        ({"targets__1__target_value": 1e308}, "targets[1].target_value", RANGE),
        ({"assessments__2__value": -1.0000001e15}, "assessments[2].value", RANGE),
        ({"assessments__0__value": [72.5]}, "assessments[0].value", "must be a number"),
    ],
)
def test_numbers_are_finite_and_within_the_bound(changes, place, message):
    assert_refused(changed(**changes), place, message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place",
    [
        ({"workshop__locked": "false"}, "workshop.locked"),
        ({"workshop__locked": 0}, "workshop.locked"),
        ({"workshop__locked": 1}, "workshop.locked"),
        ({"workshop__locked": []}, "workshop.locked"),
        ({"visions__0__hidden": "yes"}, "visions[0].hidden"),
        ({"issues__3__hidden": 1}, "issues[3].hidden"),
    ],
)
def test_booleans_are_booleans(changes, place):
    assert_refused(changed(**changes), place, "must be true or false")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"issues__2__target": None}, "issues[2].target", "a derived issue must name its target"),
        ({"issues__2__target": DELETE}, "issues[2].target", "a derived issue must name its target"),
        ({"issues__3__target": "unmeasured"}, "issues[3].target", "only a derived issue names a target"),
        ({"issues__2__target": "walk"}, "issues[2].target",
         'target "walk" already has a derived issue (issues[0])'),
    ],
)
def test_derived_issues(changes, place, message):
    assert_refused(changed(**changes), place, message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        (
            {"issues__1__votes": [{"participant": "mia", "dots": 3}, {"participant": "mia", "dots": 1}]},
            "issues[1].votes[1].participant",
            'participant "mia" already has a row here (issues[1].votes[0])',
        ),
        (
            {"issues__1__scores__1__participant": "aiko"},
            "issues[1].scores[1].participant",
            'participant "aiko" already has a row here',
        ),
        ({"visions__1__endorsed_by": ["mia", "ken", "mia"]}, "visions[1].endorsed_by[2]",
         '"mia" is listed twice'),
        ({"actions__1__owners": ["pref", "pref"]}, "actions[1].owners[1]", '"pref" is listed twice'),
        ({"actions__1__addresses": ["bus", "bus"]}, "actions[1].addresses[1]", '"bus" is listed twice'),
        ({"actions__1__depends_on": ["survey", "survey"]}, "actions[1].depends_on[1]",
         '"survey" is listed twice'),
    ],
)
def test_one_row_per_participant_and_no_repeats(changes, place, message):
    assert_refused(changed(**changes), place, message)


@pytest.mark.django_db
def test_a_dependency_cycle_is_named_by_its_keys():
    # survey <- pilot <- ondemand <- visits, and now survey depends on visits.
    error = refused(changed(actions__0__depends_on=["visits"]))
    assert error.place == "actions[0].depends_on"
    assert error.message == 'dependency cycle: "survey" -> "visits" -> "ondemand" -> "survey"'


@pytest.mark.django_db
def test_an_action_cannot_depend_on_itself():
    error = refused(changed(actions__2__depends_on=["pilot"]))
    assert str(error) == 'actions[2].depends_on: dependency cycle: "pilot" -> "pilot"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, place, message",
    [
        ({"workshop__title": "x" * 201}, "workshop.title", "at most 200 characters"),
        ({"stakeholders__0__name": "x" * 201}, "stakeholders[0].name", "at most 200 characters"),
        ({"participants__0__display_name": "名" * 101}, "participants[0].display_name", "at most 100"),
        ({"assessments__0__source": "x" * 1001}, "assessments[0].source", "at most 1000"),
        ({"issues__0__theme": "x" * 201}, "issues[0].theme", "at most 200"),
        # Finding 5: every text has a limit, named where it stands.
        ({"issues__2__description": "x" * 5001}, "issues[2].description", "at most 5000 characters"),
        ({"issues__1__title": "x" * 201}, "issues[1].title", "at most 200 characters"),
        ({"visions__0__statement": "x" * 2001}, "visions[0].statement", "at most 2000 characters"),
        ({"workshop__theme": "x" * 5001}, "workshop.theme", "at most 5000 characters"),
        ({"assessments__0__note": "x" * 5001}, "assessments[0].note", "at most 5000 characters"),
        ({"milestones__0__description": "x" * 5001}, "milestones[0].description", "at most 5000"),
        ({"actions__1__description": "x" * 5001}, "actions[1].description", "at most 5000"),
        ({"actions__1__title": "x" * 201}, "actions[1].title", "at most 200"),
        ({"actions__0__description": "a\x00b"}, "actions[0].description", "NUL"),
        ({"visions__0__statement": "\ud800"}, "visions[0].statement", "valid Unicode"),
    ],
)
def test_no_size_limit_on_text_is_closed_in_the_workshop_file(changes, place, message):
    assert_refused(changed(**changes), place, message)


@pytest.mark.django_db
def test_the_first_problem_in_document_order_is_reported():
    document = changed(actions__3__depends_on=["a9"], stakeholders__1__sector="x", participants__0__role="y")
    assert refused(document).place == "stakeholders[1].sector"


# ---------------------------------------------------------------- reading bytes


def test_load_bytes_reads_utf8_json():
    text = json.dumps(full_document(), ensure_ascii=False)
    assert load_bytes(text.encode("utf-8")) == full_document()
    assert load_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == full_document()


def test_invalid_json_names_line_and_column():
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b'{\n  "format": "futurecenter-workshop",\n  "version": 1\n  "workshop": {}\n}')
    assert error.value.place == "line 4, column 3"
    assert "invalid JSON" in error.value.message


@pytest.mark.parametrize(
    "raw, place, constant",
    [
        (b'{"targets": [{"target_value": NaN}]}', "targets[0].target_value", "NaN"),
        (b'{"assessments": [{}, {"value": Infinity}]}', "assessments[1].value", "Infinity"),
        (b'{"derived": {"gaps": [{"trend": -Infinity}]}}', "derived.gaps[0].trend", "-Infinity"),
        (b"NaN", "document", "NaN"),
    ],
)
def test_nan_and_infinity_are_refused_where_they_stand(raw, place, constant):
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(raw)
    assert error.value.place == place
    assert error.value.message.startswith(f"{constant} is not allowed")


def test_a_field_given_twice_is_refused_where_it_stands():
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b'{"actions": [{"key": "a1"}, {"key": "a2", "title": "x", "title": "y"}]}')
    assert str(error.value) == "actions[1].title: this field is given more than once"


def test_a_number_too_large_for_a_float_is_refused():
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b'{"targets": [{"target_value": 1e400}]}')
    assert str(error.value) == "targets[0].target_value: the number is too large"


def test_invalid_utf8_is_refused():
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b'{"workshop": {"title": "\xff"}}')
    assert error.value.place == "file"
    assert "UTF-8" in error.value.message


def test_a_file_over_ten_megabytes_is_refused_before_parsing():
    assert MAX_FILE_BYTES == 10 * 1024 * 1024
    padding = b" " * (MAX_FILE_BYTES - 1)
    assert load_bytes(b"{" + padding[:-1] + b"}") == {}
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b"{" + padding + b"}")
    assert str(error.value) == "file: is larger than the limit of 10 MB"


def test_deep_nesting_is_a_message_not_a_crash():
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert error.value.place == "file"


def test_an_integer_with_too_many_digits_is_a_message_not_a_crash():
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b'{"version": ' + b"9" * 5000 + b"}")
    assert error.value.place == "file"


def test_the_error_reads_place_colon_message():
    error = WorkshopFileError("actions[3].depends_on[0]", 'no action with key "a9"')
    assert str(error) == 'actions[3].depends_on[0]: no action with key "a9"'
    assert (error.place, error.message) == ("actions[3].depends_on[0]", 'no action with key "a9"')


def test_dumps_is_utf8_json_without_nan():
    text = dumps({"title": "阿波", "n": 1.5})
    assert '"阿波"' in text
    assert text.endswith("\n")
    with pytest.raises(ValueError):
        dumps({"n": float("nan")})


# ---------------------------------------------------------------- import


@pytest.mark.django_db
def test_left_out_optional_fields_take_their_empty_values():
    document = {
        "format": "futurecenter-workshop",
        "version": 1,
        "workshop": {"title": "Minimal", "base_year": 2026, "target_year": 2050},
        "visions": [{"key": "v", "statement": "A vision", "status": "adopted"}],
        "targets": [
            {"key": "t", "vision": "v", "indicator": "Buses", "direction": "increase", "target_value": 10}
        ],
        "issues": [{"key": "i", "title": "Few buses"}],
        "actions": [{"key": "a", "title": "Add buses", "start_year": 2027, "end_year": 2028}],
    }
    exported = export_document(import_document(document))
    assert exported["workshop"] == {
        "title": "Minimal", "theme": "", "region": "", "language": "ja", "base_year": 2026,
        "target_year": 2050, "phase": "stakeholders", "locked": False, "dot_budget": 5, "priority_count": 5,
    }
    assert exported["stakeholders"] == exported["participants"] == exported["assessments"] == []
    assert exported["visions"][0]["target_year"] == 2050
    assert exported["visions"][0]["sdgs"] == exported["visions"][0]["endorsed_by"] == []
    assert exported["visions"][0]["hidden"] is exported["issues"][0]["hidden"] is False
    assert exported["targets"][0]["target_year"] == 2050
    assert exported["issues"][0]["origin"] == "participant"
    assert exported["actions"][0]["status"] == "planned"
    assert exported["actions"][0]["progress"] == 0


@pytest.mark.django_db
def test_unknown_fields_and_the_derived_section_are_ignored():
    document = full_document()
    document["derived"] = {"gaps": "anything", "coverage": [1, 2]}
    document["comment"] = "written by hand"
    document["stakeholders"][0]["website"] = "https://example.org"
    workshop = import_document(document)
    exported = export_document(workshop)
    assert "comment" not in exported
    assert exported["derived"]["gaps"][0]["target"] == "t1"


@pytest.mark.django_db
def test_themes_are_made_once_per_name():
    workshop = import_document(full_document())
    names = Theme.objects.filter(workshop=workshop).values_list("name", flat=True)
    assert sorted(names) == ["data", "mobility"]
    assert Issue.objects.filter(workshop=workshop, theme__name="mobility").count() == 2


@pytest.mark.django_db
def test_import_adds_the_facilitator_and_records_one_activity(facilitator):
    workshop = import_document(full_document(), facilitator=facilitator)
    assert workshop.is_facilitated_by(facilitator)
    activities = Activity.objects.filter(workshop=workshop)
    assert [(a.verb, a.actor_user) for a in activities] == [("imported", facilitator)]


@pytest.mark.django_db
def test_import_always_makes_a_new_workshop():
    first = import_document(full_document())
    second = import_document(full_document())
    assert first.pk != second.pk
    assert first.join_code != second.join_code
    assert Workshop.objects.count() == 2


@pytest.mark.django_db
def test_a_target_with_assessments_gets_its_derived_issue_when_the_file_has_none():
    document = full_document()
    del document["issues"][2]  # the derived issue of "lonely"
    document["actions"][1]["addresses"] = ["bus", "gap-walk"]
    exported = export_document(import_document(document))
    derived = [(i["target"], i["title"]) for i in exported["issues"] if i["origin"] == "derived"]
    # The app names the new one in the workshop's language (Japanese here).
    assert derived == [("t1", "Gap: clinic access"), ("t2", "ギャップ：Elderly without weekly contact")]
    again = export_document(import_document(copy.deepcopy(exported)))
    assert [i for i in again["issues"] if i["origin"] == "derived"] == [
        i for i in exported["issues"] if i["origin"] == "derived"
    ]


@pytest.mark.django_db
def test_import_with_keys_gives_each_new_object_under_its_key_in_the_file():
    workshop, objects = import_document_with_keys(full_document())

    assert objects["participants"]["ken"].display_name == "健"
    assert objects["actions"]["ondemand"].title == "On-demand buses"
    assert objects["actions"]["ondemand"].workshop == workshop
    assert objects["issues"]["gap-walk"].target == objects["targets"]["walk"]
    assert "assessments" not in objects  # they have no keys


@pytest.mark.django_db
def test_import_with_keys_refuses_a_broken_file_like_import():
    document = full_document()
    document["actions"][1]["depends_on"] = ["nowhere"]
    with pytest.raises(WorkshopFileError) as refused:
        import_document_with_keys(document)
    assert str(refused.value) == 'actions[1].depends_on[0]: no action with key "nowhere"'
    assert not Workshop.objects.exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"actions__2__effects__0__target": "nowhere"}, 'actions[2].effects[0].target: no target with key "nowhere"'),
        ({"actions__2__effects__0__amount": 1e13}, "actions[2].effects[0].amount: must be between -1e+12 and 1e+12"),
        ({"actions__2__effects__0__amount": "5"}, "actions[2].effects[0].amount: must be a number"),
        ({"actions__2__effects__0__year": 2400}, "actions[2].effects[0].year: must be a whole number from 1900 to 2300"),
        ({"actions__2__effects__0__confidence": "sure"}, "actions[2].effects[0].confidence: must be one of: low, medium, high"),
        (
            {"actions__1__effects__1__target": "walk"},
            'actions[1].effects[1].target: target "walk" already has an effect in this action (actions[1].effects[0])',
        ),
    ],
)
def test_a_broken_effect_is_refused_by_its_place(changes, message):
    with pytest.raises(WorkshopFileError) as error:
        validate(changed(**changes))
    assert str(error.value) == message


def test_a_non_finite_effect_amount_is_refused_where_it_stands():
    with pytest.raises(WorkshopFileError) as error:
        load_bytes(b'{"actions": [{"effects": [{"amount": NaN}]}]}')
    assert str(error.value).startswith("actions[0].effects[0].amount: NaN is not allowed")
