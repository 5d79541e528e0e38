import http.server
import re
import subprocess
import threading

import pytest

from visions.documents import pdf
from visions.documents.pdf import (
    PdfRenderBusy,
    PdfRenderTimeout,
    WorkshopTooLargeForPdf,
    render_html_to_pdf,
    render_workshop_html,
    render_workshop_pdf,
)
from visions.roadmap import LANE_LABELS
from visions.documents.snapshot import load_snapshot

from tests.factories import WorkshopFactory
from tests.pdf_data import build_workshop


def run(command, data):
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode("utf-8")


def pdf_text(data, first=None, last=None):
    pages = (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return run(["pdftotext", "-layout", *pages, "-", "-"], data)


def embedded_fonts(data):
    """(name, embedded?) of every font, from the PDF's font dictionaries as pdffonts reads them."""
    lines = run(["pdffonts", "-"], data).splitlines()[2:]
    fonts = []
    for line in lines:
        columns = line.split()
        # name type... encoding emb sub uni object generation
        fonts.append((columns[0].split("+")[-1], columns[-5] == "yes"))
    return fonts


def page_sizes(data):
    info = run(["pdfinfo", "-f", "1", "-l", "9999", "-"], data)
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A web server on a free local port that remembers every request it gets."""
    CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", CountingHandler.requests
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_the_document_has_every_section_a_table_of_contents_and_running_headers():
    workshop = build_workshop(scale=1, title="みらい県 2050 Roadmap", language="en")

    data = render_workshop_pdf(workshop)

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for heading in [
        "Contents",
        "Stakeholders",
        "Vision and targets",
        "Current state",
        "Gaps and issues",
        "Roadmap",
        "Milestones and actions",
        "Coverage, order and range",
    ]:
        assert heading in text
    # The cover carries the title, the years and the adopted vision.
    cover = pdf_text(data, 1, 1)
    assert "みらい県 2050 Roadmap" in cover and "2026" in cover and "2050" in cover
    assert "誰もが住み慣れた地域で" in cover
    # Later pages carry the title in the running header and "n / total" at the foot.
    sizes = page_sizes(data)
    third = pdf_text(data, 3, 3)
    assert "みらい県 2050 Roadmap" in third
    assert f"3 / {len(sizes)}" in third
    # The contents give page numbers for the sections.
    assert re.search(r"Gaps and issues\s*\.*\s*\d+", pdf_text(data, 2, 2))
    # A small workshop makes a short document; the roadmap is on landscape pages.
    assert 6 <= len(sizes) <= 30
    assert any(width > height for width, height in sizes)
    assert any(width < height for width, height in sizes)


@pytest.mark.django_db
def test_a_workshop_that_has_just_begun_still_makes_a_document():
    workshop = WorkshopFactory(title="Just started", language="en")

    data = render_workshop_pdf(workshop)

    text = pdf_text(data)
    assert "The group has not adopted a vision yet." in text
    assert "No targets yet." in text
    assert "No actions yet." in text


@pytest.mark.django_db
def test_the_roadmap_timeline_is_in_the_document():
    workshop = build_workshop(scale=1, language="en")

    data = render_workshop_pdf(workshop)

    landscape = [n for n, (w, h) in enumerate(page_sizes(data), start=1) if w > h]
    roadmap_page = pdf_text(data, landscape[0], landscape[0])
    assert "Roadmap" in roadmap_page
    assert str(LANE_LABELS["academia"]) in roadmap_page  # a lane of the timeline


@pytest.mark.django_db
def test_a_timeline_too_tall_for_a_page_is_cut_into_parts_that_fit():
    workshop = build_workshop(scale=6, language="en")
    snapshot = load_snapshot(workshop)

    parts = pdf.timeline_parts(snapshot)

    assert len(parts) > 1
    assert all(pdf.svg_aspect(part.svg) <= pdf.TIMELINE_MAX_ASPECT for part in parts)
    assert all(part.width_mm <= 267 and part.height_mm <= 150 for part in parts)
    drawn = sum(len(re.findall(r'data-action-id="\d+"', str(part.svg))) for part in parts)
    whole = len(re.findall(r'data-action-id="\d+"', str(pdf.timeline_markup(snapshot))))
    assert drawn == whole  # every action is drawn, exactly once
    ids = [found for part in parts for found in re.findall(r' id="([^"]+)"', str(part.svg))]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_japanese_font_is_named_and_embedded():
    workshop = build_workshop(scale=1, title="超高齢社会 2050", language="ja")

    data = render_workshop_pdf(workshop)

    fonts = embedded_fonts(data)
    assert fonts, "the PDF names no fonts"
    assert any(name.startswith("IPAexGothic") and embedded for name, embedded in fonts)
    assert all(embedded for _name, embedded in fonts)


@pytest.mark.django_db
def test_the_document_uses_the_workshops_language():
    workshop = build_workshop(scale=1, language="ja")

    html = render_workshop_html(load_snapshot(workshop))

    assert '<html lang="ja">' in html


@pytest.mark.django_db
def test_markup_in_user_text_is_shown_as_text_and_fetches_nothing(local_server):
    base, requests = local_server
    hostile = (
        f'<img src="{base}/img.png"> <link rel="attachment" href="file:///etc/passwd">'
        f'<object data="{base}/object.pdf" type="application/pdf"></object>'
        f'<link rel="stylesheet" href="{base}/style.css"><a rel="attachment" href="{base}/a.pdf">x</a>'
    )
    # Title and region are short columns (PostgreSQL enforces their length): one tag each.
    workshop = build_workshop(
        scale=1,
        texts=hostile,
        title=f'<img src="{base}/title.png">',
        theme=hostile,
        region=f'<object data="{base}/region.pdf"></object>',
        language="en",
    )

    html = render_workshop_html(load_snapshot(workshop))
    data = render_workshop_pdf(workshop)

    assert f'<img src="{base}' not in html
    assert "&lt;img src=" in html
    assert requests == []
    assert b"/EmbeddedFile" not in data
    assert b"/Filespec" not in data
    text = pdf_text(data)
    assert '<img src="http://127.0.0.1' in text  # shown, not fetched
    assert "root:" not in text


@pytest.mark.django_db
def test_the_renderer_itself_fetches_nothing_but_the_apps_static_files(local_server):
    # Even markup that reached the renderer unescaped could not fetch or attach anything.
    base, requests = local_server
    html = (
        '<html><head><link rel="stylesheet" href="https://future-center.invalid/static/css/pdf.css">'
        f'<link rel="stylesheet" href="{base}/style.css">'
        '<link rel="attachment" href="file:///etc/passwd" title="passwd">'
        '<link rel="stylesheet" href="https://future-center.invalid/static/../../../../etc/passwd">'
        "</head><body>"
        f'<p>Hello</p><img src="{base}/img.png"><img src="file:///etc/passwd">'
        f'<object data="{base}/object.pdf" type="application/pdf"></object>'
        f'<embed src="{base}/embed.pdf"><iframe src="{base}/frame.html"></iframe>'
        f'<a rel="attachment" href="{base}/attached.pdf">attached</a>'
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/svg.png" width="5" height="5"/></svg>'
        '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%224%22 height=%224%22/%3E">'
        '<section class="landscape"><p>Wide</p></section>'
        "</body></html>"
    )

    data, _peak = render_html_to_pdf(html)

    assert requests == []
    assert b"/EmbeddedFile" not in data
    assert b"/Filespec" not in data
    assert "root:" not in pdf_text(data)
    # The app's own stylesheet was served: its landscape page rule took effect.
    assert any(width > height for width, height in page_sizes(data))


def test_the_fetcher_serves_static_files_and_data_only(settings):
    from visions.documents.pdf_engine import BASE_URL, make_fetcher

    fetcher = make_fetcher(f"{BASE_URL}static/", pdf.static_roots())

    assert b"@page" in fetcher.fetch(f"{BASE_URL}static/css/pdf.css").read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.org/static/css/pdf.css",
        f"{BASE_URL}static/../../../../../etc/passwd",
        f"{BASE_URL}static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}elsewhere.css",
        "ftp://example.org/x",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.django_db
def test_a_workshop_too_large_is_refused_with_a_clear_message(monkeypatch):
    workshop = build_workshop(scale=1, language="en")
    monkeypatch.setitem(pdf.PDF_LIMITS, "actions", (5, "actions"))

    with pytest.raises(WorkshopTooLargeForPdf) as refused:
        render_workshop_pdf(workshop)

    assert "12 actions" in str(refused.value)
    assert "at most 5" in str(refused.value)


@pytest.mark.django_db
def test_too_much_text_is_refused(monkeypatch):
    workshop = WorkshopFactory(language="en", theme="x" * 200)
    monkeypatch.setattr(pdf, "MAX_TEXT_CHARACTERS", 100)

    with pytest.raises(WorkshopTooLargeForPdf):
        render_workshop_pdf(workshop)


@pytest.mark.django_db
def test_a_render_that_overruns_its_time_is_stopped(settings):
    settings.PDF_RENDER_TIMEOUT_SECONDS = 0.001
    workshop = build_workshop(scale=1, language="en")

    with pytest.raises(PdfRenderTimeout):
        render_workshop_pdf(workshop)


@pytest.mark.django_db
def test_when_every_render_slot_is_taken_the_request_is_told_to_come_back(monkeypatch):
    taken = threading.BoundedSemaphore(1)
    taken.acquire()
    monkeypatch.setattr(pdf, "_render_slots", taken)
    monkeypatch.setattr(pdf, "RENDER_SLOT_WAIT_SECONDS", 0)

    with pytest.raises(PdfRenderBusy):
        render_workshop_pdf(WorkshopFactory(language="en"))


@pytest.mark.django_db
def test_loading_the_document_costs_the_same_queries_at_any_size(django_assert_num_queries):
    small = build_workshop(scale=1, language="en")
    large = build_workshop(scale=3, seed=3, language="en")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        render_workshop_html(load_snapshot(small))
    with django_assert_num_queries(len(small_queries)):
        render_workshop_html(load_snapshot(large))
