"""Follow-up after the workshop: update links for the owner organisations, and check-in rounds.

The facilitator makes one private update link per organisation (visions/phases/update_link.py
is what its holder sees). Only the hash of its secret is stored, so the link is shown once,
in the answer to the form that made it: there it can be printed as a letter with its QR code
and sent by e-mail (both send the secret back, checked against the hash). A check-in round
asks every organisation for its update; who has answered is read from the changes recorded
through their links while it was open. Links (never their secrets) and rounds are recorded
in the activity history.
"""

import smtplib

from django import forms
from django.contrib import messages
from django.core.mail import send_mail
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from visions.live.activity import Subject, declare, record
from visions.live.guard import Needs
from visions.live.writes import facilitator_page, write
from visions.models import (
    CHECKIN_MESSAGE_LENGTH,
    UPDATE_LINK_DAYS_DEFAULT,
    UPDATE_LINK_DAYS_MAX,
    Activity,
    CheckInRound,
    Stakeholder,
    UpdateLink,
)
from visions.workshops.joining import qr_svg

LINK_CREATED = declare(Subject.UPDATE_LINK, "created")
LINK_REVOKED = declare(Subject.UPDATE_LINK, "revoked")
ROUND_OPENED = declare(Subject.CHECKIN_ROUND, "opened")
ROUND_CLOSED = declare(Subject.CHECKIN_ROUND, "closed")


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(name)s (actions: %(count)s)") % {"name": obj.name, "count": obj.action_count}


class LinkForm(forms.Form):
    stakeholder = OrganisationChoice(
        queryset=Stakeholder.objects.none(),
        label=gettext_lazy("Organisation"),
        empty_label=gettext_lazy("Choose an organisation"),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=UPDATE_LINK_DAYS_MAX,
        initial=UPDATE_LINK_DAYS_DEFAULT,
        help_text=lazy(lambda: _("From 1 to %(max)s days.") % {"max": UPDATE_LINK_DAYS_MAX}, str)(),
    )
    email = forms.EmailField(
        label=gettext_lazy("Send it by e-mail to (optional)"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("The link can be sent only now: the app keeps no copy of it."),
    )

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = (
            Stakeholder.objects.filter(workshop=workshop)
            .annotate(action_count=Count("actions"))
            .order_by("name")
        )


class SendForm(forms.Form):
    """The link's secret, sent back from the page that shows it once, and where to send it."""

    secret = forms.CharField(max_length=100, widget=forms.HiddenInput)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254, required=False)


class RoundForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message to the organisations (optional)"),
        max_length=CHECKIN_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=gettext_lazy('For example "Please update your actions by 31 March."'),
    )


def links_url(workshop_id):
    return reverse("followup_links", args=[workshop_id])


def link_address(request, secret):
    return request.build_absolute_uri(reverse("update_link", args=[secret]))


def link_rows(workshop_id):
    links = list(
        UpdateLink.objects.filter(workshop_id=workshop_id)
        .select_related("stakeholder")
        .annotate(changes=Count("activities"))
        .order_by("stakeholder__name", "-created_at", "-id")
    )
    for link in links:
        link.state = "revoked" if link.is_revoked else "expired" if link.is_expired else "active"
    return links


def round_answers(workshop_id, checkin):
    """Each organisation with a link: whether it answered in the round, how often and when last."""
    made = Activity.objects.filter(
        workshop_id=workshop_id, actor_link__isnull=False, created_at__gte=checkin.opened_at
    )
    if checkin.closed_at is not None:
        made = made.filter(created_at__lte=checkin.closed_at)
    answered = {
        row["actor_link__stakeholder_id"]: row
        for row in made.values("actor_link__stakeholder_id").annotate(
            count=Count("id"), last=Max("created_at")
        )
    }
    organisations = Stakeholder.objects.filter(workshop_id=workshop_id, update_links__isnull=False).distinct()
    rows = [
        {"organisation": o, **answered.get(o.pk, {"count": 0, "last": None})}
        for o in organisations.order_by("name")
    ]
    return {"round": checkin, "rows": rows, "answered": sum(1 for row in rows if row["count"])}


def followup_context(viewer, **forms_):
    workshop = viewer.workshop
    rounds = list(CheckInRound.objects.filter(workshop=workshop)[:10])
    return {
        "workshop": workshop,
        "viewer": viewer,
        "links": link_rows(workshop.pk),
        "link_form": forms_.get("link_form") or LinkForm(workshop=workshop),
        "round_form": forms_.get("round_form") or RoundForm(),
        "current": round_answers(workshop.pk, rounds[0]) if rounds else None,
        "earlier_rounds": rounds[1:],
        "has_organisations": Stakeholder.objects.filter(workshop=workshop).exists(),
    }


@require_GET
def followup_links(request, pk):
    viewer = facilitator_page(request, pk)
    return render(request, "phases/followup.html", followup_context(viewer))


def shown_once(request, viewer, link, secret, *, sent_to="", send_form=None, status=200):
    """The one page that shows the link: its address, QR code, the letter and the e-mail form."""
    address = link_address(request, secret)
    context = {
        "workshop": viewer.workshop,
        "link": link,
        "address": address,
        "qr": qr_svg(address, label=_("QR code of the update link")),
        "send_form": send_form or SendForm(initial={"secret": secret, "email": link.email}),
        "sent_to": sent_to,
    }
    return render(request, "phases/followup_link_created.html", context, status=status)


def send_link_email(request, link, secret, to):
    """The link by e-mail (Django's e-mail framework: SMTP with EMAIL_HOST, else the console).

    The address it was sent to, or "" when the mail server refused it (the page says so and
    still shows the link, to print or send again).
    """
    workshop = link.workshop
    with translation.override(workshop.language):
        context = {"workshop": workshop, "link": link, "address": link_address(request, secret)}
        subject = _("Your update link for “%(workshop)s”") % {"workshop": workshop.title}
        body = render_to_string("phases/update_link_email.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except (OSError, smtplib.SMTPException) as error:
        text = _("The e-mail could not be sent (%(error)s). Print the letter instead, or try again.")
        messages.error(request, text % {"error": error})
        return ""
    return to


@write(needs=Needs.FACILITATOR)
def link_create(request, viewer):
    form = LinkForm(request.POST, workshop=viewer.workshop)
    if not form.is_valid():
        return render(request, "phases/followup.html", followup_context(viewer, link_form=form), status=422)
    data = form.cleaned_data
    link, secret = UpdateLink.issue(
        viewer.workshop, data["stakeholder"], days=data["days"], email=data["email"], created_by=request.user
    )
    expires = link.expires_at.date().isoformat()
    record(viewer, LINK_CREATED, link, summary=link.stakeholder.name, changes={"expires": expires})
    sent_to = send_link_email(request, link, secret, data["email"]) if data["email"] else ""
    return shown_once(request, viewer, link, secret, sent_to=sent_to)


def link_with_secret(viewer, link_id, secret):
    """The facilitator's link, if `secret` is its secret (sent back from the page that showed it once)."""
    links = UpdateLink.objects.select_related("stakeholder", "workshop")
    link = get_object_or_404(links, pk=link_id, workshop_id=viewer.workshop_id)
    if not secret or not link.matches(secret) or not link.is_usable:
        raise Http404("No such link")
    return link


@require_POST
def link_email(request, pk, link_id):
    viewer = facilitator_page(request, pk)
    form = SendForm(request.POST)
    form.is_valid()
    link = link_with_secret(viewer, link_id, form.cleaned_data.get("secret"))
    if not form.cleaned_data.get("email"):
        form.add_error("email", _("Give an e-mail address."))
        return shown_once(request, viewer, link, form.cleaned_data["secret"], send_form=form, status=422)
    sent_to = send_link_email(request, link, form.cleaned_data["secret"], form.cleaned_data["email"])
    return shown_once(request, viewer, link, form.cleaned_data["secret"], sent_to=sent_to)


@require_POST
def link_letter(request, pk, link_id):
    """The printable letter (A4) for the organisation: what the link is for, its address and QR code."""
    viewer = facilitator_page(request, pk)
    form = SendForm(request.POST)
    form.is_valid()
    secret = form.cleaned_data.get("secret")
    link = link_with_secret(viewer, link_id, secret)
    address = link_address(request, secret)
    with translation.override(viewer.workshop.language):
        qr = qr_svg(address, label=_("QR code of the update link"))
        context = {"workshop": viewer.workshop, "link": link, "address": address, "qr": qr}
        return render(request, "phases/update_link_letter.html", context)


@write(needs=Needs.FACILITATOR)
def link_revoke(request, viewer, link_id):
    links = UpdateLink.objects.select_related("stakeholder")
    link = get_object_or_404(links, pk=link_id, workshop_id=viewer.workshop_id)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record(viewer, LINK_REVOKED, link, summary=link.stakeholder.name)
        text = _("The update link of %(organisation)s no longer works.")
        messages.success(request, text % {"organisation": link.stakeholder.name})
    return redirect(links_url(viewer.workshop_id))


@write(needs=Needs.FACILITATOR)
def round_open(request, viewer):
    form = RoundForm(request.POST)
    if not form.is_valid():
        return render(request, "phases/followup.html", followup_context(viewer, round_form=form), status=422)
    if CheckInRound.objects.filter(workshop=viewer.workshop, closed_at__isnull=True).exists():
        messages.info(request, _("A check-in round is open already."))
        return redirect(links_url(viewer.workshop_id))
    message = form.cleaned_data["message"].strip()
    checkin = CheckInRound.objects.create(workshop=viewer.workshop, message=message)
    record(viewer, ROUND_OPENED, checkin, summary=checkin.message[:100])
    messages.success(request, _("Check-in round opened."))
    return redirect(links_url(viewer.workshop_id))


@write(needs=Needs.FACILITATOR)
def round_close(request, viewer, round_id):
    checkin = get_object_or_404(CheckInRound, pk=round_id, workshop_id=viewer.workshop_id)
    if checkin.closed_at is None:
        checkin.closed_at = timezone.now()
        checkin.save(update_fields=["closed_at"])
        record(viewer, ROUND_CLOSED, checkin)
        messages.success(request, _("Check-in round closed."))
    return redirect(links_url(viewer.workshop_id))
