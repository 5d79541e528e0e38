from django.urls import path

# Each area adds its own patterns in its own section below.

urlpatterns = []

# --- core: workshops, join, overview, workshop file (visions/views.py) ---
from . import views  # noqa: E402

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
from . import export_views  # noqa: E402

urlpatterns += [
    path("workshops/<int:pk>/export.pdf", export_views.workshop_export_pdf, name="workshop_export_pdf"),
    path("workshops/<int:pk>/issues.csv", export_views.workshop_export_issues_csv, name="workshop_export_issues_csv"),
    path(
        "workshops/<int:pk>/actions.csv", export_views.workshop_export_actions_csv, name="workshop_export_actions_csv"
    ),
]

# --- roadmap builder (visions/roadmap_views.py) ---

# --- live workshop phases (visions/phase_views.py) ---
