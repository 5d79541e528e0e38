"""The way into a workshop: the join link (with its code) and its QR code, built once.

The projector, the console and the printable join sheet all show this link, so a phone
that scans any of them opens the join page with the code filled in.
"""

import segno
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# M keeps the code readable from the back of a room with some glare or a smudge.
QR_ERROR = "m"


def join_link(request, workshop):
    """The absolute address of the join page with the workshop's code filled in."""
    return request.build_absolute_uri(f"{reverse('join')}?code={workshop.join_code}")


def join_address(request):
    """The join page's address as people type it: host and path, no scheme."""
    return f"{request.get_host()}{reverse('join')}"


def qr_code(link):
    return segno.make(link, error=QR_ERROR, micro=False)


def qr_svg(link, label=None):
    """The link as an inline SVG QR code, sized by CSS, with an accessible name."""
    label = label or _("QR code for joining the workshop")
    svg = qr_code(link).svg_inline(
        border=2, omitsize=True, svgclass="qr-code", lineclass="qr-modules", title=label
    )
    # segno gives the <title>; role="img" makes it the image's accessible name everywhere.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def joining(request, workshop):
    """What every page that invites people in shows: address, code, link and QR code."""
    link = join_link(request, workshop)
    return {
        "join_address": join_address(request),
        "join_code": workshop.display_join_code,
        "join_link": link,
        "join_qr": qr_svg(link),
    }


def join_sheet_html(request, workshop):
    """The printable A4 join sheet's HTML, in the workshop's language like the other documents."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from visions.documents.pdf_engine import BASE_URL

    with translation.override(workshop.language):
        return render_to_string(
            "projector/join_sheet.html",
            {
                "workshop": workshop,
                "stylesheet_url": f"{BASE_URL}static/css/join-sheet.css",
                **joining(request, workshop),
            },
        )
