from django.shortcuts import render


def home(request):
    return render(request, "portal/home.html")


def accessibility_settings(request):
    return render(request, "portal/home.html")
