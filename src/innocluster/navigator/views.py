"""Navigator pages: the questionnaire, results, measure pages, operators' rule editor."""

from django.shortcuts import render


def start(request):
    return render(request, "navigator/start.html", {})
