from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/", views.index, name="index"),
    path("quizzes/<slug:slug>/", views.detail, name="detail"),
    path("quizzes/<slug:slug>/submit/", views.submit, name="submit"),
    path("quizzes/<slug:slug>/step/", views.step, name="step"),
    path("quizzes/<slug:slug>/answer/", views.answer, name="answer"),
    path("quizzes/<slug:slug>/retake/", views.retake, name="retake"),
    path("quizzes/<slug:slug>/results/<uuid:key>/", views.results, name="results"),
    path("practice/", views.practice, name="practice"),
    path("practice/answer/", views.practice_answer, name="practice_answer"),
]
