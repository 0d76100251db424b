from django.http import HttpResponse


def registry_export(request, fmt):
    return HttpResponse("export")
