from django.contrib.auth import views as auth_views
from django.shortcuts import render


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"


class LogoutView(auth_views.LogoutView):
    pass


def register(request):
    return render(request, "accounts/register.html")


def confirm_email(request, token):
    return render(request, "accounts/register.html")


def me(request):
    return render(request, "accounts/me.html")
