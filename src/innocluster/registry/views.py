from django.http import HttpResponse


def registry_list(request):
    return HttpResponse("registry")


def registry_statistics(request):
    return HttpResponse("statistics")


def organisation_detail(request, org_id):
    return HttpResponse("detail")


def join(request):
    return HttpResponse("join")


def application_status(request, application_id):
    return HttpResponse("application")
