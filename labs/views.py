from django.shortcuts import render
from django.views.decorators.http import require_safe

from labs.catalog import LABS


@require_safe
def index(request):
    labs = [{"lab": lab, "url": lab.url()} for lab in LABS]
    return render(request, "labs/index.html", {"labs": labs, "nav": "labs"})
