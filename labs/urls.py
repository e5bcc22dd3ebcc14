from importlib.util import find_spec

from django.urls import include, path

from labs import views
from labs.catalog import LABS

app_name = "labs"

urlpatterns = [path("", views.index, name="index")]
# Each lab app brings its own urls.py (namespace = its slug).
urlpatterns += [
    path(f"{lab.slug}/", include((f"labs.{lab.slug}.urls", lab.slug)))
    for lab in LABS
    if find_spec(f"labs.{lab.slug}.urls") is not None
]
