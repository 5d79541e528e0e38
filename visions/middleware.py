"""Refusals shown the same way everywhere: in the page's message region for htmx, as a page otherwise."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from visions.live import Refused


class RefusalMiddleware:
    """Turns a Refused or PermissionDenied raised by a view into a message the person sees.

    htmx does not swap error responses into the page by itself, so the message is sent to
    the polite live region (#messages) of the page the person is on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            message, status = exception.message, exception.status
        elif isinstance(exception, PermissionDenied):
            message, status = str(exception), 403
        else:
            return None
        context = {"message": message, "back_url": request.META.get("HTTP_REFERER") or "/"}
        if getattr(request, "htmx", False):
            response = render(request, "phases/refused.html#message", context, status=status)
            response["HX-Retarget"] = "#messages"
            response["HX-Reswap"] = "innerHTML"
            return response
        return render(request, "phases/refused.html", context, status=status)


class PrivatePagesMiddleware:
    """Every page the app makes is about someone's workshop: no shared or browser cache keeps it.

    Static files never reach this (WhiteNoise answers them first) and keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
