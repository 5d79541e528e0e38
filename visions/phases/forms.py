"""Forms of the live workshop phases: what participants and facilitators submit."""

import math

from django import forms
from django.utils.translation import gettext_lazy as _

from visions import sdgs
from visions.live import PHASES, new_form_key
from visions.models import (
    MAX_DOTS,
    MAX_VALUE,
    MAX_YEAR,
    MIN_YEAR,
    MAX_TIMER_SECONDS,
    TITLE_LENGTH,
    Assessment,
    Direction,
    Issue,
    Phase,
    Sector,
    Stakeholder,
    Target,
    Theme,
    Vision,
)
from visions.workshops.forms import USER_TEXT


def require_year_in_range(year, message):
    """The years the workshop file allows (FORMAT.md), with `message` naming them."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise forms.ValidationError(message % {"min": MIN_YEAR, "max": MAX_YEAR})


def form_key_field():
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class FreshKey:
    """A form that creates something: its one-time key makes a repeated submission harmless."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_key", new_form_key())


class OnceForm(FreshKey, forms.Form):
    form_key = form_key_field()


class OnceModelForm(FreshKey, forms.ModelForm):
    form_key = form_key_field()


class VersionedForm(forms.ModelForm):
    """An edit form that carries the version it was loaded from (see views: 409 on mismatch)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


VALUE_RANGE = {"low": f"{-int(MAX_VALUE):,}", "high": f"{int(MAX_VALUE):,}"}


def value_range_text():
    return _("A number from %(low)s to %(high)s.") % VALUE_RANGE


def bounded_number(value):
    """A value every chart and derived number can handle (the database holds the same bound)."""
    if value is not None and not (math.isfinite(value) and abs(value) <= MAX_VALUE):
        raise forms.ValidationError(_("Enter a number from %(low)s to %(high)s.") % VALUE_RANGE)
    return value


# The browser keeps to the range too; the form says it (help text set per request, in its language).
VALUE_WIDGET = forms.NumberInput(attrs={"min": -int(MAX_VALUE), "max": int(MAX_VALUE), "step": "any"})


class ValueRangeHelp:
    value_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.value_fields:
            self.fields[name].help_text = value_range_text()


class StakeholderForm(OnceModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "sector", "discipline"]
        widgets = {"name": forms.TextInput(attrs=USER_TEXT), "discipline": forms.TextInput(attrs=USER_TEXT)}
        help_texts = {"name": _("An organisation or group that matters for the vision, in the room or not.")}

    def __init__(self, *args, workshop, **kwargs):
        self.workshop = workshop
        super().__init__(*args, **kwargs)
        if self.instance.workshop_id is None:
            self.instance.workshop = workshop

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the organisation a name."))
        taken = Stakeholder.objects.filter(workshop=self.workshop, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This organisation is already on the list."))
        return name


class SdgField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(coerce=int, choices=sdgs.choices, required=False, **kwargs)


class VisionForm(OnceModelForm):
    sdgs = SdgField(label=_("Sustainable Development Goals"))

    class Meta:
        model = Vision
        fields = ["statement", "target_year"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3, **USER_TEXT})}
        help_texts = {"statement": _("The future you want, written as if it has already happened.")}

    def __init__(self, *args, workshop, **kwargs):
        self.workshop = workshop
        super().__init__(*args, **kwargs)
        if self.instance.workshop_id is None:
            self.instance.workshop = workshop
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("target_year", workshop.target_year)
        if self.instance.pk and not self.is_bound:
            self.initial["sdgs"] = self.instance.sdg_numbers

    def clean_statement(self):
        statement = self.cleaned_data["statement"].strip()
        if not statement:
            raise forms.ValidationError(_("Write the vision statement."))
        return statement

    def clean_target_year(self):
        year = self.cleaned_data["target_year"]
        require_year_in_range(year, _("Give a year between %(min)s and %(max)s."))
        if year <= self.workshop.base_year:
            raise forms.ValidationError(
                _("The target year must be after the base year (%(year)s).")
                % {"year": self.workshop.base_year}
            )
        return year


class VisionEditForm(VersionedForm, VisionForm):
    class Meta(VisionForm.Meta):
        pass


class TargetForm(ValueRangeHelp, OnceModelForm):
    value_fields = ("target_value",)

    class Meta:
        model = Target
        fields = ["indicator", "unit", "direction", "target_value", "target_year"]
        widgets = {
            "indicator": forms.TextInput(attrs=USER_TEXT),
            "unit": forms.TextInput(attrs=USER_TEXT),
            "target_value": VALUE_WIDGET,
        }

    def __init__(self, *args, workshop, **kwargs):
        self.workshop = workshop
        super().__init__(*args, **kwargs)
        if self.instance.workshop_id is None:
            self.instance.workshop = workshop
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("target_year", workshop.target_year)
            self.initial.setdefault("direction", Direction.INCREASE)
        # Allowed, but said before saving: the roadmap check lists it with the years out of range.
        self.fields["target_year"].help_text = _(
            "The workshop runs %(base)s–%(target)s; a year outside that is kept and listed in the roadmap check."
        ) % {"base": workshop.base_year, "target": workshop.target_year}

    def clean_indicator(self):
        indicator = self.cleaned_data["indicator"].strip()
        if not indicator:
            raise forms.ValidationError(_("Name the indicator."))
        return indicator

    def clean_target_value(self):
        return bounded_number(self.cleaned_data["target_value"])

    def clean_target_year(self):
        year = self.cleaned_data["target_year"]
        require_year_in_range(year, _("Give a year between %(min)s and %(max)s."))
        return year


class AssessmentForm(ValueRangeHelp, OnceModelForm):
    value_fields = ("value",)

    class Meta:
        model = Assessment
        fields = ["value", "as_of", "source", "note"]
        widgets = {
            "value": VALUE_WIDGET,
            "as_of": forms.DateInput(attrs={"type": "date"}),
            "source": forms.TextInput(attrs=USER_TEXT),
            "note": forms.Textarea(attrs={"rows": 2, **USER_TEXT}),
        }
        help_texts = {"source": _("A link to the data, or a citation.")}

    def clean_value(self):
        return bounded_number(self.cleaned_data["value"])

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        require_year_in_range(as_of.year, _("Give a date between %(min)s and %(max)s."))
        return as_of


class IssueForm(OnceModelForm):
    class Meta:
        model = Issue
        fields = ["title", "description"]
        widgets = {
            "title": forms.TextInput(attrs=USER_TEXT),
            "description": forms.Textarea(attrs={"rows": 2, **USER_TEXT}),
        }

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the issue a title."))
        return title


class IssueEditForm(VersionedForm, IssueForm):
    class Meta(IssueForm.Meta):
        pass


class VoteForm(forms.Form):
    """The number of dots the participant wants on the issue (absolute: a repeat changes nothing)."""

    dots = forms.IntegerField(min_value=0, max_value=MAX_DOTS)


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ScoreForm(forms.Form):
    impact = forms.TypedChoiceField(label=_("Impact"), choices=SCORE_CHOICES, coerce=int)
    feasibility = forms.TypedChoiceField(label=_("Feasibility"), choices=SCORE_CHOICES, coerce=int)


class EndorseForm(forms.Form):
    endorse = forms.BooleanField(required=False)


class HideForm(forms.Form):
    hidden = forms.BooleanField(required=False)


# --- facilitator -----------------------------------------------------------------------


class PhaseMoveForm(forms.Form):
    to = forms.ChoiceField(choices=Phase.choices)
    confirmed = forms.BooleanField(required=False)

    def clean_to(self):
        phase = self.cleaned_data["to"]
        if phase not in PHASES:
            raise forms.ValidationError(_("No such phase."))
        return phase


class LockForm(forms.Form):
    locked = forms.BooleanField(required=False)


class TimerForm(forms.Form):
    START, PAUSE, RESET = "start", "pause", "reset"
    action = forms.ChoiceField(choices=[(START, _("Start")), (PAUSE, _("Pause")), (RESET, _("Reset"))])
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=MAX_TIMER_SECONDS // 60, required=False
    )


class DotBudgetForm(forms.Form):
    dot_budget = forms.IntegerField(label=_("Dots per participant"), min_value=0, max_value=MAX_DOTS)


class ThemeForm(OnceForm):
    name = forms.CharField(label=_("Theme"), max_length=TITLE_LENGTH, widget=forms.TextInput(attrs=USER_TEXT))

    def __init__(self, *args, workshop, theme=None, **kwargs):
        self.workshop = workshop
        self.theme = theme
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the theme a name."))
        taken = Theme.objects.filter(workshop=self.workshop, name=name)
        if self.theme is not None:
            taken = taken.exclude(pk=self.theme.pk)
        if taken.exists():
            raise forms.ValidationError(_("There is already a theme with this name."))
        return name


class IssueChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, issue):
        return issue.title


class AssignIssuesForm(forms.Form):
    """Put the chosen issues into one theme (or take them out of any)."""

    issues = IssueChoiceField(queryset=Issue.objects.none(), label=_("Issues"))
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), required=False, label=_("Theme"), empty_label=_("(no theme)")
    )

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issues"].queryset = Issue.objects.filter(workshop=workshop).select_related("theme")
        self.fields["theme"].queryset = Theme.objects.filter(workshop=workshop)


class MergeThemesForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Theme.objects.none(), label=_("Merge this theme"))
    into = forms.ModelChoiceField(queryset=Theme.objects.none(), label=_("into this one"))

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Theme.objects.filter(workshop=workshop)
        self.fields["into"].queryset = Theme.objects.filter(workshop=workshop)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("into"):
            raise forms.ValidationError(_("Choose two different themes."))
        return cleaned


class SplitThemeForm(ThemeForm):
    """A new theme made from some of one theme's issues."""

    issues = IssueChoiceField(queryset=Issue.objects.none(), label=_("Issues that move to the new theme"))

    def __init__(self, *args, workshop, source, **kwargs):
        super().__init__(*args, workshop=workshop, **kwargs)
        self.source = source
        self.fields["name"].label = _("Name of the new theme")
        self.fields["issues"].queryset = Issue.objects.filter(workshop=workshop, theme=source)


SECTOR_CHOICES = Sector.choices
