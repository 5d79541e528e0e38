"""The export_workshop and import_workshop management commands."""

import io
import json
import os
import subprocess
import types
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from visions.models import Workshop
from visions.documents.workshop_file import MAX_FILE_BYTES, dumps, export_document, import_document

from tests.factories import UserFactory
from tests.documents.test_workshop_file import full_document

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(db):
    return import_document(full_document())


@pytest.fixture
def workshop_file(tmp_path):
    path = tmp_path / "awa.json"
    path.write_text(json.dumps(full_document(), ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- export


def test_export_writes_the_workshop_file_to_stdout(imported):
    output = run("export_workshop", str(imported.pk), "--format", "json")
    assert json.loads(output) == export_document(imported)
    assert output == dumps(export_document(imported))


def test_export_writes_to_a_file_with_o(imported, tmp_path):
    path = tmp_path / "out.json"
    assert run("export_workshop", str(imported.pk), "-o", str(path)) == ""
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["workshop"]["title"] == "Awa 2050"
    assert document["derived"]["coverage"]["order_violations"] == [["a2", "a3"]]


def test_export_is_deterministic(imported):
    assert run("export_workshop", str(imported.pk)) == run("export_workshop", str(imported.pk))


def test_export_of_an_unknown_workshop_is_an_error(db):
    with pytest.raises(CommandError, match="No workshop with identifier 999"):
        run("export_workshop", "999")


def test_export_to_an_unwritable_place_is_an_error(imported, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        run("export_workshop", str(imported.pk), "-o", str(tmp_path / "missing" / "out.json"))


def test_pdf_needs_an_output_file(imported):
    with pytest.raises(CommandError, match="-o FILE"):
        run("export_workshop", str(imported.pk), "--format", "pdf")


def test_pdf_is_rendered_to_the_file(imported, tmp_path):
    path = tmp_path / "roadmap.pdf"
    run("export_workshop", str(imported.pk), "--format", "pdf", "-o", str(path))
    assert path.read_bytes().startswith(b"%PDF-")


def test_a_workshop_too_large_for_a_pdf_is_a_clear_error(imported, tmp_path, monkeypatch):
    from visions.documents import pdf

    monkeypatch.setitem(pdf.PDF_LIMITS, "actions", (0, pdf.PDF_LIMITS["actions"][1]))
    path = tmp_path / "roadmap.pdf"
    with pytest.raises(CommandError, match=r"4.*0"):  # in the workshop's language
        run("export_workshop", str(imported.pk), "--format", "pdf", "-o", str(path))
    assert not path.exists()


# ---------------------------------------------------------------- import


def test_import_prints_the_new_identifier_as_the_last_word(db, workshop_file):
    output = run("import_workshop", str(workshop_file))
    identifier = output.strip().splitlines()[-1].split()[-1]
    workshop = Workshop.objects.get(pk=int(identifier))
    assert workshop.title == "Awa 2050"
    assert workshop.facilitators.count() == 0


def test_import_then_export_gives_the_file_back(db, tmp_path, workshop_file):
    first = int(run("import_workshop", str(workshop_file)).split()[-1])
    exported = tmp_path / "exported.json"
    run("export_workshop", str(first), "-o", str(exported))
    second = int(run("import_workshop", str(exported)).split()[-1])
    assert run("export_workshop", str(second)) == exported.read_text(encoding="utf-8")


def test_import_makes_an_existing_user_facilitator(db, workshop_file):
    user = UserFactory(username="hana")
    identifier = run("import_workshop", str(workshop_file), "--facilitator", "hana").split()[-1]
    assert Workshop.objects.get(pk=identifier).is_facilitated_by(user)


def test_import_with_an_unknown_facilitator_writes_nothing(db, workshop_file):
    with pytest.raises(CommandError, match='No user "nobody"'):
        run("import_workshop", str(workshop_file), "--facilitator", "nobody")
    assert Workshop.objects.count() == 0


def test_import_of_a_bad_file_names_the_place_and_writes_nothing(db, tmp_path):
    document = full_document()
    document["actions"][3]["depends_on"] = ["a9"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("import_workshop", str(path))
    assert str(error.value) == f'{path}: actions[3].depends_on[0]: no action with key "a9"'
    assert Workshop.objects.count() == 0


def test_import_of_invalid_json_names_line_and_column(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "futurecenter-workshop",\n "version": 1,,}', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2, column 15: invalid JSON"):
        run("import_workshop", str(path))


def test_import_refuses_a_file_over_the_limit_without_reading_it(db, tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(CommandError, match="larger than the limit of 10 MB"):
        run("import_workshop", str(path))
    assert Workshop.objects.count() == 0


def test_import_of_a_missing_file_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_workshop", str(tmp_path / "missing.json"))


def test_import_reads_standard_input_for_a_dash(db, monkeypatch):
    data = json.dumps(full_document()).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
    identifier = run("import_workshop", "-").split()[-1]
    assert Workshop.objects.get(pk=identifier).title == "Awa 2050"


def test_import_of_a_bad_file_in_a_real_process_exits_non_zero_without_a_traceback(tmp_path):
    document = full_document()
    document["visions"][2]["status"] = "adopted"
    path = tmp_path / "two-adopted.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    # A database of its own, so that nothing shared is touched even if the refusal failed.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_workshop", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "visions[2].status: only one vision can be adopted" in result.stderr
    assert result.stdout == ""
