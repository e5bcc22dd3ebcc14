from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "labs.streaming"
    label = "lab_streaming"
