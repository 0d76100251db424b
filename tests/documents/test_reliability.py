"""Signatures, status and log agree under concurrent signers, a killed signing process and
retried uploads."""

import threading

import pytest
from django.db import connection

from innocluster.documents.check import check_documents
from innocluster.documents.models import Document, Signature
from innocluster.documents.signing import sign_enhanced, sign_simple
from innocluster.ledger.models import LogEntry
from tests.accounts.factories import PASSWORD

from .factories import org_with_signatory, sent


def needs_concurrent_writers():
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database cannot take two writers at once "
            "(test_processes.py runs the same race with processes on an SQLite file)"
        )


def run_at_once(*calls):
    """Run ``calls`` in threads (each with its own database connection) released together."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_signers_of_a_parallel_step_at_the_same_moment():
    needs_concurrent_writers()
    org_a, signer_a = org_with_signatory()
    org_b, signer_b = org_with_signatory()
    document = sent([(org_a, 1), (org_b, 1)])
    results = run_at_once(
        lambda: sign_simple(Document.objects.get(pk=document.pk), signer_a, password=PASSWORD),
        lambda: sign_simple(Document.objects.get(pk=document.pk), signer_b, password=PASSWORD),
    )
    assert [type(r).__name__ for r in results] == ["Signature", "Signature"], results
    document.refresh_from_db()
    assert document.status == "signed"
    assert Signature.objects.filter(document=document).count() == 2
    kinds = [e.kind for e in LogEntry.objects.filter(object_id=str(document.pk)).order_by("index")]
    assert kinds.count("document.signature") == 2
    assert kinds[-1] == "document.status"
    assert check_documents(document.pk)[1] == []


@pytest.mark.django_db(transaction=True)
def test_the_same_signature_uploaded_twice_at_once_is_stored_once():
    needs_concurrent_writers()
    from innocluster.documents import storage

    from .pki_helpers import platform_signer

    org, user = org_with_signatory()
    other, _ = org_with_signatory()
    document = sent([(org, 1), (other, 2)])
    sha = document.current_version.sha256
    cms_der = platform_signer(user, org).sign(storage.get(sha))
    log_before = LogEntry.objects.count()
    results = run_at_once(
        *[
            lambda: sign_enhanced(
                Document.objects.get(pk=document.pk), user, cms_der, version_sha256=sha
            )
        ]
        * 2
    )
    assert all(isinstance(r, Signature) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].pk == results[1].pk
    assert Signature.objects.count() == 1
    # one signature entry and one status entry (sent -> partly signed)
    assert LogEntry.objects.count() == log_before + 2
    assert check_documents()[1] == []
