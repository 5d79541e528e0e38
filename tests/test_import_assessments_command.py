"""manage.py import_assessments: the current-state page's CSV import from the command line."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from visions.models import Activity, Assessment, Issue

from tests.factories import TargetFactory, VisionFactory, WorkshopFactory

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "indicators"


@pytest.fixture
def target(db):
    workshop = WorkshopFactory(title="Awa 2050")
    vision = VisionFactory(workshop=workshop, status="adopted")
    return TargetFactory(workshop=workshop, vision=vision, indicator="Population", unit="people")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assessments", *args, "--language", "en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_adds_every_line_and_prints_them(target):
    out, _err = run(str(target.workshop_id), str(target.pk), str(DATA / "excel_ja_bom_crlf.csv"))
    assert "line 2: 2019-04-01 12480 (to add)" in out
    assert out.strip().endswith("5 assessments of “Population” added from the file.")
    assert Assessment.objects.filter(target=target, author=None).count() == 5
    assert Issue.objects.filter(target=target).count() == 1  # the gap issue follows
    assert list(Activity.objects.order_by("id").values_list("subject_type", "verb")) == [
        ("assessment", "created"),
        ("issue", "created"),
    ]


def test_workshop_and_target_can_be_named(target):
    run("Awa 2050", "Population", str(DATA / "years_ja.csv"))
    assert Assessment.objects.count() == 3
    out, _err = run("Awa 2050", "Population", str(DATA / "years_ja.csv"))
    assert "(recorded already: left out)" in out and "0 assessments" in out
    assert Assessment.objects.count() == 3


def test_a_bad_line_refuses_the_file_names_it_and_adds_nothing(target):
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"refused, nothing was added \(1 problem\)"):
        call_command(
            "import_assessments",
            str(target.workshop_id),
            str(target.pk),
            str(DATA / "bad_line_middle.csv"),
            "--language",
            "en",
            stderr=err,
            stdout=io.StringIO(),
        )
    assert "bad_line_middle.csv: line 7: date “2025-13-01” is not a date" in err.getvalue()
    assert not Assessment.objects.exists() and not Activity.objects.exists()


def test_dry_run_writes_nothing(target):
    out, _err = run(str(target.workshop_id), str(target.pk), str(DATA / "sheets_tab.tsv"), "--dry-run")
    assert "Dry run: 3 would be added." in out
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["999999", "1", "x.csv"], "No workshop “999999”."),
        (["Awa 2050", "Nothing", "x.csv"], "No target of the adopted vision “Nothing”."),
    ],
)
def test_unknown_workshop_or_target_is_refused(target, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_shift_jis_and_missing_files_are_refused_clearly(target, tmp_path):
    with pytest.raises(CommandError, match="Shift_JIS"):
        run(str(target.workshop_id), str(target.pk), str(DATA / "years_ja_shift_jis.csv"))
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(target.workshop_id), str(target.pk), str(tmp_path / "absent.csv"))
    big = tmp_path / "big.csv"
    big.write_bytes(b"date,value\n" + b"2024,1\n" * 80000)
    with pytest.raises(CommandError, match="larger than 512 KB"):
        run(str(target.workshop_id), str(target.pk), str(big))


def test_as_a_process_it_exits_non_zero_on_refusal_and_reads_standard_input(tmp_path):
    """Run as a person would: a database of its own, a workshop imported from a file, then the CSV."""
    import json

    from tests.documents.test_workshop_file import full_document

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def manage(*args, data=None):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=data, capture_output=True, timeout=180
        )

    workshop_file = tmp_path / "awa.json"
    workshop_file.write_text(json.dumps(full_document()), encoding="utf-8")
    assert manage("migrate", "-v", "0").returncode == 0
    assert manage("import_workshop", str(workshop_file)).returncode == 0
    names = ["Awa 2050", "Elderly who reach a clinic without a car", "-", "--language", "en"]
    refused = manage("import_assessments", *names, data=(DATA / "bad_line_middle.csv").read_bytes())
    assert refused.returncode != 0
    assert b"Traceback" not in refused.stderr and "line 7: date “2025-13-01”".encode() in refused.stderr
    added = manage("import_assessments", *names, data=(DATA / "years_ja.csv").read_bytes())
    assert added.returncode == 0, added.stderr
    assert "3 assessments of “Elderly who reach a clinic without a car” added".encode() in added.stdout
