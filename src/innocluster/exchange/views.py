"""The exchange's front page."""

from django.shortcuts import render


def home(request):
    return render(request, "exchange/home.html")
