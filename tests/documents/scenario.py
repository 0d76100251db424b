"""Signing steps run as separate processes, for the reliability tests.

    python -m tests.documents.scenario setup            -> {"document": id, "signers": [emails]}
    python -m tests.documents.scenario sign DOC EMAIL   -> {"signature": id}
    python -m tests.documents.scenario state DOC        -> {"status", "signatures", "log", "problems"}

The database comes from DATABASE_URL, the content store from DOCUMENT_STORE_DIR. With
``START_AT=<unix time>`` ``sign`` waits until then, so two processes sign at the same moment.
"""

import json
import os
import sys
import time


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innocluster.settings")
    import django

    django.setup()
    command, *args = argv
    print(json.dumps(globals()[f"do_{command}"](*args)))


def do_setup():
    from tests.documents.factories import org_with_signatory, sent

    org_a, signer_a = org_with_signatory()
    org_b, signer_b = org_with_signatory()
    document = sent([(org_a, 1), (org_b, 1)])
    return {"document": str(document.pk), "signers": [signer_a.email, signer_b.email]}


def do_sign(document_id, email):
    from innocluster.accounts.models import User
    from innocluster.documents.models import Document
    from innocluster.documents.signing import sign_simple
    from tests.accounts.factories import PASSWORD

    user = User.objects.get(email=email)
    document = Document.objects.get(pk=document_id)
    start_at = float(os.environ.get("START_AT", "0"))
    time.sleep(max(0.0, start_at - time.time()))
    signature = sign_simple(document, user, password=PASSWORD)
    return {"signature": str(signature.pk)}


def do_state(document_id):
    from innocluster.documents.check import check_documents
    from innocluster.documents.models import Document
    from innocluster.ledger.models import LogEntry
    from innocluster.ledger.services import verify_log

    document = Document.objects.get(pk=document_id)
    _count, problems = check_documents()
    _size, log_problems = verify_log()
    return {
        "status": document.status,
        "signatures": document.signatures.count(),
        "steps": sorted(document.steps.values_list("status", flat=True)),
        "log": [e.kind for e in LogEntry.objects.filter(object_id=document_id).order_by("index")],
        "problems": [str(p) for p in problems] + [p.message for p in log_problems],
    }


if __name__ == "__main__":
    main(sys.argv[1:])
