from django.http import HttpResponse


def applications_queue(request):
    return HttpResponse("queue")
