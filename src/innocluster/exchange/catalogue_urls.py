"""Technology offers, products and expressions of interest (under /exchange/)."""

from django.urls import path

from . import catalogue_views as views

urlpatterns = [
    path("technologies/", views.technologies, name="technologies"),
    path("technologies/new/", views.technology_new, name="technology_new"),
    path("technologies/<uuid:item_id>/", views.technology, name="technology"),
    path("technologies/<uuid:item_id>/edit/", views.technology_edit, name="technology_edit"),
    path(
        "technologies/<uuid:item_id>/publish/",
        views.technology_publish,
        name="technology_publish",
    ),
    path(
        "technologies/<uuid:item_id>/archive/",
        views.technology_archive,
        name="technology_archive",
    ),
    path("products/", views.products, name="products"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/<uuid:item_id>/", views.product, name="product"),
    path("products/<uuid:item_id>/edit/", views.product_edit, name="product_edit"),
    path("products/<uuid:item_id>/publish/", views.product_publish, name="product_publish"),
    path("products/<uuid:item_id>/archive/", views.product_archive, name="product_archive"),
    path("interest/", views.interest, name="interest"),
    path("interest/new/", views.interest_new, name="interest_new"),
]
