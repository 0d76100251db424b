"""The certificates API and the public /pki/ endpoints: issuance for verified identities only,
two-phase browser enrolment, revocation, and no private key ever in a response."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from innocluster.accounts.services import issue_api_token
from innocluster.pki import ca, tsa
from innocluster.pki.models import IssuedCertificate, StoredKey
from tests.accounts.factories import UnconfirmedUserFactory, UserFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

from .conftest import csr_for

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def csr_pem(key, cn="Whatever the client claims") -> str:
    return csr_for(key, cn).public_bytes(serialization.Encoding.PEM).decode()


def test_a_signatory_gets_a_certificate_naming_the_verified_identity(client):
    person = UserFactory(full_name="Мария Петрова")
    org = MemberOrganisationFactory(name_ru="ООО «Квантовые сенсоры»")
    OrganisationRoleFactory(user=person, organisation=org, role="signatory")
    client.force_login(person)
    key = ec.generate_private_key(ec.SECP256R1())
    response = client.post(
        "/api/v1/certificates",
        {"csr": csr_pem(key, "Evil Corp CEO"), "organisation": str(org.pk)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    cert = x509.load_pem_x509_certificate(response.json()["pem"].encode())
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Мария Петрова"
    assert subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value == person.email
    assert "Квантовые" in subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    inn = subject.get_attributes_for_oid(ca.OID_INN)[0].value
    assert inn.endswith(org.inn)
    assert subject.get_attributes_for_oid(ca.OID_OGRN)[0].value == org.ogrn
    assert "Evil" not in subject.rfc4514_string()
    listed = client.get("/api/v1/certificates").json()
    assert [c["serial_hex"] for c in listed] == [response.json()["serial_hex"]]


def test_a_person_without_the_signatory_role_is_refused_and_nothing_is_stored(client, user):
    org = MemberOrganisationFactory()
    OrganisationRoleFactory(user=user, organisation=org, role="viewer")
    client.force_login(user)
    key = ec.generate_private_key(ec.SECP256R1())
    response = client.post(
        "/api/v1/certificates",
        {"csr": csr_pem(key), "organisation": str(org.pk)},
        content_type="application/json",
    )
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "organisation"
    assert not IssuedCertificate.objects.filter(user=user).exists()


def test_a_csr_with_a_bad_self_signature_is_refused(client, user):
    client.force_login(user)
    key = ec.generate_private_key(ec.SECP256R1())
    der = bytearray(csr_for(key).public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # inside the signature value
    pem = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()
    response = client.post("/api/v1/certificates", {"csr": pem}, content_type="application/json")
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "csr" and error["code"] == "bad_signature"
    assert not IssuedCertificate.objects.filter(user=user).exists()


@pytest.mark.parametrize("body", [{"csr": "not a csr"}, {"csr": ""}, {}, {"csr": "x" * 20000}])
def test_malformed_requests_are_problem_details_never_500(client, user, body):
    client.force_login(user)
    response = client.post("/api/v1/certificates", body, content_type="application/json")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM


def test_an_unconfirmed_email_and_anonymous_callers_get_no_certificate(client):
    key = ec.generate_private_key(ec.SECP256R1())
    response = client.post(
        "/api/v1/certificates", {"csr": csr_pem(key)}, content_type="application/json"
    )
    assert response.status_code == 401
    client.force_login(UnconfirmedUserFactory())
    response = client.post(
        "/api/v1/certificates", {"csr": csr_pem(key)}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "email_unconfirmed"


def test_an_api_token_issues_for_its_creator_and_organisation(client):
    person = UserFactory()
    org = MemberOrganisationFactory()
    OrganisationRoleFactory(user=person, organisation=org, role="signatory")
    OrganisationRoleFactory(user=person, organisation=org, role="owner")
    _, raw = issue_api_token(person, org, "signing robot", ["read"])
    key = ec.generate_private_key(ec.SECP256R1())
    response = client.post(
        "/api/v1/certificates",
        {"csr": csr_pem(key)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    row = IssuedCertificate.objects.get(serial_hex=response.json()["serial_hex"])
    assert row.user == person and row.organisation == org


def browser_sign(key, data: bytes) -> bytes:
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_two_phase_browser_enrolment(client, user):
    client.force_login(user)
    key = ec.generate_private_key(ec.SECP256R1())
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    prepared = client.post(
        "/api/v1/certificates/enrol/prepare",
        {"public_key": base64.b64encode(spki).decode()},
        content_type="application/json",
    )
    assert prepared.status_code == 200, prepared.content
    info = base64.b64decode(prepared.json()["request_info"])
    # A signature over something else is refused.
    wrong = client.post(
        "/api/v1/certificates/enrol/complete",
        {
            "enrolment_id": prepared.json()["enrolment_id"],
            "signature": base64.b64encode(browser_sign(key, b"x")).decode(),
        },
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "signature"
    done = client.post(
        "/api/v1/certificates/enrol/complete",
        {
            "enrolment_id": prepared.json()["enrolment_id"],
            "signature": base64.b64encode(browser_sign(key, info)).decode(),
        },
        content_type="application/json",
    )
    assert done.status_code == 201, done.content
    cert = x509.load_pem_x509_certificate(done.json()["pem"].encode())
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    # Another user cannot complete someone else's enrolment.
    client.force_login(UserFactory())
    stolen = client.post(
        "/api/v1/certificates/enrol/complete",
        {
            "enrolment_id": prepared.json()["enrolment_id"],
            "signature": base64.b64encode(browser_sign(key, info)).decode(),
        },
        content_type="application/json",
    )
    assert stolen.status_code == 422


def test_enrolment_refuses_anything_but_a_p256_key(client, user):
    client.force_login(user)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    spki = rsa_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    response = client.post(
        "/api/v1/certificates/enrol/prepare",
        {"public_key": base64.b64encode(spki).decode()},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "public_key" and "P-256" in error["message"]


def test_the_holder_or_an_operator_revokes_and_others_get_404(client, user, operator):
    key = ec.generate_private_key(ec.SECP256R1())
    row = ca.issue_certificate(csr_for(key), subject=ca.subject_for(user), user=user)
    client.force_login(UserFactory())
    assert (
        client.post(
            f"/api/v1/certificates/{row.serial_hex}/revoke", {}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(user)
    done = client.post(
        f"/api/v1/certificates/{row.serial_hex}/revoke",
        {"reason": "key_compromise"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["revoked_at"]
    crl = x509.load_pem_x509_crl(client.get("/pki/crl.pem").content)
    assert crl.get_revoked_certificate_by_serial_number(int(row.serial_hex, 16)) is not None
    again = client.post(
        f"/api/v1/certificates/{row.serial_hex}/revoke", {}, content_type="application/json"
    )
    assert again.status_code == 422
    row2 = ca.issue_certificate(csr_for(key), subject=ca.subject_for(user), user=user)
    client.force_login(operator)
    assert (
        client.post(
            f"/api/v1/certificates/{row2.serial_hex}/revoke", {}, content_type="application/json"
        ).status_code
        == 200
    )
    assert len(client.get("/api/v1/certificates").json()) >= 2  # operators see all


def test_public_ca_and_crl_endpoints(client):
    root = x509.load_pem_x509_certificate(client.get("/pki/ca.pem").content)
    assert root == ca.ca_certificate()
    crl = x509.load_der_x509_crl(client.get("/pki/crl.der").content)
    assert crl.is_signature_valid(root.public_key())
    assert client.get("/pki/crl.der")["Content-Type"] == "application/pkix-crl"


def test_tsa_over_http(client):
    from asn1crypto import tsp

    req = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": b"\x07" * 32,
            },
            "nonce": 99,
            "cert_req": True,
        }
    )
    response = client.post("/pki/tsa", req.dump(), content_type="application/timestamp-query")
    assert response.status_code == 200 and response["Content-Type"] == "application/timestamp-reply"
    answer = tsa.TimeStampResp.load(response.content)
    assert answer["status"]["status"].native == "granted"
    assert tsa.tst_info_of(answer["time_stamp_token"])["nonce"].native == 99
    garbage = client.post("/pki/tsa", b"\x30\x00junk", content_type="application/timestamp-query")
    assert garbage.status_code == 200
    assert tsa.TimeStampResp.load(garbage.content)["status"]["status"].native == "rejection"
    assert (
        client.post(
            "/pki/tsa", b"x" * 20000, content_type="application/timestamp-query"
        ).status_code
        == 413
    )
    assert client.post("/pki/tsa", b"x", content_type="text/plain").status_code == 415
    assert client.get("/pki/tsa").status_code == 405


def test_no_response_contains_private_key_material(client, user, operator):
    key = ec.generate_private_key(ec.SECP256R1())
    client.force_login(user)
    client.post("/api/v1/certificates", {"csr": csr_pem(key)}, content_type="application/json")
    tsa.tsa_certificate()
    from innocluster.pki import pades

    pades.fund_certificate()
    from innocluster.pki import keystore

    secrets = []
    for stored in StoredKey.objects.all():
        private = keystore.load_key(stored.name)
        raw = private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        scalar = private.private_numbers().private_value.to_bytes(32, "big")
        secrets += [
            raw,
            scalar,
            base64.b64encode(raw),
            stored.encrypted_private_key.encode()[40:120],
            scalar.hex().encode(),
            base64.b64encode(scalar),
        ]
    assert {"ca", "tsa", "fund-signer"} <= set(StoredKey.objects.values_list("name", flat=True))
    bodies = [client.get(p).content for p in ("/pki/ca.pem", "/pki/crl.pem", "/pki/crl.der")]
    bodies.append(client.get("/api/v1/certificates").content)
    client.force_login(operator)
    bodies.append(client.get("/api/v1/certificates").content)
    bodies.append(client.get("/api/v1/openapi.json").content)
    for body in bodies:
        assert b"PRIVATE KEY" not in body
        for secret in secrets:
            assert secret not in body
