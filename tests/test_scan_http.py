"""rca scan over HTTP against a hostile local server (127.0.0.1 only, started and stopped by the test).

Every request the server receives is recorded, so the tests can say exactly
what was fetched: nothing on a host that was not given, nothing robots.txt
forbids, and nothing that never finishes holds the scan up.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rca.scan import ScanOptions, read_site
from rca.scan.fetch import Fetcher, FetchFailed, FetchRefused

PAGE = ("<html><body><h1>Shop</h1><p>Please recieve our thanks.</p>"
        "<a href='/page2'>next</a><a href='/missing'>gone</a><a href='/private/x'>private</a>"
        "<a href='http://elsewhere.invalid/x'>out</a><img src='/logo.png'></body></html>")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        server = self.server
        server.log.append((self.path, self.headers.get("Host"), time.monotonic()))
        path = self.path
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private\n", "text/plain")
        elif path in ("/page", "/page2"):
            self._send(200, PAGE.encode())
        elif path == "/logo.png":
            self._send(200, b"\x89PNG\r\n\x1a\n", "image/png")
        elif path == "/sitemap.xml":
            urls = [f"{server.base}/page", f"{server.base}/private/secret", "http://elsewhere.invalid/page"]
            locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
            self._send(200, f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>".encode(),
                       "application/xml")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the cap must stop the read itself
            chunk = b"<p>" + b"word " * 2000 + b"</p>"
            for _ in range(2000):  # ~20 MB at most, bounded
                if server.stopping.is_set():
                    return
                try:
                    self.wfile.write(chunk)
                except OSError:
                    return
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(10 ** 9))
            self.end_headers()
        elif path == "/binary":
            self._send(200, bytes(range(256)) * 64)
        elif path == "/redirect-away":
            self._send(302, b"", headers=[("Location", f"http://localhost:{server.server_address[1]}/page")])
        elif path == "/redirect-same":
            self._send(301, b"", headers=[("Location", "/page2")])
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(300):  # a byte every 0.1 s for at most 30 s
                if server.stopping.wait(0.1):
                    return
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
        elif path == "/hang":
            server.stopping.wait(30)  # never answers (bounded so the test always ends)
        else:
            self._send(404, b"not found")


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.log = []
    httpd.stopping = threading.Event()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.stopping.set()
    httpd.shutdown()
    httpd.server_close()


def options(**extra):
    return ScanOptions(**{"rate": 50, "timeout": 2.0, **extra})


def test_pages_links_and_images_over_http_only_on_the_given_host(server):
    report = read_site([f"{server.base}/page"], options())
    found = {p.fingerprint: p for p in report.problems}
    assert set(found) == {"typo|recieve", f"broken_link|{server.base}/missing"}
    paths = [path for path, _, _ in server.log]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert "/private/x" not in paths  # robots.txt disallows it, so it is not even checked
    assert {host for _, host, _ in server.log} == {server.base.split("//")[1]}


def test_sitemap_urls_on_other_hosts_and_robots_disallowed_ones_are_skipped(server):
    report = read_site([f"{server.base}/sitemap.xml"], options())
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons["http://elsewhere.invalid/page"] == "http://elsewhere.invalid is not one of the hosts given"
    assert reasons[f"{server.base}/private/secret"] == "robots.txt disallows it"
    assert list(report.collection.pages) == [f"{server.base}/page"]
    assert not any(path.startswith("/private") for path, _, _ in server.log)


def test_hostile_pages_are_skipped_with_a_reason_and_do_not_hold_the_scan(server):
    urls = [f"{server.base}{p}" for p in ("/huge", "/huge-declared", "/binary", "/redirect-away", "/drip", "/hang",
                                          "/redirect-same")]
    report = read_site(urls, options(max_bytes=200_000, timeout=2.0))
    reasons = {s.source.rsplit("/", 1)[1]: s.reason for s in report.skipped}
    assert reasons["huge"] == "larger than the size cap (200,000 bytes)"
    assert reasons["huge-declared"].startswith("larger than the size cap (1,000,000,000 bytes")
    assert reasons["binary"] == "binary content served as text/html"
    assert reasons["redirect-away"].startswith("redirects to http://localhost:") and "not followed" in reasons[
        "redirect-away"]
    assert reasons["drip"] == "did not finish within 2 s"
    assert reasons["hang"] == "did not finish within 2 s"
    assert list(report.collection.pages) == [f"{server.base}/page2"]  # the same-host redirect is followed
    assert {host for _, host, _ in server.log} == {server.base.split("//")[1]}  # never localhost:PORT


def test_requests_to_one_host_keep_to_the_rate_limit(server):
    fetcher = Fetcher({server.base}, rate=5, timeout=2)
    for _ in range(4):
        fetcher.get(f"{server.base}/page")
    times = [t for path, _, t in server.log]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) == 5 and min(gaps) >= 0.18  # 5 a second; robots.txt counts as a request


def test_a_fetcher_refuses_hosts_and_schemes_it_was_not_given(server):
    fetcher = Fetcher({server.base}, rate=50, timeout=1)
    for url in ("http://elsewhere.invalid/", f"http://localhost:{server.server_address[1]}/page",
                "file:///etc/passwd", "ftp://127.0.0.1/x"):
        with pytest.raises(FetchRefused):
            fetcher.get(url)
    assert server.log == [] and fetcher.requests == []
    with pytest.raises(FetchFailed):
        Fetcher({"http://127.0.0.1:9"}, timeout=1).get("http://127.0.0.1:9/")  # nothing listens on port 9


def test_a_file_of_urls_is_fetched_like_urls_on_the_command_line(server, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# our pages\n{server.base}/page\n\n{server.base}/page2\n", encoding="utf-8")
    report = read_site([str(urls)], options())
    assert sorted(report.collection.pages) == [f"{server.base}/page", f"{server.base}/page2"]
    assert {p.fingerprint for p in report.problems} == {"typo|recieve", f"broken_link|{server.base}/missing"}
