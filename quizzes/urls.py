from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/", views.index, name="index"),
    path("quizzes/<slug:slug>/", views.detail, name="detail"),
    path("practice/", views.practice, name="practice"),
]
