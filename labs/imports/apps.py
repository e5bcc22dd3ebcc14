from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "labs.imports"
    label = "lab_imports"
