"""Phase 4, themes (facilitator): group issues, rename, merge and split themes; issues keep their votes."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from visions.live import record
from visions.live.activity import Subject, declare
from visions.live.guard import Needs, claim_form_key
from visions.live.pages import PAGE_THEMES, Board, Fragment, delta_workshop, phase_url, register, render_page
from visions.live.writes import done, facilitator_page, write
from visions.models import Issue, Phase, Theme
from visions.phases.forms import AssignIssuesForm, MergeThemesForm, SplitThemeForm, ThemeForm
from visions.phases.similar import similar_groups

# Theme changes touch the issues they move ("touches"): the issues board redraws those and its theme list.
THEME_ADDED = declare(Subject.THEME, "created")
THEME_RENAMED = declare(Subject.THEME, "renamed")
THEME_MERGED = declare(Subject.THEME, "merged")
THEME_SPLIT = declare(Subject.THEME, "split")
ISSUES_GROUPED = declare(Subject.THEME, "grouped")
THEME_DELETED = declare(Subject.THEME, "deleted")
THEME_CHANGES = frozenset(
    {THEME_ADDED, THEME_RENAMED, THEME_MERGED, THEME_SPLIT, ISSUES_GROUPED, THEME_DELETED}
)


def themes_context(viewer, **forms):
    workshop = viewer.workshop
    themes = list(Theme.objects.filter(workshop=workshop).prefetch_related("issues").order_by("name", "id"))
    rename, split = forms.get("rename_form"), forms.get("split_form")
    for theme in themes:
        theme.rename_form = (
            rename
            if rename is not None and rename.theme == theme
            else ThemeForm(
                workshop=workshop, theme=theme, initial={"name": theme.name}, prefix=f"rename-{theme.pk}"
            )
        )
        theme.split_form = (
            split
            if split is not None and split.source == theme
            else SplitThemeForm(workshop=workshop, source=theme, prefix=f"split-{theme.pk}")
        )
    return {
        "workshop": workshop,
        "viewer": viewer,
        "themes": themes,
        "unthemed": (unthemed := list(Issue.objects.filter(workshop=workshop, theme__isnull=True).order_by("id"))),
        "similar_groups": similar_groups((issue.pk, issue.title) for issue in unthemed if not issue.hidden),
        "theme_form": forms.get("theme_form") or ThemeForm(workshop=workshop),
        "assign_form": forms.get("assign_form") or AssignIssuesForm(workshop=workshop),
        "merge_form": forms.get("merge_form") or MergeThemesForm(workshop=workshop),
        "back_url": phase_url(workshop.pk, Phase.ISSUES),
    }


class ThemesBoard(Board):
    """The facilitator's themes page: redrawn whole when themes or the issues in them change.

    Its forms are short and only facilitators use it; live.js keeps a region in which
    someone is typing until they are done.
    """

    kind = PAGE_THEMES
    phase = Phase.ISSUES
    template = "phases/themes.html"

    @property
    def shows(self):
        from visions.phases.issues import ISSUE_CHANGES  # the issues module shows themes too

        return THEME_CHANGES | ISSUE_CHANGES

    def page(self, viewer, context):
        return themes_context(viewer, **{name: context[name] for name in THEME_FORMS if context.get(name)})

    def delta(self, viewer, changes, context):
        delta_workshop(viewer, context)
        context.update(themes_context(viewer))
        return [Fragment("phases/themes.html#board")]


THEMES = register(ThemesBoard())
THEME_FORMS = ("theme_form", "assign_form", "merge_form", "rename_form", "split_form")


@require_GET
def themes(request, pk):
    return render_page(request, facilitator_page(request, pk), THEMES, view=PAGE_THEMES)


def theme_done(request, viewer):
    board = render(request, "phases/themes.html#board", themes_context(viewer)) if request.htmx else None
    return done(request, reverse("themes", args=[viewer.workshop_id]), board)


def theme_invalid(request, viewer, **forms):
    if request.htmx:
        return render(request, "phases/themes.html#board", themes_context(viewer, **forms))
    return render_page(request, viewer, THEMES, view=PAGE_THEMES, **forms)


@write(needs=Needs.FACILITATOR)
def theme_add(request, viewer):
    form = ThemeForm(request.POST, workshop=viewer.workshop)
    workshop = viewer.workshop
    if not form.is_valid():
        return theme_invalid(request, viewer, theme_form=form)
    if claim_form_key(workshop, form.cleaned_data["form_key"]):
        theme = Theme.objects.create(workshop=workshop, name=form.cleaned_data["name"])
        record(viewer, THEME_ADDED, theme, summary=theme.name, changes={"name": [None, theme.name]})
    return theme_done(request, viewer)


@write(needs=Needs.FACILITATOR)
def theme_rename(request, viewer, theme_id):
    pk = viewer.workshop_id
    theme = get_object_or_404(Theme, workshop_id=pk, pk=theme_id)
    form = ThemeForm(request.POST, workshop=viewer.workshop, theme=theme, prefix=f"rename-{theme.pk}")
    if not form.is_valid():
        return theme_invalid(request, viewer, rename_form=form)
    before = theme.name
    theme.name = form.cleaned_data["name"]
    theme.save(update_fields=["name"])
    record(
        viewer,
        THEME_RENAMED,
        theme,
        summary=theme.name,
        changes={
            "name": [before, theme.name],
            "touches": {"issue": list(theme.issues.values_list("pk", flat=True))},
        },
    )
    return theme_done(request, viewer)


@write(needs=Needs.FACILITATOR)
def theme_merge(request, viewer):
    form = MergeThemesForm(request.POST, workshop=viewer.workshop)
    if not form.is_valid():
        return theme_invalid(request, viewer, merge_form=form)
    source, into = form.cleaned_data["source"], form.cleaned_data["into"]
    moved = list(source.issues.values_list("pk", flat=True))
    Issue.objects.filter(pk__in=moved).update(theme=into)
    record(
        viewer,
        THEME_MERGED,
        into,
        summary=f"{source.name} → {into.name}",
        changes={"merged": [source.name, into.name], "touches": {"issue": moved, "theme": [source.pk]}},
    )
    source.delete()
    return theme_done(request, viewer)


@write(needs=Needs.FACILITATOR)
def theme_split(request, viewer, theme_id):
    pk = viewer.workshop_id
    source = get_object_or_404(Theme, workshop_id=pk, pk=theme_id)
    form = SplitThemeForm(request.POST, workshop=viewer.workshop, source=source, prefix=f"split-{source.pk}")
    workshop = viewer.workshop
    if not form.is_valid():
        return theme_invalid(request, viewer, split_form=form)
    if claim_form_key(workshop, form.cleaned_data["form_key"]):
        new_theme = Theme.objects.create(workshop=workshop, name=form.cleaned_data["name"])
        moved = [issue.pk for issue in form.cleaned_data["issues"]]
        Issue.objects.filter(pk__in=moved, theme=source).update(theme=new_theme)
        record(
            viewer,
            THEME_SPLIT,
            new_theme,
            summary=f"{source.name} → {new_theme.name}",
            changes={
                "split": [source.name, new_theme.name],
                "touches": {"issue": moved, "theme": [source.pk]},
            },
        )
    return theme_done(request, viewer)


@write(needs=Needs.FACILITATOR)
def theme_assign(request, viewer):
    form = AssignIssuesForm(request.POST, workshop=viewer.workshop)
    if not form.is_valid():
        return theme_invalid(request, viewer, assign_form=form)
    theme = form.cleaned_data["theme"]
    moved = [issue.pk for issue in form.cleaned_data["issues"]]
    Issue.objects.filter(pk__in=moved).update(theme=theme)
    record(
        viewer,
        ISSUES_GROUPED,
        theme,
        summary=theme.name if theme else _("(no theme)"),
        changes={"touches": {"issue": moved}},
    )
    return theme_done(request, viewer)


@write(needs=Needs.FACILITATOR)
def theme_delete(request, viewer, theme_id):
    pk = viewer.workshop_id
    theme = get_object_or_404(Theme, workshop_id=pk, pk=theme_id)
    moved = list(theme.issues.values_list("pk", flat=True))
    record(
        viewer,
        THEME_DELETED,
        theme,
        summary=theme.name,
        changes={"name": [theme.name, None], "touches": {"issue": moved}},
    )
    theme.delete()
    return theme_done(request, viewer)
