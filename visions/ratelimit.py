"""Limit guessing of join codes: failed attempts per client, counted in the database.

Only failures count, so a whole room behind one address can join with the right
code. The database is the only state shared by the app processes, so the failures
live there.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import JoinFailure


def client_of(request):
    """The client's address; behind a reverse proxy, the one it passes on (CLIENT_ADDRESS_HEADER)."""
    header = settings.CLIENT_ADDRESS_HEADER
    if header:
        # X-Forwarded-For may hold a chain; the proxy appends the address it saw last.
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return request.META.get("REMOTE_ADDR") or "unknown"


def window():
    return timedelta(seconds=settings.JOIN_FAILURE_WINDOW_SECONDS)


def retry_after_seconds(client):
    """Seconds until `client` may try again, or 0 when it is not limited."""
    limit = settings.JOIN_FAILURES_PER_WINDOW
    now = timezone.now()
    recent = list(
        JoinFailure.objects.filter(client=client, created_at__gt=now - window())
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return 0
    # When the limit-th newest failure leaves the window, the client is under the limit again.
    frees_at = recent[-1] + window()
    return max(1, math.ceil((frees_at - now).total_seconds()))


def record_failure(client):
    now = timezone.now()
    JoinFailure.objects.filter(created_at__lte=now - window()).delete()
    JoinFailure.objects.create(client=client)
