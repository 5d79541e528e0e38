"""Which language a page speaks: the person's choice, else their browser's, else the workshop's.

Django's LocaleMiddleware already takes the language cookie (set by the switch on every
page) and then Accept-Language. Only when neither names a language this app speaks does
the workshop decide: the one in the address, or else the one this browser joined last.
A workshop's language is only used for people who belong to it, so that a stranger's
404 page tells nothing about the workshop behind an id.
"""

from django.conf import settings
from django.utils import translation

from visions.live.access import SESSION_KEY, session_participant_id
from visions.models import Workshop


def supported(code):
    """The app's language for `code` (e.g. "ja-JP" -> "ja"), or None."""
    if not code or code == "*":
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def accepted_languages(header):
    """The language tags of an Accept-Language header that are not refused (q=0)."""
    tags = []
    for part in header.split(","):
        tag, _sep, params = part.strip().partition(";")
        quality = params.strip()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        if tag.strip():
            tags.append(tag.strip())
    return tags


def language_chosen_by_person(request):
    """The language the cookie or the browser asks for, if the app speaks it."""
    cookie = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if cookie:
        return cookie
    for tag in accepted_languages(request.headers.get("Accept-Language", "")):
        language = supported(tag)
        if language:
            return language
    return None


def workshop_in_address(request, view_kwargs):
    route = request.resolver_match.route if request.resolver_match else ""
    if route.startswith("workshops/<int:pk>/") and "pk" in view_kwargs:
        return view_kwargs["pk"]
    return None


def workshop_language(request, view_kwargs):
    """The language of the workshop this request is about, if the request belongs to it."""
    workshop_id = workshop_in_address(request, view_kwargs)
    if workshop_id is None:
        joined = list(request.session.get(SESSION_KEY, {}))
        if not joined:
            return None
        workshop_id = joined[-1]
    workshops = Workshop.objects.filter(pk=workshop_id)
    if session_participant_id(request, workshop_id) is None:
        workshops = workshops.facilitated_by(request.user)
    return workshops.values_list("language", flat=True).first()


class WorkshopLanguageMiddleware:
    """Falls back to the workshop's language when the person and their browser name none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Views whose address names the language (the live poll) must stay one query when idle.
        if getattr(view_func, "language_in_address", False) or language_chosen_by_person(request):
            return None
        language = supported(workshop_language(request, view_kwargs))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return None
