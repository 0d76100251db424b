"""Background work of accounts (run by ``innocluster worker``)."""

from django_tasks import task


@task()
def send_confirmation_email(user_id: str) -> None:
    """Send the e-mail confirmation link; a slow or failing mail server never holds up a page."""
    from .models import User
    from .services import send_confirmation

    user = User.objects.filter(pk=user_id, email_confirmed_at__isnull=True).first()
    if user is not None:
        send_confirmation(user)
