from django.urls import path

# Each area adds its own patterns in its own section below.

urlpatterns = []

# --- core: workshops, join, overview, workshop file (visions/views.py) ---
from visions.workshops import views  # noqa: E402

urlpatterns += [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path("workshops/", views.workshop_list, name="workshop_list"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/import/", views.workshop_import, name="workshop_import"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("workshops/<int:pk>/rotate-code/", views.workshop_rotate_code, name="workshop_rotate_code"),
    path("workshops/<int:pk>/export.json", views.workshop_export_json, name="workshop_export_json"),
]

# --- exports: PDF and CSV (visions/export_views.py) ---
from visions.phases import export as export_views  # noqa: E402

urlpatterns += [
    path("workshops/<int:pk>/export.pdf", export_views.workshop_export_pdf, name="workshop_export_pdf"),
    path("workshops/<int:pk>/issues.csv", export_views.workshop_export_issues_csv, name="workshop_export_issues_csv"),
    path(
        "workshops/<int:pk>/actions.csv", export_views.workshop_export_actions_csv, name="workshop_export_actions_csv"
    ),
]

# --- roadmap builder (visions/roadmap_views.py) ---
from visions.phases import roadmap as roadmap_views  # noqa: E402

urlpatterns += [
    path("workshops/<int:pk>/roadmap/", roadmap_views.roadmap, name="roadmap"),
    path("workshops/<int:pk>/roadmap/priority/", roadmap_views.priority_update, name="roadmap_priority"),
    path(
        "workshops/<int:pk>/roadmap/milestones/suggest/",
        roadmap_views.milestone_suggest,
        name="roadmap_milestone_suggest",
    ),
    path("workshops/<int:pk>/roadmap/milestones/new/", roadmap_views.milestone_create, name="roadmap_milestone_create"),
    path(
        "workshops/<int:pk>/roadmap/milestones/<int:milestone_id>/edit/",
        roadmap_views.milestone_edit,
        name="roadmap_milestone_edit",
    ),
    path(
        "workshops/<int:pk>/roadmap/milestones/<int:milestone_id>/accept/",
        roadmap_views.milestone_accept,
        name="roadmap_milestone_accept",
    ),
    path(
        "workshops/<int:pk>/roadmap/milestones/<int:milestone_id>/delete/",
        roadmap_views.milestone_delete,
        name="roadmap_milestone_delete",
    ),
    path("workshops/<int:pk>/roadmap/actions/new/", roadmap_views.action_create, name="roadmap_action_create"),
    path(
        "workshops/<int:pk>/roadmap/actions/<int:action_id>/edit/",
        roadmap_views.action_edit,
        name="roadmap_action_edit",
    ),
    path(
        "workshops/<int:pk>/roadmap/actions/<int:action_id>/progress/",
        roadmap_views.action_progress,
        name="roadmap_action_progress",
    ),
    path(
        "workshops/<int:pk>/roadmap/actions/<int:action_id>/delete/",
        roadmap_views.action_delete,
        name="roadmap_action_delete",
    ),
]

# --- live workshop phases (visions/phase_views.py) ---
from visions.phases import live_views as phase_views  # noqa: E402

_live = "workshops/<int:pk>/live/"
urlpatterns += [
    path(_live, phase_views.live_workshop, name="live_workshop"),
    path(_live + "poll/", phase_views.live_poll, name="live_poll"),
    path(_live + "phase/<str:phase>/", phase_views.phase_page, name="phase_page"),
    path(_live + "console/", phase_views.console, name="console"),
    path(_live + "projector/", phase_views.projector, name="projector"),
    path(_live + "move/", phase_views.phase_move, name="phase_move"),
    path(_live + "lock/", phase_views.workshop_lock, name="workshop_lock"),
    path(_live + "timer/", phase_views.workshop_timer, name="workshop_timer"),
    path(_live + "dots/", phase_views.workshop_dot_budget, name="workshop_dot_budget"),
    path(_live + "hide/<str:kind>/<int:item_id>/", phase_views.contribution_hide, name="contribution_hide"),
    path(_live + "stakeholders/new/", phase_views.stakeholder_add, name="stakeholder_add"),
    path(_live + "stakeholders/<int:item_id>/delete/", phase_views.stakeholder_delete, name="stakeholder_delete"),
    path(_live + "visions/new/", phase_views.vision_add, name="vision_add"),
    path(_live + "visions/<int:item_id>/edit/", phase_views.vision_edit, name="vision_edit"),
    path(_live + "visions/<int:item_id>/delete/", phase_views.vision_delete, name="vision_delete"),
    path(_live + "visions/<int:item_id>/endorse/", phase_views.vision_endorse, name="vision_endorse"),
    path(_live + "visions/<int:item_id>/adopt/", phase_views.vision_adopt, name="vision_adopt"),
    path(_live + "visions/<int:item_id>/history/", phase_views.vision_history, name="vision_history"),
    path(_live + "targets/new/", phase_views.target_add, name="target_add"),
    path(_live + "targets/<int:item_id>/delete/", phase_views.target_delete, name="target_delete"),
    path(_live + "targets/<int:target_id>/assessments/new/", phase_views.assessment_add, name="assessment_add"),
    path(_live + "assessments/<int:item_id>/delete/", phase_views.assessment_delete, name="assessment_delete"),
    path(_live + "issues/new/", phase_views.issue_add, name="issue_add"),
    path(_live + "issues/<int:item_id>/edit/", phase_views.issue_edit, name="issue_edit"),
    path(_live + "issues/<int:item_id>/delete/", phase_views.issue_delete, name="issue_delete"),
    path(_live + "issues/<int:item_id>/vote/", phase_views.issue_vote, name="issue_vote"),
    path(_live + "issues/<int:item_id>/score/", phase_views.issue_score, name="issue_score"),
    path(_live + "themes/", phase_views.themes, name="themes"),
    path(_live + "themes/new/", phase_views.theme_add, name="theme_add"),
    path(_live + "themes/merge/", phase_views.theme_merge, name="theme_merge"),
    path(_live + "themes/assign/", phase_views.theme_assign, name="theme_assign"),
    path(_live + "themes/<int:theme_id>/rename/", phase_views.theme_rename, name="theme_rename"),
    path(_live + "themes/<int:theme_id>/split/", phase_views.theme_split, name="theme_split"),
    path(_live + "themes/<int:theme_id>/delete/", phase_views.theme_delete, name="theme_delete"),
]
