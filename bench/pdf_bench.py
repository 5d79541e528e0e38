"""How long the roadmap PDF takes, per page, and how much memory the render needs.

    .venv/bin/python bench/pdf_bench.py [--repeat N]

Builds throwaway workshops in an in-memory SQLite database (the demo workshop and
synthetic ones of about 5, 20 and 80 pages; the smallest document is longer than
5 pages because every chapter starts on a new page), then renders each through the
same path as the download (snapshot, templates, the bounded child process) and prints:
  pages, seconds to build the HTML, seconds to render the PDF (best of N), seconds
  per page, the PDF's size, and the peak resident memory of the render process.

Everything heavy happens inside main(): the render runs in a fork-server child,
which imports this script again as __mp_main__ and must not set Django up again.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Scale of tests/pdf_data.build_workshop for each size; the pages are measured, not assumed.
SYNTHETIC = [("about 5 pages", 0), ("about 20 pages", 3), ("about 80 pages", 17)]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "futurecenter.settings")
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite database
    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)


def page_count(data):
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def workshops():
    from tests.pdf_data import build_workshop

    made = []
    try:
        from visions.demo.loader import build_demo_workshop
    except ImportError:
        pass
    else:
        made.append(("demo workshop", build_demo_workshop()))
    for label, scale in SYNTHETIC:
        workshop = build_workshop(scale=scale, title=f"Synthetic workshop, scale {scale}", language="ja")
        made.append((label, workshop))
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="renders per workshop; the best is reported")
    args = parser.parse_args()

    setup_django()
    import resource

    from visions.documents import pdf_engine
    from visions.documents.pdf import check_pdf_size, render_html_to_pdf, render_workshop_html
    from visions.documents.snapshot import load_snapshot

    started = time.perf_counter()
    pdf_engine.warm_up()
    print(f"fork server with WeasyPrint preloaded: {time.perf_counter() - started:.2f} s (once per app process)")
    print()
    header = f"{'workshop':<16} {'pages':>5} {'html s':>7} {'pdf s':>7} {'s/page':>7} {'PDF KiB':>8} {'peak MiB':>9}"
    print(header)
    print("-" * len(header))
    for label, workshop in workshops():
        started = time.perf_counter()
        snapshot = load_snapshot(workshop)
        check_pdf_size(snapshot)
        html = render_workshop_html(snapshot)
        html_seconds = time.perf_counter() - started
        best, peak_kib, data = None, 0, b""
        for _ in range(max(args.repeat, 1)):
            started = time.perf_counter()
            data, peak = render_html_to_pdf(html)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
            peak_kib = max(peak_kib, peak)
        pages = page_count(data)
        print(
            f"{label:<16} {pages:>5} {html_seconds:>7.2f} {best:>7.2f} {best / pages:>7.3f} "
            f"{len(data) / 1024:>8.0f} {peak_kib / 1024:>9.0f}"
        )
    parent_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"peak memory of this (web-like) process: {parent_peak:.0f} MiB")
    print(f"{os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
