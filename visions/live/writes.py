"""The one write helper: a write view keeps only its domain change.

`@write(...)` finds the viewer (404 outside the workshop), runs the one guard (role, lock,
phase) and the view in one transaction holding the workshop row, and lets a `Refused`
reach visions.middleware.RefusalMiddleware, which shows it in the page's message region.
After a write, `done` answers htmx with its partial and makes the page poll at once (the
delta is the only way items reach a page, so nothing is inserted twice), and a plain POST
with a redirect back.
"""

from functools import wraps

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from visions.live.access import viewer_for
from visions.live.guard import Needs, claim_form_key, contribution, require, require_change_right
from visions.live.pages import render_phase


def write(*, phase=None, needs=Needs.CONTRIBUTOR, methods=("POST",)):
    """Decorate `view(request, viewer, **kwargs)`: the guard for POST, the role check for GET.

    `phase`: participants may make this write only while the group is in that phase (None:
    in any phase, like roadmap updates after the workshop).
    """

    def decorate(view):
        @wraps(view)
        def guarded(request, pk, **kwargs):
            viewer = viewer_for(request, pk)
            if request.method != "POST":
                require(viewer, needs)
                return view(request, viewer, **kwargs)
            with contribution(viewer, phase=phase, needs=needs):
                return view(request, viewer, **kwargs)

        return require_http_methods(list(methods))(guarded)

    return decorate


def facilitator_page(request, pk):
    """The viewer of a page only facilitators see (console, projector, themes): 403 for others inside."""
    viewer = viewer_for(request, pk)
    require(viewer, Needs.FACILITATOR)
    return viewer


def done(request, back, htmx_response=None):
    """A write succeeded: htmx gets its partial and polls at once; a plain POST goes back."""
    if request.htmx:
        response = htmx_response if htmx_response is not None else HttpResponse(status=204)
        response["HX-Trigger"] = "live-refresh"
        return response
    return redirect(back)


def item_of(model, viewer, item_id, *, to_change=False, **filters):
    """An item of the viewer's workshop (404 otherwise; hidden ones exist only for facilitators).

    `to_change`: the viewer must be allowed to change it (403 with a message otherwise).
    """
    if not any(key.endswith("workshop_id") for key in filters):
        filters["workshop_id"] = viewer.workshop_id  # items without a workshop of their own name theirs
    rows = model.objects.filter(**filters)
    if not viewer.is_facilitator and hasattr(model, "hidden"):
        rows = rows.filter(hidden=False)
    item = get_object_or_404(rows, pk=item_id)
    if to_change:
        require_change_right(viewer, item)
    return item


def form_context(viewer, **forms):
    return {"workshop": viewer.workshop, "viewer": viewer, "writable": True, **forms}


def added(request, viewer, form, *, create, fresh, partial, back, phase, form_name, partial_context=None):
    """What every add form does: create once per one-time key, answer with a fresh form.

    `create(form)` makes and records the item; `fresh()` is an empty form. htmx gets the
    form's partial back; a plain POST a redirect, or the page with the form's errors.
    """
    saved = form.is_valid()
    if saved:
        if claim_form_key(viewer.workshop, form.cleaned_data["form_key"]):
            create(form)
        form = fresh()
    if request.htmx:
        context = form_context(
            viewer, **{form_name: form}, **(partial_context(form) if partial_context else {})
        )
        response = render(request, partial, context)
        return done(request, back, response) if saved else response
    if saved:
        return redirect(back)
    return render_phase(request, viewer, phase, **{form_name: form})


def editor_response(request, template, context, status=200):
    if request.htmx:
        return render(request, f"{template}#editor", context, status=status)
    return render(request, template, context, status=status)


def empty_editor(request, kind, item):
    if not request.htmx:
        return None
    return HttpResponse(f'<div id="{kind}-{item.pk}-editor" class="editor"></div>')


def conflict(request, viewer, current, form, kind, *, yours, theirs, form_kwargs=None):
    """Someone saved first: show their text next to yours, to merge and save again.

    The form keeps what you typed, with the current version: saving again overwrites knowingly.
    """
    data = form.data.copy()
    data["version"] = current.version
    form = type(form)(data, instance=current, **(form_kwargs or {}))
    form.is_valid()
    context = {
        "workshop": viewer.workshop,
        "viewer": viewer,
        "item": current,
        "kind": kind,
        "form": form,
        "conflict": {"theirs": theirs, "yours": yours},
    }
    return editor_response(request, "phases/edit.html", context, status=409)
