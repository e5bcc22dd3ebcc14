from django.urls import path

from labs.streaming import views

app_name = "streaming"

urlpatterns = [path("", views.index, name="index")]
