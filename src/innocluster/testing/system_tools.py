"""Install the system tools the tests need where this machine allows it, and say loudly what is
missing (the tests that need a missing tool skip, naming it).

Run by ``make test`` before pytest; ``.ci/run`` installs them unconditionally.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# tool on PATH -> Debian package that provides it
TOOLS = {
    "chromium": "chromium",
    "pdfsig": "poppler-utils",
    "certutil": "libnss3-tools",
    "openssl": "openssl",
}


# Not a program on PATH but an OpenSSL engine: GOST R 34.10-2012 verification uses it.
GOST_ENGINE = ("OpenSSL GOST engine", "libengine-gost-openssl")


def gost_engine_available() -> bool:
    if shutil.which("openssl") is None:
        return False
    probe = subprocess.run(["openssl", "engine", "gost", "-t"], capture_output=True, check=False)
    return probe.returncode == 0


def missing_tools() -> dict[str, str]:
    missing = {tool: package for tool, package in TOOLS.items() if shutil.which(tool) is None}
    if not gost_engine_available():
        missing[GOST_ENGINE[0]] = GOST_ENGINE[1]
    return missing


def try_install(packages: list[str]) -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"Installing system packages for the tests: {' '.join(packages)}", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def main() -> int:
    missing = missing_tools()
    if missing:
        try_install(sorted(set(missing.values())))
        missing = missing_tools()
    if missing:
        bar = "!" * 78
        print(bar, file=sys.stderr)
        for tool, package in missing.items():
            print(
                f"!! MISSING {tool} (Debian package {package}): the tests that need it will be SKIPPED",
                file=sys.stderr,
            )
        print(
            "!! Install them as root: apt-get install " + " ".join(sorted(set(missing.values()))),
            file=sys.stderr,
        )
        print(bar, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
