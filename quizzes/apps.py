from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self) -> None:
        # Every app's questions.py registers its generated-question generators (the labs'
        # engines answer their own questions); quizzes.questions holds the example.
        autodiscover_modules("questions")
        # Connects the user_logged_in receiver that moves anonymous progress to the account.
        from kbsite import accounts  # noqa: F401
