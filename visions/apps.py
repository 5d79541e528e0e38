from django.apps import AppConfig


class VisionsConfig(AppConfig):
    name = "visions"
    verbose_name = "Future Center workshops"

    def ready(self):
        # Guards for links made around save(): m2m .add() checks and database triggers.
        from . import integrity, signals  # noqa: F401
