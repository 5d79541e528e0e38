from django.contrib import admin

from visions import models


class WorkshopScopedAdmin(admin.ModelAdmin):
    list_select_related = ("workshop",)
    list_filter = ("workshop",)


@admin.register(models.Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "region", "base_year", "target_year", "phase", "locked", "join_code")
    search_fields = ("title", "region", "theme")
    list_filter = ("phase", "language", "locked")
    filter_horizontal = ("facilitators",)


@admin.register(models.Stakeholder)
class StakeholderAdmin(WorkshopScopedAdmin):
    list_display = ("name", "sector", "discipline", "workshop")
    list_filter = ("sector", "workshop")
    search_fields = ("name", "discipline")


@admin.register(models.Participant)
class ParticipantAdmin(WorkshopScopedAdmin):
    list_display = ("display_name", "role", "sector", "discipline", "stakeholder", "workshop")
    list_filter = ("role", "sector", "workshop")
    search_fields = ("display_name", "discipline")
    raw_id_fields = ("stakeholder", "user")


class VisionGoalInline(admin.TabularInline):
    model = models.VisionGoal
    extra = 1


class EndorsementInline(admin.TabularInline):
    model = models.Endorsement
    extra = 0
    raw_id_fields = ("participant",)


@admin.register(models.Vision)
class VisionAdmin(WorkshopScopedAdmin):
    list_display = ("__str__", "status", "target_year", "workshop")
    list_filter = ("status", "workshop")
    search_fields = ("statement",)
    raw_id_fields = ("author",)
    inlines = [VisionGoalInline, EndorsementInline]


@admin.register(models.VisionGoal)
class VisionGoalAdmin(admin.ModelAdmin):
    list_display = ("vision", "goal")


@admin.register(models.Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ("vision", "participant", "created_at")
    raw_id_fields = ("vision", "participant")


class AssessmentInline(admin.TabularInline):
    model = models.Assessment
    extra = 0
    raw_id_fields = ("author",)


@admin.register(models.Target)
class TargetAdmin(WorkshopScopedAdmin):
    list_display = ("indicator", "unit", "direction", "target_value", "target_year", "workshop")
    search_fields = ("indicator",)
    raw_id_fields = ("vision",)
    inlines = [AssessmentInline]

    def save_formset(self, request, form, formset, change):
        # Assessment.save() makes the derived gap issue; save one by one so it runs.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            instance.save()
        formset.save_m2m()


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("target", "value", "as_of", "source")
    list_select_related = ("target",)
    raw_id_fields = ("target", "author")
    date_hierarchy = "as_of"


@admin.register(models.Theme)
class ThemeAdmin(WorkshopScopedAdmin):
    list_display = ("name", "workshop")
    search_fields = ("name",)


class IssueVoteInline(admin.TabularInline):
    model = models.IssueVote
    extra = 0
    raw_id_fields = ("participant",)


class IssueScoreInline(admin.TabularInline):
    model = models.IssueScore
    extra = 0
    raw_id_fields = ("participant",)


@admin.register(models.Issue)
class IssueAdmin(WorkshopScopedAdmin):
    list_display = ("title", "origin", "theme", "workshop")
    list_filter = ("origin", "workshop")
    search_fields = ("title", "description")
    raw_id_fields = ("target", "theme", "author")
    inlines = [IssueVoteInline, IssueScoreInline]


@admin.register(models.IssueVote)
class IssueVoteAdmin(admin.ModelAdmin):
    list_display = ("issue", "participant", "dots")
    raw_id_fields = ("issue", "participant")


@admin.register(models.IssueScore)
class IssueScoreAdmin(admin.ModelAdmin):
    list_display = ("issue", "participant", "impact", "feasibility")
    raw_id_fields = ("issue", "participant")


@admin.register(models.Milestone)
class MilestoneAdmin(WorkshopScopedAdmin):
    list_display = ("year", "title", "workshop")
    search_fields = ("title",)


class ActionOwnerInline(admin.TabularInline):
    model = models.ActionOwner
    extra = 0
    raw_id_fields = ("stakeholder",)


class ActionIssueInline(admin.TabularInline):
    model = models.ActionIssue
    extra = 0
    raw_id_fields = ("issue",)


class ActionDependencyInline(admin.TabularInline):
    model = models.ActionDependency
    fk_name = "action"
    extra = 0
    raw_id_fields = ("prerequisite",)


@admin.register(models.Action)
class ActionAdmin(WorkshopScopedAdmin):
    list_display = ("title", "start_year", "end_year", "status", "progress", "workshop")
    list_filter = ("status", "workshop")
    search_fields = ("title", "description")
    raw_id_fields = ("milestone",)
    inlines = [ActionOwnerInline, ActionIssueInline, ActionDependencyInline]


@admin.register(models.ActionOwner)
class ActionOwnerAdmin(admin.ModelAdmin):
    list_display = ("action", "stakeholder")
    raw_id_fields = ("action", "stakeholder")


@admin.register(models.ActionIssue)
class ActionIssueAdmin(admin.ModelAdmin):
    list_display = ("action", "issue")
    raw_id_fields = ("action", "issue")


@admin.register(models.ActionDependency)
class ActionDependencyAdmin(admin.ModelAdmin):
    list_display = ("action", "prerequisite")
    raw_id_fields = ("action", "prerequisite")


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workshop", "verb", "subject_type", "subject_id", "summary")
    list_filter = ("verb", "subject_type")
    list_select_related = ("workshop",)
    readonly_fields = [f.name for f in models.Activity._meta.fields]


@admin.register(models.JoinFailure)
class JoinFailureAdmin(admin.ModelAdmin):
    list_display = ("client", "created_at")


@admin.register(models.Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    """Read only: a commitment is never changed once recorded (the database refuses it too)."""

    list_display = ("name", "workshop", "committed_at", "committed_by")
    readonly_fields = ("workshop", "name", "committed_at", "committed_by", "snapshot")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
