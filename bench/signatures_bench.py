"""Signature verification and the Fund's PDF signing, against OpenSSL in the same run.

Measures, in a fresh temporary database (SQLite in WAL mode unless a DATABASE_URL is given):
- ``verify_cms`` over 10,000 distinct detached CAdES-BES signatures (ECDSA P-256, each by one of
  50 people with certificates from the platform CA, over distinct 2 KB documents): the full check
  a user gets (digest, signature, path to the CA, validity, key usage, CRL from the database),
  one call at a time as the API calls it; and the same with the trust store (CA and CRL) loaded
  once for the batch (``verify_cms(..., trust=...)``). Validated certificate paths are
  remembered (see ``innocluster.pki.verify``), as they are in production: people sign many
  documents with one certificate;
- OpenSSL's raw ECDSA P-256 verify speed on this machine in the same run
  (``openssl speed -seconds 3 ecdsap256``, one core), and the ratio of the two: how many raw
  verifies one full verification costs;
- the Fund's PAdES B-T signing throughput: 50 one-page PDFs (fpdf2) signed with ``sign_pdf``,
  each with an RFC 3161 timestamp from the built-in TSA.

Usage: .venv/bin/python bench/signatures_bench.py [--signatures 10000] [--pdfs 50] [--json]
From Python: ``run()`` returns the results, ``markdown(results)`` the lines of a markdown section.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_stats import percentiles

ROOT = Path(__file__).resolve().parent.parent
SIGNERS = 50


def openssl_ecdsa_p256_verify_rate(seconds: int = 3) -> dict:
    """OpenSSL's raw ECDSA P-256 verifies per second (one process), from ``openssl speed``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return {"verify_per_s": None, "sign_per_s": None, "version": "openssl not installed"}
    done = subprocess.run(
        [openssl, "speed", "-seconds", str(seconds), "ecdsap256"],
        capture_output=True,
        text=True,
        check=False,
    )
    version = subprocess.run([openssl, "version"], capture_output=True, text=True).stdout.strip()
    # The summary line:  "256 bits ecdsa (nistp256)   0.0000s   0.0001s  44000.0  14000.0"
    match = re.search(
        r"256 bits ecdsa \(nistp256\)\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)", done.stdout
    )
    if match is None:
        return {"verify_per_s": None, "sign_per_s": None, "version": version,
                "raw": done.stdout[-500:]}  # fmt: skip
    return {
        "sign_per_s": float(match.group(3)),
        "verify_per_s": float(match.group(4)),
        "version": version,
    }


def _pdf(n: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if font.exists():
        pdf.add_font("DejaVu", fname=str(font))
        pdf.set_font("DejaVu", size=12)
        text = f"Решение правления Фонда № {n}. " * 20
    else:
        pdf.set_font("Helvetica", size=12)
        text = f"Decision of the Fund's board No. {n}. " * 20
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def child(signatures: int, pdfs: int, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innocluster.settings")
    import django

    django.setup()
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from django.core.management import call_command
    from django.db import connection

    from innocluster.pki import ca, cms, pades
    from innocluster.pki.verify import TrustStore, verify_cms

    results: dict = {"database": connection.vendor, "signatures": signatures, "pdfs": pdfs}
    call_command("migrate", verbosity=0, interactive=False)
    ca.init_ca()

    # People with certificates, and their signatures over distinct documents.
    people = []
    for i in range(SIGNERS):
        key = ec.generate_private_key(ec.SECP256R1())
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"p{i}")]))
            .sign(key, hashes.SHA256())
        )
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, f"Signer {i}"),
                x509.NameAttribute(NameOID.EMAIL_ADDRESS, f"signer{i}@bench.example"),
            ]
        )
        people.append((key, ca.issue_certificate(csr, subject=name).certificate))
    # A few revocations so the CRL is not empty.
    for i in range(5):
        extra = ec.generate_private_key(ec.SECP256R1())
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "r")]))
            .sign(extra, hashes.SHA256())
        )
        row = ca.issue_certificate(
            csr, subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Revoked {i}")])
        )
        ca.revoke_certificate(row.serial_hex, reason="superseded")

    began = time.perf_counter()
    corpus = []
    for n in range(signatures):
        key, cert = people[n % SIGNERS]
        content = (f"document {n}\n".encode() * 200)[:2048]
        corpus.append((content, cms.sign_detached(content, key, cert, timestamp=False)))
    results["make_signatures_s"] = time.perf_counter() - began

    # 1. verify_cms one call at a time, as the API does it.
    samples, invalid = [], 0
    began = time.perf_counter()
    for content, sig in corpus:
        t = time.perf_counter()
        report = verify_cms(content, sig)
        samples.append(time.perf_counter() - t)
        invalid += not report.valid
    total = time.perf_counter() - began
    results["verify"] = {
        **percentiles(samples, scale=1000),
        "total_s": total,
        "per_s": len(corpus) / total,
        "invalid": invalid,
    }

    # 2. The same with the trust store loaded once for the batch.
    trust = TrustStore.current()
    samples, invalid = [], 0
    began = time.perf_counter()
    for content, sig in corpus:
        t = time.perf_counter()
        report = verify_cms(content, sig, trust=trust)
        samples.append(time.perf_counter() - t)
        invalid += not report.valid
    total = time.perf_counter() - began
    results["verify_batch"] = {
        **percentiles(samples, scale=1000),
        "total_s": total,
        "per_s": len(corpus) / total,
        "invalid": invalid,
    }

    # 3. A changed byte must be caught every time (a sanity check of what was timed).
    caught = sum(
        not verify_cms(content[:-1] + b"!", sig, trust=trust).valid for content, sig in corpus[:100]
    )
    results["tamper_caught"] = f"{caught}/100"

    # 4. OpenSSL's raw ECDSA P-256 verify, same machine, same run.
    results["openssl"] = openssl_ecdsa_p256_verify_rate()

    # 5. The Fund's PAdES B-T signing.
    documents = [_pdf(n) for n in range(pdfs)]
    pades.sign_pdf(documents[0], reason="warm-up")  # keys and certificates made once
    samples = []
    began = time.perf_counter()
    signed = []
    for pdf in documents:
        t = time.perf_counter()
        signed.append(pades.sign_pdf(pdf, reason="Утверждено Фондом"))
        samples.append(time.perf_counter() - t)
    total = time.perf_counter() - began
    results["pades_sign"] = {
        **percentiles(samples, scale=1000),
        "total_s": total,
        "per_s": pdfs / total,
    }
    began = time.perf_counter()
    valid = sum(all(r.valid for r in pades.verify_pdf(pdf)) for pdf in signed)
    results["pades_verify"] = {
        "valid": f"{valid}/{len(signed)}",
        "per_s": len(signed) / (time.perf_counter() - began),
    }
    results["machine"] = {
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_avg": os.getloadavg()[0],
    }
    out.write_text(json.dumps(results, indent=2))


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def run(database_url: str | None = None, signatures: int = 10_000, pdfs: int = 50) -> dict:
    """Run the benchmark in a child process with a fresh temporary var/ (and so a fresh SQLite
    database, unless ``database_url`` names an empty one)."""
    with tempfile.TemporaryDirectory(prefix="innocluster-signatures-bench-") as var:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(
            {
                "INNOCLUSTER_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "innocluster.settings",
                "LOG_LEVEL": "ERROR",
                "ALLOWED_HOSTS": "testserver,127.0.0.1",
                "TSA_URL": "",
            }
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        out = Path(var) / "results.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--out", str(out)]
        cmd += ["--signatures", str(signatures), "--pdfs", str(pdfs)]
        subprocess.run(cmd, env=env, check=True, cwd=ROOT)
        return json.loads(out.read_text())


def _rate(value: float | None) -> str:
    return "—" if not value else f"{value:,.0f}/s"


def markdown(results: dict) -> list[str]:
    """A markdown section: what was measured, the numbers, and OpenSSL's raw speed beside."""
    db = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}.get(
        results["database"], results["database"]
    )
    v, vb, ossl = results["verify"], results["verify_batch"], results["openssl"]
    raw = ossl.get("verify_per_s")
    ratio = f"{raw / v['per_s']:,.0f}×" if raw else "—"
    ratio_batch = f"{raw / vb['per_s']:,.0f}×" if raw else "—"
    ps = results["pades_sign"]
    lines = [
        f"## Signatures: {results['signatures']:,} CAdES verifications, "
        f"{results['pdfs']} PAdES signings ({db})",
        "",
        "| measure | ours | OpenSSL raw ECDSA P-256 verify | raw verifies per verification |",
        "|---|---|---|---|",
        f"| `verify_cms`, one call at a time ({v['n']:,} signatures, ECDSA P-256): rate | "
        f"{_rate(v['per_s'])} | {_rate(raw)} | {ratio} |",
        f"| `verify_cms`, p50 / p95 per signature | {v['p50']:.2f} / {v['p95']:.2f} ms | — | — |",
        f"| `verify_cms` with the trust store loaded once per batch: rate | "
        f"{_rate(vb['per_s'])} | {_rate(raw)} | {ratio_batch} |",
        f"| batch p50 / p95 | {vb['p50']:.2f} / {vb['p95']:.2f} ms | — | — |",
        f"| Fund's PAdES B-T signing (one-page PDFs, RFC 3161 timestamp each) | "
        f"{ps['per_s']:.1f} documents/s (p50 {ps['p50']:.0f} ms, p95 {ps['p95']:.0f} ms) | — | — |",
        f"| `verify_pdf` of those PDFs | {results['pades_verify']['per_s']:.1f} documents/s | — | — |",
        "",
        f"Checks: {v['n'] - v['invalid']:,}/{v['n']:,} signatures valid one at a time, "
        f"{vb['n'] - vb['invalid']:,}/{vb['n']:,} in the batch; a changed byte of content caught "
        f"{results['tamper_caught']}; PAdES {results['pades_verify']['valid']} valid after "
        f"signing.",
        "",
        "A full verification is the digest of the content, the ECDSA verify of the signed "
        "attributes, the certificate path to the platform CA (pyhanko-certvalidator, which "
        "checks the certificate's and the CRL's signatures: two more ECDSA verifies), validity "
        "at the signing time, key usage and the CRL lookup, plus (one call at a time) a query "
        "for the current CRL. A validated path is remembered with the window of signing times "
        f"it holds for, so the {SIGNERS} signers' later signatures skip path building; each "
        "first signature pays it in full. OpenSSL's figure is one bare ECDSA verify of a digest "
        f"in C ({ossl.get('version', '')}, `openssl speed -seconds 3 ecdsap256`, one core).",
        "",
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores "
        f"(shared; load average {results['machine']['load_avg']:.1f} at the end), "
        f"Python {results['machine']['python']}.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signatures", type=int, default=10_000)
    parser.add_argument("--pdfs", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true", help="print the raw results too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.signatures, args.pdfs, args.out)
        return
    results = run(args.database_url, args.signatures, args.pdfs)
    if args.json:
        print(json.dumps(results, indent=2))
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
