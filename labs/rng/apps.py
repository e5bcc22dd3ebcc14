from django.apps import AppConfig


class RngConfig(AppConfig):
    name = "labs.rng"
    label = "lab_rng"
