"""Account pages: register, confirm the e-mail, sign in and out, my profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from innocluster.core.errors import DomainError
from innocluster.portal.forms import add_domain_error
from innocluster.registry import selectors

from . import services
from .forms import LoginForm, RegisterForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        """``next``, unless it points back to this page (that would loop once signed in)."""
        url = super().get_redirect_url()
        return "" if url and url.split("?")[0] == self.request.path else url


class LogoutView(auth_views.LogoutView):
    """Sign-out is a POST (Django 5 refuses GET)."""


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_user(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                language=get_language() or "ru",
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return render(request, "accounts/check_email.html", {"email": user.email})
    status = 400 if form.errors else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


def confirm_email(request, token):
    try:
        user = services.confirm_email(token)
    except DomainError as exc:
        reason = exc.errors[0].message if exc.errors else exc.message
        return render(request, "accounts/confirm_failed.html", {"reason": reason}, status=400)
    messages.success(request, _("Your e-mail address %s is confirmed.") % user.email)
    if request.user.is_authenticated:
        return redirect("accounts:me")
    return redirect("accounts:login")


@login_required
def me(request):
    """My account: my organisations with my roles, my applications, the confirmation state."""
    roles = selectors.roles_of(request.user)
    applications = selectors.applications_of(request.user)
    return render(request, "accounts/me.html", {"roles": roles, "applications": applications})


@login_required
@require_POST
def resend_confirmation(request):
    if request.user.email_confirmed:
        messages.info(request, _("Your e-mail address is already confirmed."))
    else:
        services.send_confirmation(request.user)
        messages.success(request, _("We sent a new confirmation link to %s.") % request.user.email)
    return redirect("accounts:me")
