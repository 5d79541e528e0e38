from django import forms
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from visions.models import MAX_DOTS, MAX_YEAR, MIN_YEAR, Language, Participant, Role, Sector, Stakeholder, Workshop

# People type in any script; the browser picks the direction (Arabic right to left) from what they type.
USER_TEXT = {"dir": "auto"}


class WorkshopForm(forms.ModelForm):
    # The model's check constraints also hold the range; here it becomes a field error.
    base_year = forms.IntegerField(label=_("base year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    target_year = forms.IntegerField(label=_("target year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    dot_budget = forms.IntegerField(
        label=_("dots per participant"),
        min_value=0,
        max_value=MAX_DOTS,
        initial=5,
        help_text=_("How many dots each participant may spend on issues."),
    )
    evidence_stale_months = forms.IntegerField(
        label=_("evidence is stale after (months)"),
        min_value=1,
        max_value=120,
        initial=12,
        required=False,  # left out, the workshop keeps its threshold
        help_text=_(
            "Since the last commitment, a target whose latest assessment is older than this is flagged stale."
        ),
    )

    class Meta:
        model = Workshop
        fields = ["title", "theme", "region", "language", "base_year", "target_year", "dot_budget", "evidence_stale_months"]
        widgets = {
            "title": forms.TextInput(attrs=USER_TEXT),
            "theme": forms.Textarea(attrs={"rows": 3, **USER_TEXT}),
            "region": forms.TextInput(attrs=USER_TEXT),
        }
        help_texts = {
            "base_year": _("The year the workshop starts from (today)."),
            "language": _(
                "The language of the PDF and the exports, and of the pages for anyone whose browser "
                "asks for neither English nor Japanese."
            ),
            "dot_budget": _("How many dots each participant may spend on issues."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            # A new workshop speaks the facilitator's language: the interface language they use.
            language = (get_language() or "").split("-")[0]
            if language in Language.values:
                self.initial["language"] = language

    # Base year before target year is Workshop.clean's rule; ModelForm runs it and
    # reports it on the target year field.

    def clean_evidence_stale_months(self):
        months = self.cleaned_data["evidence_stale_months"]
        return self.instance.evidence_stale_months if months is None else months

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the workshop a title."))
        return title


class WorkshopEditForm(WorkshopForm):
    """The settings as loaded, with their version: a save over someone else's answers 409."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def settings_text(self, workshop):
        """The settings a person sees, as text to compare with another's."""
        years = f"{workshop.base_year}–{workshop.target_year}"
        lines = [workshop.title, workshop.region, workshop.get_language_display(), years, str(workshop.dot_budget)]
        lines.append(_("evidence is stale after %(months)s months") % {"months": workshop.evidence_stale_months})
        return "\n".join(line for line in lines if line) + (f"\n\n{workshop.theme}" if workshop.theme else "")


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Workshop code"),
        max_length=40,
        help_text=_("The 10 letters and digits your facilitator shows, with or without the dash."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        label=_("Your name as others will see it"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "nickname", **USER_TEXT}),
    )
    # Required unless the person only watches (checked in clean()).
    sector = forms.ChoiceField(
        label=_("Sector you speak for"),
        choices=[("", _("Choose a sector"))] + list(Sector.choices),
        required=False,
        help_text=_("Not needed if you only want to watch."),
    )
    discipline = forms.CharField(
        label=_("Discipline"),
        max_length=200,
        required=False,
        help_text=_("For example: public policy, engineering, nursing, farming."),
        widget=forms.TextInput(attrs=USER_TEXT),
    )
    stakeholder = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Stakeholder.objects.none(),
        required=False,
        empty_label=_("Choose an organisation in this workshop"),
    )
    new_organisation = forms.CharField(
        label=_("Or type the name of your organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization", **USER_TEXT}),
    )
    observer = forms.BooleanField(label=_("I only want to watch"), required=False)

    def __init__(self, *args, workshop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        if workshop is not None:
            self.fields["stakeholder"].queryset = Stakeholder.objects.filter(workshop=workshop)

    @property
    def shows_stakeholders(self):
        return self.workshop is not None and self.fields["stakeholder"].queryset.exists()

    def clean_code(self):
        if self.workshop is None:
            raise forms.ValidationError(
                _("No workshop has this code. Check it with your facilitator and try again.")
            )
        return self.workshop.join_code

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name others will see."))
        return name

    def clean_new_organisation(self):
        return self.cleaned_data["new_organisation"].strip()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sector") and not cleaned.get("observer") and "sector" not in self.errors:
            self.add_error("sector", _("Choose the sector you speak for, or tick “I only want to watch”."))
        chosen = cleaned.get("stakeholder")
        typed = cleaned.get("new_organisation")
        if chosen and typed:
            self.add_error(
                "new_organisation",
                _("Choose an organisation from the list or type a new one, not both."),
            )
        elif typed and self.workshop is not None:
            existing = Stakeholder.objects.filter(workshop=self.workshop, name__iexact=typed).first()
            if existing:
                cleaned["stakeholder"] = existing
                cleaned["new_organisation"] = ""
            elif not cleaned.get("sector") and "sector" not in self.errors:
                # A new organisation takes the person's sector; an observer may give none.
                self.add_error("sector", _("Choose the sector of the new organisation."))
        return cleaned

    @transaction.atomic
    def join(self):
        """The new participant of the form's workshop (and their organisation, if new)."""
        data = self.cleaned_data
        stakeholder = data.get("stakeholder")
        if data.get("new_organisation"):
            stakeholder = Stakeholder.objects.create(
                workshop=self.workshop, name=data["new_organisation"], sector=data["sector"]
            )
        return Participant.objects.create(
            workshop=self.workshop,
            display_name=data["display_name"],
            sector=data["sector"],
            discipline=data["discipline"].strip(),
            stakeholder=stakeholder,
            role=Role.OBSERVER if data.get("observer") else Role.PARTICIPANT,
        )


class WorkshopFileForm(forms.Form):
    file = forms.FileField(
        label=_("Workshop file (JSON)"),
        help_text=_("A file exported from Future Center. Importing makes a new workshop."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def __init__(self, *args, max_bytes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if self.max_bytes is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB).") % {"mb": self.max_bytes // (1024 * 1024)}
            )
        return upload
