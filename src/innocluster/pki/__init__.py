"""The platform's public-key infrastructure: its key store, certification authority, timestamp
authority, CMS/PAdES signatures and their verification reports.

Modules (each one's docstring says more):

- ``keystore``  the platform's own private keys (CA "ca", TSA "tsa", Fund signer "fund-signer"),
  encrypted with ``settings.KEYSTORE_PASSPHRASE``; never logged or served.
- ``ca``        ``init_ca``, ``ca_certificate``/``ca_pem``, ``subject_for``,
  ``issue_certificate``, ``revoke_certificate``, ``crl``/``crl_pem``/``crl_der``, ``crl_url``.
- ``tsa``       RFC 3161: ``timestamp_token``, ``respond`` (HTTP), ``as_response`` (.tsr files),
  ``tsa_certificate``; ``settings.TSA_URL`` switches to an external TSA.
- ``cms``       detached CAdES-BES/-T: ``signed_attributes_for`` + ``assemble_cms`` (two-phase
  browser signing), ``sign_detached``, ``add_signature_timestamp``, ``signature_value``,
  ``timestamp_tokens``, ``certificates_in``.
- ``verify``    ``verify_cms`` -> ``VerificationReport`` (never raises on bad input).
- ``providers`` signature algorithms by OID: cryptography (ECDSA, RSA, PSS, EdDSA) and GOST
  R 34.10-2012 through OpenSSL's GOST engine.
- ``pades``     the Fund's PAdES B-T ``sign_pdf``, ``verify_pdf``, ``looks_like_pdf``.
- ``enrol``     browser key enrolment: ``request_info_to_sign`` + ``assemble_csr``.
- ``errors``    ``SignatureRejected`` (a ``ValidationFailed`` carrying the report).

Public endpoints: /pki/ca.pem, /pki/crl.pem, /pki/crl.der, POST /pki/tsa; the API's
/api/v1/certificates (see ``api.py``). Commands: ``innocluster ca ...``, ``innocluster sign``.
"""
