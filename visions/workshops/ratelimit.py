"""Limit guessing of join codes: wrong codes per address per hour, counted in the database.

Only wrong codes count, and only per address (an IPv6 client per /64 network, which one
household or phone usually holds whole): a room of sixty behind one router may mistype
240 times in an hour and still join. Past JOIN_FAILURES_PER_ADDRESS wrong codes in
JOIN_FAILURE_WINDOW_SECONDS (1000 an hour), every typed code from that address answers 429,
the right one too. A right code cannot be let through while wrong ones are refused: the
difference would tell a guesser when they hit, at any rate they like, and the bound would
bound nothing. What keeps a flooded room joining is the QR code: its link carries a signed
pass (joining.py) that skips this limit, and a guesser cannot make one.

What the bound means: a code is 10 symbols of 32, 32¹⁰ = 2⁵⁰ ≈ 1.1 × 10¹⁵ codes. At 1000
guesses an hour one address needs on average 2⁴⁹ / 1000 h ≈ 5.6 × 10¹¹ hours (about 64
million years) to find a given workshop's code; with a thousand workshops open, about
64 000 years to find any. The database is the only state the app processes share, so the
failures live there.
"""

import ipaddress
import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from visions.models import JoinFailure

# An IPv6 client usually holds a whole /64: counting each of its addresses apart would not bound it.
IPV6_PREFIX = 64


def address_of(request):
    """The client's address; behind a reverse proxy, the one it passes on (CLIENT_ADDRESS_HEADER)."""
    header = settings.CLIENT_ADDRESS_HEADER
    if header:
        # X-Forwarded-For may hold a chain; the proxy appends the address it saw last.
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:50]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:50]


def sign_in_address_of(request):
    """The address django-axes records: a real IP or none (its column is an IP field on
    PostgreSQL; a forged header or a request without an address must not break signing in)."""
    try:
        return str(ipaddress.ip_address(address_of(request)))
    except ValueError:
        return None


def counter(request):
    """The JoinFailure.client key a wrong code from `request` counts against: its address or /64."""
    address = address_of(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"a:{address}"
    if parsed.version == 4:
        return f"a:{parsed}"
    if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        return f"a:{parsed.ipv4_mapped}"
    return f"a:{ipaddress.ip_network(f'{parsed}/{IPV6_PREFIX}', strict=False)}"


def window():
    return timedelta(seconds=settings.JOIN_FAILURE_WINDOW_SECONDS)


def retry_after_seconds(request):
    """Seconds until the request's address may type a code again, or 0 when it is not limited."""
    now = timezone.now()
    limit = max(1, settings.JOIN_FAILURES_PER_ADDRESS)
    recent = JoinFailure.objects.filter(client=counter(request), created_at__gt=now - window())
    # The limit-th newest failure: when it leaves the window, the address is under the limit again.
    oldest_counted = recent.order_by("-created_at").values_list("created_at", flat=True)[limit - 1 : limit]
    if not oldest_counted:
        return 0
    return max(1, math.ceil((oldest_counted[0] + window() - now).total_seconds()))


def record_failure(request):
    now = timezone.now()
    JoinFailure.objects.filter(created_at__lte=now - window()).delete()
    JoinFailure.objects.create(client=counter(request))
