"""Background work shared by every app (run by ``innocluster worker``)."""

from django_tasks import task


@task()
def mail_notifications(ids: list[str]) -> int:
    """E-mail notifications after the action that created them committed."""
    from .notifications import mail

    return mail(ids)
