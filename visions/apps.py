from django.apps import AppConfig


class VisionsConfig(AppConfig):
    name = "visions"
    verbose_name = "Future Center workshops"

    def ready(self):
        from . import signals  # noqa: F401
