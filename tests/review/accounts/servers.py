"""Real sign-in servers for the SSO tests, each a child process on a free loopback port.

- OpenLDAP's slapd (Debian package `slapd`) with its own configuration and database in a
  temporary folder, loaded from directory.ldif by slapadd; no system-wide slapd is used.
- An OpenID Connect provider on the npm package `oidc-provider` (oidc_provider.mjs).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
SUFFIX = "dc=musterstadt,dc=test"
SERVICE_DN = f"cn=stellwerk,ou=dienste,{SUFFIX}"
SERVICE_PASSWORD = "dienst-geheim"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "admin-geheim"

# The two Active Directory attributes the tests use, with AD's own OIDs; OpenLDAP's msuser.schema
# defines them without matching rules, so a search on them would never match.
AD_SCHEMA = """\
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
"""

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include {folder}/ad.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
database mdb
suffix "{suffix}"
rootdn "{admin_dn}"
rootpw {admin_password}
directory {folder}/data
maxsize 10485760
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on port {port} within {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Directory:
    uri: str


@contextmanager
def running_slapd(folder: Path) -> Iterator[Directory]:
    (folder / "data").mkdir(parents=True)
    (folder / "ad.schema").write_text(AD_SCHEMA)
    conf = folder / "slapd.conf"
    conf.write_text(
        SLAPD_CONF.format(
            folder=folder, suffix=SUFFIX, admin_dn=ADMIN_DN, admin_password=ADMIN_PASSWORD
        )
    )
    subprocess.run(
        [SLAPADD, "-q", "-f", conf, "-l", HERE / "directory.ldif"],
        check=True,
        capture_output=True,
    )
    port = free_port()
    # -d 0: stay in the foreground (a child we can stop), log nothing.
    process = subprocess.Popen(
        [SLAPD, "-f", conf, "-h", f"ldap://127.0.0.1:{port}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield Directory(uri=f"ldap://127.0.0.1:{port}")
    finally:
        _stop(process)


def slapd_missing() -> str | None:
    if not SLAPD.exists() or not SLAPADD.exists():
        return "OpenLDAP's slapd is not installed (apt-get install slapd ldap-utils; see .ci/run)"
    return None


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str

    def endpoint(self, name: str) -> str:
        with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration") as answer:
            return str(json.load(answer)[name])


NODE = shutil.which("node")
PROVIDER_SCRIPT = HERE / "oidc_provider.mjs"


def provider_missing() -> str | None:
    if NODE is None:
        return "Node.js is not installed"
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        return "npm package oidc-provider missing: run `make install` (npm ci)"
    return None


@contextmanager
def running_provider(redirect_uri: str, folder: Path) -> Iterator[Provider]:
    assert NODE is not None
    port = free_port()
    provider = Provider(
        issuer=f"http://127.0.0.1:{port}",
        client_id="stellwerk-test",
        client_secret="stellwerk-test-geheimnis-0123456789",
        redirect_uri=redirect_uri,
    )
    env = {
        **os.environ,
        "NODE_PATH": str(ROOT / "node_modules"),
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": provider.client_id,
        "OIDC_CLIENT_SECRET": provider.client_secret,
        "OIDC_REDIRECT_URI": redirect_uri,
    }
    log = folder / "provider.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [NODE, PROVIDER_SCRIPT], cwd=ROOT, env=env, stdout=output, stderr=output
        )
    try:
        try:
            _wait_for_port(port, process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}: {log.read_text()[-2000:]}") from None
        yield provider
    finally:
        _stop(process)
