"""HTML to PDF with WeasyPrint, in a child process with a time and memory bound.

This module imports nothing from Django: it is preloaded into the multiprocessing
fork server, and each render is a fresh fork of that server, so WeasyPrint's ~1 s
import is paid once per app process, not once per PDF.

Why a child process: WeasyPrint's layout cannot be interrupted from inside. A
signal-based alarm only works in the main thread (app servers run views in worker
threads) and would leave the interpreter in whatever state the layout was in. A
child process can be killed outright at the deadline, its memory is capped with
RLIMIT_AS, and whatever it leaked goes away with it. The fork server (not plain
fork) is used because forking a multi-threaded app process can copy held locks
into the child; the fork server is a single-threaded process started once.
"""

import multiprocessing
import resource
from pathlib import Path
from urllib.parse import unquote, urlsplit

PRELOAD = ["visions.documents.pdf_engine", "weasyprint"]
# The origin the PDF's HTML pretends to come from; only the fetcher below understands it.
BASE_URL = "https://future-center.invalid/"


class PdfEngineError(Exception):
    """The render failed in the child process."""


class PdfEngineTimeout(PdfEngineError):
    """The render did not finish in time and was stopped."""


def make_fetcher(static_prefix, static_roots):
    """A WeasyPrint URL fetcher for the app's own static files and data: URIs, nothing else.

    `static_prefix` is BASE_URL joined with STATIC_URL; a URL under it is looked up in
    `static_roots` (directories), never outside them. Every other URL (http, https,
    file, ftp, a static path that escapes its root) is refused without any I/O, and
    since no request ever goes out, there is no redirect to follow.
    """
    from urllib.request import DataHandler, Request

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [Path(root).resolve() for root in static_roots]

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                response = DataHandler().data_open(Request(url))
                return URLFetcherResponse(url, response.read(), dict(response.headers))
            if url.startswith(static_prefix):
                relative = unquote(urlsplit(url).path[len(urlsplit(static_prefix).path):])
                for root in roots:
                    candidate = (root / relative).resolve()
                    if candidate.is_relative_to(root) and candidate.is_file():
                        return URLFetcherResponse(
                            url, candidate.read_bytes(), {"Content-Type": content_type(candidate)}
                        )
                raise ValueError(f"No such static file: {url}")
            raise ValueError(f"Refused to fetch {url[:200]}: only the app's static files are served")

    return StaticOnlyFetcher()


def content_type(path):
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
    }.get(path.suffix.lower(), "application/octet-stream")


def write_pdf(html, static_prefix, static_roots):
    """Render `html` to PDF bytes in this process (the child's work)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=make_fetcher(static_prefix, static_roots))
    # No attachments, no forms: the PDF carries nothing but its pages.
    return document.write_pdf(attachments=[], pdf_forms=False, uncompressed_pdf=False)


def _child(connection, html, static_prefix, static_roots, memory_limit_bytes):
    try:
        if memory_limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
        pdf = write_pdf(html, static_prefix, static_roots)
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        connection.send(("ok", pdf, peak_kib))
    except MemoryError:
        connection.send(("error", "the render ran out of memory", 0))
    except Exception as error:  # reported to the parent, which raises it there
        connection.send(("error", f"{type(error).__name__}: {error}"[:500], 0))
    finally:
        connection.close()


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def render_in_child(html, static_prefix, static_roots, timeout_seconds, memory_limit_bytes):
    """(pdf bytes, the child's peak resident memory in KiB); kills the child at the deadline."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, html, static_prefix, list(static_roots), memory_limit_bytes),
        daemon=True,
        name="pdf-render",
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_seconds):
            raise PdfEngineTimeout(f"the render took longer than {timeout_seconds} s")
        try:
            status, payload, peak_kib = receiver.recv()
        except EOFError:
            raise PdfEngineError("the render process ended without a result") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        process.close()
    if status != "ok":
        raise PdfEngineError(payload)
    return payload, peak_kib


def warm_up(static_prefix=BASE_URL + "static/", timeout_seconds=60):
    """Start the fork server and import WeasyPrint there, ahead of the first real render."""
    render_in_child("<p></p>", static_prefix, [], timeout_seconds, 0)

