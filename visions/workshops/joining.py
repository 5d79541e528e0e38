"""The way into a workshop: the join link (with its code and pass) and its QR code, built once.

The projector, the console and the printable join sheet all show this link, so a phone
that scans any of them opens the join page with the code filled in. The link also carries
a pass: the workshop's ID signed with the app's secret key and its current code. A join
with a valid pass is no guess, so it skips the limit on wrong codes (ratelimit.py) and a
flooded network can still join by scanning; a new code makes the old passes worthless.
"""

import segno
from django.core import signing
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from visions.models import Workshop

# M keeps the code readable from the back of a room with some glare or a smudge.
QR_ERROR = "m"
PASS_SALT = "futurecenter.join.pass:"
# A pass is the workshop's ID, ":" and a 43-character signature; anything longer is not one.
PASS_LENGTH = 64


def pass_signer(code):
    return signing.Signer(salt=PASS_SALT + code)


def join_pass(workshop):
    """The unguessable pass the join link carries: valid for this workshop while its code stays."""
    return pass_signer(workshop.join_code).sign(str(workshop.pk))


def workshop_of_pass(code, join_pass):
    """The workshop a pass admits with this (normalised) code, or None. The signature is checked
    before the database is asked, so a forged pass tells nothing about which codes exist."""
    if not code or not join_pass or len(join_pass) > PASS_LENGTH:
        return None
    try:
        pk = int(pass_signer(code).unsign(join_pass))
    except (signing.BadSignature, ValueError):
        return None
    return Workshop.objects.filter(pk=pk, join_code=code).first()


def join_link(request, workshop):
    """The absolute address of the join page with the workshop's code and pass filled in."""
    query = f"?code={workshop.join_code}&pass={join_pass(workshop)}"
    return request.build_absolute_uri(f"{reverse('join')}{query}")


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
