"""Public PKI endpoints (mounted at /pki/)."""

from django.urls import path

from . import views

app_name = "pki"
urlpatterns = [
    path("ca.pem", views.ca_pem, name="ca-pem"),
    path("crl.pem", views.crl_pem, name="crl-pem"),
    path("crl.der", views.crl_der, name="crl-der"),
    path("tsa", views.timestamp, name="tsa"),
]
