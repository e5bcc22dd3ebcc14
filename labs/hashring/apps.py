from django.apps import AppConfig


class HashringConfig(AppConfig):
    name = "labs.hashring"
    label = "lab_hashring"
