from django.urls import path

# Each area adds its own patterns in its own section below.

urlpatterns = []

# --- core: workshops, join, overview, workshop file (visions/views.py) ---

# --- exports: PDF and CSV (visions/export_views.py) ---

# --- roadmap builder (visions/roadmap_views.py) ---

# --- live workshop phases (visions/phase_views.py) ---
