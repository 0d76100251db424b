from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("me/", views.me, name="me"),
    path("me/resend-confirmation/", views.resend_confirmation, name="resend_confirmation"),
]
