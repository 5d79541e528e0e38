"""Pictures of the roadmap timeline, to look at before calling it done.

    .venv/bin/python bench/timeline_screenshots.py

Builds throwaway workshops in an in-memory database (10 and 200 actions, and the
demo workshop), renders the timeline, and writes into test-artifacts/:
  timeline-<name>.png      Chromium's rendering of the SVG (as on the page)
  timeline-<name>-pdf.png  WeasyPrint's rendering of the same SVG (as in the PDF)
"""

import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "futurecenter.settings")
os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite database

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

OUT = ROOT / "test-artifacts"
TODAY = datetime.date(2027, 4, 1)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def page_html(svg):
    return (
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        f'<body style="margin:16px;background:#fff">{svg}</body></html>'
    )


def workshops():
    from tests.factories import WorkshopFactory
    from tests.roadmap_data import build_roadmap
    from visions.demo.loader import build_demo_workshop

    small = WorkshopFactory(title="Ten actions")
    build_roadmap(small, 10, seed=3)
    large = WorkshopFactory(title="Two hundred actions")
    build_roadmap(large, 200, seed=7)
    return {"10": small, "200": large, "demo": build_demo_workshop()}


def main():
    from playwright.sync_api import sync_playwright
    from weasyprint import HTML

    from visions.documents.snapshot import load_snapshot
    from visions.documents.timeline import timeline_svg

    OUT.mkdir(exist_ok=True)
    connection.creation.create_test_db(verbosity=0)
    rendered = {name: timeline_svg(load_snapshot(w), today=TODAY) for name, w in workshops().items()}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1140, "height": 800})
        for name, svg in rendered.items():
            page.set_content(page_html(svg))
            page.screenshot(path=OUT / f"timeline-{name}.png", full_page=True)
            print(OUT / f"timeline-{name}.png")
        browser.close()

    for name, svg in rendered.items():
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "timeline.pdf"
            HTML(string=f"<style>@page {{ size: A3 landscape; margin: 1cm }}</style>{svg}").write_pdf(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-singlefile", pdf, OUT / f"timeline-{name}-pdf"],
                check=True,
            )
            print(OUT / f"timeline-{name}-pdf.png")


if __name__ == "__main__":
    main()
