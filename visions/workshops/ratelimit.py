"""Limit guessing of join codes: failed attempts per person and per address, counted in the database.

Only failures count, so a whole room behind one address can join with the right code.
A person (their browser session) may mistype a few times; an address as a whole — a room
of sixty behind one router, or someone guessing without cookies — gets a much higher
ceiling. With 32¹⁰ possible codes, even that ceiling leaves guessing hopeless. The
database is the only state the app processes share, so the failures live there.
"""

import ipaddress
import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from visions.models import JoinFailure


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


def counters(request):
    """(JoinFailure.client key, limit) pairs that a failed join of `request` counts against."""
    if request.session.session_key is None:
        request.session.save()
    return [
        (f"s:{request.session.session_key}"[:64], settings.JOIN_FAILURES_PER_WINDOW),
        (f"a:{address_of(request)}", settings.JOIN_FAILURES_PER_ADDRESS),
    ]


def window():
    return timedelta(seconds=settings.JOIN_FAILURE_WINDOW_SECONDS)


def retry_after_seconds(request):
    """Seconds until the request's person and address may try again, or 0 when not limited."""
    now = timezone.now()
    waits = [0]
    for client, limit in counters(request):
        recent = list(
            JoinFailure.objects.filter(client=client, created_at__gt=now - window())
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            # When the limit-th newest failure leaves the window, the client is under the limit again.
            frees_at = (recent[-1] if recent else now) + window()
            waits.append(max(1, math.ceil((frees_at - now).total_seconds())))
    return max(waits)


def record_failure(request):
    now = timezone.now()
    JoinFailure.objects.filter(created_at__lte=now - window()).delete()
    JoinFailure.objects.bulk_create([JoinFailure(client=client) for client, _limit in counters(request)])
