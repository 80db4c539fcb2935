"""The production recipe, tested: Debian's nginx with deploy/nginx/studysmart.conf in front of
two daphne processes and both clusters (PostgreSQL + Redis), BEHIND_PROXY=1.

Pages, the API and both websockets go through the proxy; the client address the application
sees is the proxy's word, not a forged header; the login lockout holds; /metrics, scraped from
one process, adds up what every process counted.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from benchmarks.bench_completion import answer_for
from benchmarks.deployment import (
    Deployment,
    create_student_sessions,
    free_port_block,
    fresh_deployment,
)
from tests.deployment.clients import browser, csrf_headers
from tests.deployment.conftest import require_production_pass
from tests.sockets import ask, open_chat, open_socket

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "studysmart.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Proxy:
    url: str
    process: subprocess.Popen[bytes]
    prefix: Path

    def log(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-3000:] for p in self.prefix.glob("*.log") if p.exists()
        )


def render_site(*, listen: int, upstreams: list[str], static_root: Path) -> str:
    """deploy/nginx/studysmart.conf with this machine's ports and paths, nothing else changed."""
    site = SITE.read_text()
    servers = "".join(f"    server {u};\n" for u in upstreams)
    site = re.sub(
        r"upstream studysmart_web \{\n(?:    server [^\n]+\n)+",
        f"upstream studysmart_web {{\n{servers}",
        site,
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("listen [::]:80;\n", "")
    site = site.replace("server_name studysmart.example.org;", "server_name 127.0.0.1 localhost;")
    site = site.replace("/var/lib/studysmart/staticfiles/", f"{static_root}/")
    assert f"127.0.0.1:{listen}" in site and str(static_root) in site and upstreams[0] in site
    return site


def start_nginx(deployment: Deployment) -> Proxy:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (apt-get install nginx; .ci/run installs it)")
    prefix = Path(tempfile.mkdtemp(prefix="studysmart-nginx-"))
    port = free_port_block(1)
    upstreams = [u.removeprefix("http://") for u in deployment.urls]
    static_root = Path(deployment.env["STUDYSMART_DATA_DIR"]) / "staticfiles"
    (prefix / "site.conf").write_text(
        render_site(listen=port, upstreams=upstreams, static_root=static_root)
    )
    (prefix / "nginx.conf").write_text(
        # Started as root, nginx's workers would run as "nobody", who cannot read the
        # deployment's private temporary directory (the static files).
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    proxy = Proxy(f"http://127.0.0.1:{port}", process, prefix)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"nginx exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{proxy.url}/api/health/", timeout=5).status_code == 200:
                return proxy
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nginx did not answer:\n{proxy.log()}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[Deployment, Proxy]]:
    require_production_pass()
    with fresh_deployment(
        web_processes=2,
        seed=True,
        BEHIND_PROXY="1",
        METRICS_ALLOWED_IPS="127.0.0.1",
        LOG_FORMAT="json",
    ) as deployment:
        proxy = start_nginx(deployment)
        try:
            yield deployment, proxy
        finally:
            proxy.process.send_signal(signal.SIGQUIT)
            try:
                proxy.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy.process.kill()
            print(f"--- nginx ---\n{proxy.log()}\n--- deployment ---\n{deployment.log()[-4000:]}")
            shutil.rmtree(proxy.prefix, ignore_errors=True)


def test_it_serves_pages_static_files_and_the_api_through_nginx(
    stack: tuple[Deployment, Proxy],
) -> None:
    deployment, proxy = stack
    [session] = create_student_sessions(deployment.env, 1, prefix="nginx-pages")
    with browser(proxy.url) as anonymous:
        login = anonymous.get("/accounts/login/")
        assert login.status_code == 200 and "X-Request-ID" in login.headers
        css = re.search(r'href="(/static/[^"]+\.css)"', login.text)
        assert css, "no stylesheet on the login page"
        static = anonymous.get(css[1])
        assert static.status_code == 200 and "immutable" in static.headers["cache-control"]
    with browser(proxy.url, {"sessionid": session}) as client:
        assert client.get("/").status_code == 200
        assigned = client.post(
            "/api/practice-tasks/assign/", json={"count": 2}, headers=csrf_headers(client)
        )
        assert assigned.status_code == 201, assigned.text
        # Not reachable through the proxy: Prometheus scrapes the processes themselves.
        assert client.get("/metrics").status_code == 404


def test_it_carries_both_websockets_through_nginx(stack: tuple[Deployment, Proxy]) -> None:
    deployment, proxy = stack
    [session] = create_student_sessions(deployment.env, 1, prefix="nginx-sockets")

    async def talk() -> tuple[str, str]:
        ws, _first = await open_chat(proxy.url, session)
        try:
            frames = await ask(ws, "What is the photoelectric effect?")
        finally:
            await ws.close()
        updates = await open_socket(proxy.url, "/ws/updates/", session)
        try:
            await updates.ping()
            state = updates.state.name
        finally:
            await updates.close()
        return frames[-1]["type"], state

    final, state = asyncio.run(talk())
    assert final == "done"
    assert state == "OPEN"


def test_it_sees_the_client_address_from_the_proxy_not_a_forged_header(
    stack: tuple[Deployment, Proxy],
) -> None:
    deployment, proxy = stack
    deployment.manage("shell", "-c", CREATE_LOCKME)
    with browser(proxy.url) as client:
        for i in range(6):
            page = client.get("/accounts/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token
            client.post(
                "/accounts/login/",
                data={
                    "username": "lockme",
                    "password": f"wrong-{i}",
                    "csrfmiddlewaretoken": token[1],
                },
                headers={"X-Forwarded-For": f"198.51.100.{i}"},  # a new "address" every time
            )
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token
        right = client.post(
            "/accounts/login/",
            data={
                "username": "lockme",
                "password": "right-password-1",
                "csrfmiddlewaretoken": token[1],
            },
            headers={"X-Forwarded-For": "198.51.100.99"},
        )
    # Locked out: the forged addresses were replaced by the real one, so they all counted.
    assert right.status_code != 302, "the lockout was dodged with forged X-Forwarded-For"
    seen = deployment.manage("shell", "-c", SEEN_ADDRESSES)
    assert seen.strip().splitlines()[-1] == "['127.0.0.1']"


SEEN_ADDRESSES = """
from axes.models import AccessAttempt
attempts = AccessAttempt.objects.filter(username="lockme")
print(sorted(set(attempts.values_list("ip_address", flat=True))))
"""
CREATE_LOCKME = """
from django.contrib.auth.models import User
User.objects.create_user("lockme", password="right-password-1")
"""


def scrape(url: str) -> str:
    response = httpx.get(f"{url}/metrics", timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.text


def completions_counted(text: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("studysmart_task_completions_total{")
    )


def test_it_adds_up_the_metrics_of_every_process(stack: tuple[Deployment, Proxy]) -> None:
    deployment, proxy = stack
    before = completions_counted(scrape(deployment.urls[0]))
    [session] = create_student_sessions(deployment.env, 1, prefix="nginx-metrics")
    done = 0
    with browser(proxy.url, {"sessionid": session}) as client:
        client.get("/")
        for _ in range(3):
            assigned = client.post(
                "/api/practice-tasks/assign/", json={"count": 2}, headers=csrf_headers(client)
            )
            assert assigned.status_code == 201, assigned.text
            for item in assigned.json():
                shown = client.get(f"/api/practice-tasks/{item['id']}/").json()
                answer = client.patch(
                    f"/api/practice-tasks/{item['id']}/",
                    json=answer_for(shown),
                    headers=csrf_headers(client),
                )
                assert answer.status_code == 200, answer.text
                done += 1
    # nginx spread the requests over both processes; either one's /metrics sums them all.
    assert done == 6
    for url in deployment.urls:
        text = scrape(url)
        assert completions_counted(text) == before + done, text[:2000]
        assert 'studysmart_queue_depth{cluster="ml"}' in text
        assert "studysmart_clusters_alive 2.0" in text
    # From elsewhere (a forged header is not an address): refused.
    forged = httpx.get(f"{deployment.urls[0]}/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    assert forged.status_code == 403
