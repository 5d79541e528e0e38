from django.urls import path

# Each area adds its own patterns in its own section below.

from visions.live import pages as live_pages  # noqa: E402
from visions.phases import console, current_state, issues, live_workshop, similar, stakeholders, themes, vision  # noqa: E402
from visions.phases import export as export_views  # noqa: E402
from visions.phases import commitments as commitment_views  # noqa: E402

urlpatterns = []

# --- workshops, joining, the overview, importing a workshop file (visions/workshops/views.py) ---
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
    path("workshops/<int:pk>/export.json", export_views.workshop_export_json, name="workshop_export_json"),
]

# --- phase 6, exports: PDF, CSV and the workshop file (visions/phases/export.py) ---
urlpatterns += [
    path("workshops/<int:pk>/export.pdf", export_views.workshop_export_pdf, name="workshop_export_pdf"),
    # While the task worker makes the PDF: the preparing page's poll, and trying a failed render again.
    path(
        "workshops/<int:pk>/export-pdf/status",
        export_views.workshop_export_pdf_status,
        name="workshop_export_pdf_status",
    ),
    path(
        "workshops/<int:pk>/export-pdf/retry", export_views.workshop_export_pdf_retry, name="workshop_export_pdf_retry"
    ),
    path("workshops/<int:pk>/join-sheet.pdf", export_views.join_sheet, name="join_sheet"),
    path("workshops/<int:pk>/issues.csv", export_views.workshop_export_issues_csv, name="workshop_export_issues_csv"),
    path(
        "workshops/<int:pk>/actions.csv", export_views.workshop_export_actions_csv, name="workshop_export_actions_csv"
    ),
]

# --- phase 5, the roadmap builder (visions/phases/roadmap.py) ---
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

# --- live workshop: the phases in their order, the console, the projector, the poll ---

_live = "workshops/<int:pk>/live/"
urlpatterns += [
    path(_live, live_workshop.live_workshop, name="live_workshop"),
    path(_live + "poll/", live_pages.live_poll, name="live_poll"),
    path(_live + "phase/<str:phase>/", live_workshop.phase_page, name="phase_page"),
    path(_live + "console/", console.console, name="console"),
    path(_live + "projector/", live_workshop.projector, name="projector"),
    path(_live + "move/", console.phase_move, name="phase_move"),
    path(_live + "lock/", console.workshop_lock, name="workshop_lock"),
    path(_live + "timer/", console.workshop_timer, name="workshop_timer"),
    path(_live + "dots/", console.workshop_dot_budget, name="workshop_dot_budget"),
    path(_live + "hide/<str:kind>/<int:item_id>/", console.contribution_hide, name="contribution_hide"),
    path(_live + "stakeholders/new/", stakeholders.stakeholder_add, name="stakeholder_add"),
    path(_live + "stakeholders/<int:item_id>/delete/", stakeholders.stakeholder_delete, name="stakeholder_delete"),
    path(_live + "visions/new/", vision.vision_add, name="vision_add"),
    path(_live + "visions/<int:item_id>/edit/", vision.vision_edit, name="vision_edit"),
    path(_live + "visions/<int:item_id>/delete/", vision.vision_delete, name="vision_delete"),
    path(_live + "visions/<int:item_id>/endorse/", vision.vision_endorse, name="vision_endorse"),
    path(_live + "visions/<int:item_id>/adopt/", vision.vision_adopt, name="vision_adopt"),
    path(_live + "visions/<int:item_id>/history/", vision.vision_history, name="vision_history"),
    path(_live + "targets/new/", vision.target_add, name="target_add"),
    path(_live + "targets/<int:item_id>/delete/", vision.target_delete, name="target_delete"),
    path(_live + "targets/<int:target_id>/assessments/new/", current_state.assessment_add, name="assessment_add"),
    path(_live + "assessments/<int:item_id>/delete/", current_state.assessment_delete, name="assessment_delete"),
    path(_live + "issues/new/", issues.issue_add, name="issue_add"),
    path(_live + "issues/similar/", similar.issue_similar, name="issue_similar"),
    path(_live + "issues/<int:item_id>/edit/", issues.issue_edit, name="issue_edit"),
    path(_live + "issues/<int:item_id>/delete/", issues.issue_delete, name="issue_delete"),
    path(_live + "issues/<int:item_id>/vote/", issues.issue_vote, name="issue_vote"),
    path(_live + "issues/<int:item_id>/score/", issues.issue_score, name="issue_score"),
    path(_live + "themes/", themes.themes, name="themes"),
    path(_live + "themes/new/", themes.theme_add, name="theme_add"),
    path(_live + "themes/merge/", themes.theme_merge, name="theme_merge"),
    path(_live + "themes/assign/", themes.theme_assign, name="theme_assign"),
    path(_live + "themes/<int:theme_id>/rename/", themes.theme_rename, name="theme_rename"),
    path(_live + "themes/<int:theme_id>/split/", themes.theme_split, name="theme_split"),
    path(_live + "themes/<int:theme_id>/delete/", themes.theme_delete, name="theme_delete"),
]

# --- phase 6, the group's commitments (visions/phases/commitments.py) ---
urlpatterns += [
    path("workshops/<int:pk>/commitments/", commitment_views.commitment_create, name="commitment_create"),
    path(
        "workshops/<int:pk>/commitments/<int:commitment_id>/",
        commitment_views.commitment_detail,
        name="commitment_detail",
    ),
    path(
        "workshops/<int:pk>/commitments/<int:commitment_id>.json",
        commitment_views.commitment_json,
        name="commitment_json",
    ),
    path(
        "workshops/<int:pk>/commitments/<int:commitment_id>.pdf",
        commitment_views.commitment_pdf,
        name="commitment_pdf",
    ),
    path(
        "workshops/<int:pk>/commitments/<int:commitment_id>/pdf-status",
        commitment_views.commitment_pdf_status,
        name="commitment_pdf_status",
    ),
    path(
        "workshops/<int:pk>/commitments/<int:commitment_id>/pdf-retry",
        commitment_views.commitment_pdf_retry,
        name="commitment_pdf_retry",
    ),
]

# --- phase 3, indicator data: a target's assessments from CSV (visions/phases/indicator_import.py) ---
from visions.phases import indicator_import  # noqa: E402

urlpatterns += [
    path(
        _live + "targets/<int:target_id>/assessments/import/",
        indicator_import.assessment_import,
        name="assessment_import",
    ),
    path(
        _live + "targets/<int:target_id>/assessments/import/confirm/",
        indicator_import.assessment_import_confirm,
        name="assessment_import_confirm",
    ),
]

# --- after the workshop: the next round, the series, the public page (visions/workshops/rounds.py) ---
from visions.workshops import rounds as round_views  # noqa: E402

urlpatterns += [
    path("workshops/<int:pk>/next-round/", round_views.next_round, name="next_round"),
    path("workshops/<int:pk>/series/", round_views.series, name="series"),
    path("workshops/<int:pk>/public-links/", round_views.public_links, name="public_links"),
    path("workshops/<int:pk>/public-links/new/", round_views.public_link_create, name="public_link_create"),
    path(
        "workshops/<int:pk>/public-links/<int:link_id>/revoke/",
        round_views.public_link_revoke,
        name="public_link_revoke",
    ),
    path("p/<str:token>/", round_views.public_page, name="public_page"),
]

# --- follow-up: update links and check-in rounds (visions/phases/followup.py, update_link.py) ---
from visions.phases import followup, update_link  # noqa: E402

_follow = "workshops/<int:pk>/follow-up/"
urlpatterns += [
    path(_follow + "links/", followup.followup_links, name="followup_links"),
    path(_follow + "links/new/", followup.link_create, name="followup_link_create"),
    path(_follow + "links/<int:link_id>/revoke/", followup.link_revoke, name="followup_link_revoke"),
    path(_follow + "links/<int:link_id>/letter/", followup.link_letter, name="followup_link_letter"),
    path(_follow + "links/<int:link_id>/email/", followup.link_email, name="followup_link_email"),
    path(_follow + "rounds/open/", followup.round_open, name="checkin_round_open"),
    path(_follow + "rounds/<int:round_id>/close/", followup.round_close, name="checkin_round_close"),
    # The representative's page: the secret is the address; nothing else of the workshop is under it.
    path("u/<str:secret>/", update_link.update_link_page, name="update_link"),
    path(
        "u/<str:secret>/actions/<int:action_id>/progress/",
        update_link.link_progress,
        name="update_link_progress",
    ),
    path(
        "u/<str:secret>/targets/<int:target_id>/assessments/",
        update_link.link_assessment,
        name="update_link_assessment",
    ),
    path(
        "u/<str:secret>/targets/<int:target_id>/assessments/import/",
        update_link.link_import,
        name="update_link_import",
    ),
    path(
        "u/<str:secret>/targets/<int:target_id>/assessments/import/confirm/",
        update_link.link_import_confirm,
        name="update_link_import_confirm",
    ),
]
