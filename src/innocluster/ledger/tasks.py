"""Background work of the transparency log (run by ``innocluster worker``, which also enqueues
``sign_log_tree_head`` every ``LOG_TREE_HEAD_INTERVAL`` seconds)."""

from django_tasks import task


@task()
def sign_log_tree_head() -> dict:
    """Sign the log as it stands (nothing new is signed if the log has not grown)."""
    from .services import sign_tree_head

    head = sign_tree_head()
    return {"tree_size": head.tree_size, "root_hash": bytes(head.root_hash).hex()}
