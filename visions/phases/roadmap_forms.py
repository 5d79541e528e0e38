"""Forms of the roadmap builder: milestones backwards, actions, progress updates."""

from django import forms
from django.db.models import Q
from django.forms import formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from visions.models import (
    MAX_EFFECT_AMOUNT,
    MAX_PRIORITY_COUNT,
    MAX_YEAR,
    MIN_YEAR,
    TITLE_LENGTH,
    Action,
    ActionDependency,
    Effect,
    Milestone,
    Workshop,
)
from visions.phases.forms import VersionedForm
from visions.roadmap import cycle_with
from visions.workshops.forms import USER_TEXT

YEAR_WIDGET = forms.NumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR, "inputmode": "numeric"})


def year_field(label, **kwargs):
    return forms.IntegerField(
        label=label, min_value=MIN_YEAR, max_value=MAX_YEAR, widget=YEAR_WIDGET, **kwargs
    )


class MilestoneForm(forms.ModelForm):
    """A milestone as the facilitator writes it, or a participant's proposal."""

    year = year_field(_("Year"))

    class Meta:
        model = Milestone
        fields = ["year", "title", "description"]
        widgets = {
            "title": forms.TextInput(attrs=USER_TEXT),
            "description": forms.Textarea(attrs={"rows": 3, **USER_TEXT}),
        }

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Say what must be true by then."))
        return title


STEP_CHOICES = [(10, _("every 10 years")), (5, _("every 5 years"))]


class MilestoneStepForm(forms.Form):
    step = forms.TypedChoiceField(
        label=_("Step back from the target year"),
        choices=STEP_CHOICES,
        coerce=int,
        initial=10,
        widget=forms.RadioSelect,
    )


class SuggestedMilestoneForm(forms.Form):
    include = forms.BooleanField(label=_("Add"), required=False, initial=True)
    year = year_field(_("Year"))
    title = forms.CharField(
        label=_("What must be true by then"),
        max_length=TITLE_LENGTH,
        required=False,
        widget=forms.TextInput(attrs=USER_TEXT),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include") and not (cleaned.get("title") or "").strip():
            self.add_error("title", _("Say what must be true by then, or untick this year."))
        return cleaned


class BaseMilestoneSeriesFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        years = [f.cleaned_data["year"] for f in self.forms if f.cleaned_data.get("include")]
        if not years:
            raise forms.ValidationError(_("Tick at least one year to add."))
        if len(set(years)) != len(years):
            raise forms.ValidationError(_("Each year can be added once."))

    def chosen(self):
        """(year, title) of the ticked rows."""
        return [
            (f.cleaned_data["year"], f.cleaned_data["title"].strip())
            for f in self.forms
            if f.cleaned_data.get("include")
        ]


MilestoneSeriesFormSet = formset_factory(
    SuggestedMilestoneForm, formset=BaseMilestoneSeriesFormSet, extra=0, max_num=60, validate_max=True
)


class OwnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, stakeholder):
        return f"{stakeholder.name} ({stakeholder.get_sector_display()})"


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, milestone):
        return f"{milestone.year}: {milestone.title}"


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, action):
        return f"{action.title} ({action.start_year}–{action.end_year})"


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, target):
        return f"{target.indicator} ({target.unit})" if target.unit else target.indicator


class EffectForm(forms.ModelForm):
    """One expected effect: how much an action moves a target, by when, how surely."""

    amount = forms.FloatField(
        label=_("Amount towards the target (in its unit)"),
        min_value=-MAX_EFFECT_AMOUNT,
        max_value=MAX_EFFECT_AMOUNT,
        help_text=_("Positive moves the indicator towards the target value, whichever its direction."),
    )
    year = year_field(_("In place by (year)"), required=False, help_text=_("Empty: the action's end year."))

    class Meta:
        model = Effect
        fields = ["target", "amount", "year", "confidence"]
        field_classes = {"target": TargetChoiceField}
        labels = {"target": _("Target"), "confidence": _("Confidence")}

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = workshop.targets.order_by("id")


EffectFormSet = inlineformset_factory(
    Action, Effect, form=EffectForm, extra=1, can_delete=True, max_num=20, validate_max=True
)
EFFECTS_PREFIX = "effects"


class ActionForm(forms.ModelForm):
    start_year = year_field(_("Start year"))
    end_year = year_field(_("End year"))
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owners",
            "start_year",
            "end_year",
            "milestone",
            "addresses",
            "depends_on",
            "status",
            "progress",
        ]
        field_classes = {
            "owners": OwnerChoiceField,
            "milestone": MilestoneChoiceField,
            "depends_on": ActionChoiceField,
        }
        labels = {
            "owners": _("Owner organisations"),
            "milestone": _("Milestone it serves"),
            "addresses": _("Issues it addresses"),
            "depends_on": _("Needs these actions to end first"),
        }
        widgets = {
            "title": forms.TextInput(attrs=USER_TEXT),
            "description": forms.Textarea(attrs={"rows": 3, **USER_TEXT}),
            "owners": forms.CheckboxSelectMultiple,
            "addresses": forms.CheckboxSelectMultiple,
            "depends_on": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.instance.workshop = workshop
        self.fields["owners"].queryset = workshop.stakeholders.order_by("sector", "name", "id")
        self.fields["milestone"].queryset = workshop.milestones.filter(accepted=True)
        linked_issues = Q(pk__in=self.instance.addresses.all()) if self.instance.pk else Q(pk__in=[])
        self.fields["addresses"].queryset = workshop.issues.filter(Q(hidden=False) | linked_issues)
        others = workshop.actions.order_by("start_year", "title", "id")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = others
        self.fields["depends_on"].help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")
        # A post without the effects' rows (an older page, a script) leaves the effects as they are.
        data = args[0] if args else kwargs.get("data")
        sent = data is not None and f"{EFFECTS_PREFIX}-TOTAL_FORMS" in data
        self.effects = EffectFormSet(
            data if sent else None, instance=self.instance, prefix=EFFECTS_PREFIX, form_kwargs={"workshop": workshop}
        )

    def is_valid(self):
        valid = super().is_valid()
        return (self.effects.is_valid() if self.effects.is_bound else True) and valid

    def _save_m2m(self):
        super()._save_m2m()
        if self.effects.is_bound:
            self.effects.instance = self.instance
            self.effects.save()

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the action a title."))
        return title

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and start > end:
            self.add_error("end_year", _("The end year cannot be before the start year."))
        prerequisites = cleaned.get("depends_on")
        if prerequisites is not None:
            self.refuse_cycle(list(prerequisites), cleaned.get("title") or self.instance.title)
        return cleaned

    def refuse_cycle(self, prerequisites, title):
        edges = list(
            ActionDependency.objects.filter(action__workshop=self.workshop).values_list(
                "action_id", "prerequisite_id"
            )
        )
        cycle = cycle_with(edges, self.instance.pk, [p.pk for p in prerequisites])
        if not cycle:
            return
        titles = dict(self.workshop.actions.filter(pk__in=cycle).values_list("pk", "title"))
        titles[self.instance.pk] = title
        self.add_error(
            "depends_on",
            _("This would make a cycle (each needs the next to end first): %(cycle)s")
            % {"cycle": " → ".join(titles[pk] for pk in cycle)},
        )


class MilestoneEditForm(VersionedForm, MilestoneForm):
    class Meta(MilestoneForm.Meta):
        pass


class ActionEditForm(VersionedForm, ActionForm):
    class Meta(ActionForm.Meta):
        pass


class ProgressForm(forms.ModelForm):
    """What an owner's representative updates after the workshop."""

    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)

    class Meta:
        model = Action
        fields = ["status", "progress"]


class PriorityForm(forms.ModelForm):
    priority_count = forms.IntegerField(
        label=_("Prioritised issues (top N by votes)"), min_value=0, max_value=MAX_PRIORITY_COUNT
    )

    class Meta:
        model = Workshop
        fields = ["priority_count"]
