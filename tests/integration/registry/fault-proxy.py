#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""An HTTP proxy in front of a registry that breaks the download of one blob.

  fault-proxy.py --listen 127.0.0.1:PORT --upstream HOST:PORT [--upstream-ca CA]
                 [--upstream-creds USER:PASSWORD] [--tls-cert C --tls-key K]
                 [--digest D [--mode cut|stall|stop|redirect] [--times N] [--after BYTES]]
                 [--log FILE]

Every request is passed to the registry (plain HTTP, or TLS when --upstream-ca is given) with the
client's Host header, so the URLs the registry writes point back here. A GET of the blob D
(/v2/NAME/blobs/D, answered 200, or 206 for a range) is answered with the registry's status and
headers, the full Content-Length, then only BYTES of the body (default: half of it), after which
the connection is cut (mode cut) or held open without sending more, for at most 120 s (mode
stall). That happens to the first N such GETs (default 1; 0: all of them). Mode stop is the
registry going away midway: the first such GET is cut, and from then on every request is
dropped, its connection closed without an answer, until the rule changes. With --tls-cert the
proxy itself speaks TLS.

Mode redirect answers such a GET with 307 to SCHEME://localhost:PORT/_redirect/v2/…, another
host name for this proxy, as a registry sends a client to its blob storage: a client must follow
it and must not send its credentials there. The proxy serves /_redirect/PATH from the registry
with --upstream-creds (a presigned URL's authority), and logs whether the client sent an
Authorization header ("auth=yes" or "auth=no").

Control, answered by the proxy itself:
  GET /_fault/set?digest=D&mode=M&times=N&after=BYTES   a new rule (counts start again)
  GET /_fault/off                                       no rule: pass everything
Each request is a line in FILE: "METHOD PATH STATUS" and " cut" or " stalled" when broken.
"""
import argparse
import base64
import http.client
import select
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
       "trailers", "transfer-encoding", "upgrade"}


class Rule:
    def __init__(self):
        self.lock = threading.Lock()
        self.set(None, "cut", 1, None)

    def set(self, digest, mode, times, after):
        self.digest, self.mode, self.left, self.after = digest, mode, times, after
        self.always = times == 0
        self.stopped = False

    def is_stopped(self):
        with self.lock:
            return self.stopped

    def take(self, path, *modes):
        """The rule to apply to a GET of path, if its mode is one of modes, or None."""
        with self.lock:
            if not self.digest or self.mode not in modes or not path.endswith("/blobs/" + self.digest):
                return None
            if self.mode == "stop":
                if self.stopped:
                    return None
                self.stopped = True
                return "cut", self.after
            if not self.always:
                if self.left <= 0:
                    return None
                self.left -= 1
            return self.mode, self.after


def make_handler(opts, rule, log):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def small(self, code, text):
            data = text.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def control(self):
            url = urllib.parse.urlsplit(self.path)
            q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            with rule.lock:
                if url.path == "/_fault/off":
                    rule.set(None, "cut", 1, None)
                elif url.path == "/_fault/set" and "digest" in q:
                    rule.set(q["digest"], q.get("mode", "cut"), int(q.get("times", "1")),
                             int(q["after"]) if "after" in q else None)
                else:
                    self.small(400, "usage: /_fault/set?digest=D&mode=cut|stall|stop|redirect&times=N&after=B or /_fault/off\n")
                    return
            self.small(200, "ok\n")

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    n = int(self.rfile.readline().split(b";")[0], 16)
                    if n == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(n))
                    self.rfile.readline()
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else None

        def upstream(self):
            host, _, port = opts.upstream.rpartition(":")
            if opts.upstream_ca:
                ctx = ssl.create_default_context(cafile=opts.upstream_ca)
                return http.client.HTTPSConnection(host, int(port), context=ctx, timeout=60)
            return http.client.HTTPConnection(host, int(port), timeout=60)

        def redirect(self):
            scheme = "https" if opts.tls_cert else "http"
            port = self.server.server_address[1]
            self.send_response(307)
            self.send_header("Location", f"{scheme}://localhost:{port}/_redirect{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            log(f"{self.command} {self.path} 307 redirected")

        def proxy(self):
            if self.path.startswith("/_fault/"):
                self.control()
                return
            data = self.body()
            if rule.is_stopped():
                log(f"{self.command} {self.path} - dropped")
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            if opts.tls_cert:
                headers["X-Forwarded-Proto"] = "https"
            note = ""
            if self.path.startswith("/_redirect/"):
                note = " auth=" + ("yes" if "Authorization" in self.headers else "no")
                self.path = self.path[len("/_redirect"):]
                headers.pop("Authorization", None)
                if opts.upstream_creds:
                    cred = base64.b64encode(opts.upstream_creds.encode()).decode()
                    headers["Authorization"] = "Basic " + cred
            elif self.command == "GET" and rule.take(self.path, "redirect"):
                self.redirect()
                return
            conn = self.upstream()
            try:
                conn.request(self.command, self.path, body=data, headers=headers)
                resp = conn.getresponse()
            except OSError as e:
                log(f"{self.command} {self.path} 502")
                self.small(502, f"upstream: {e}\n")
                return
            broken = None
            if self.command == "GET" and resp.status in (200, 206) and not note:
                broken = rule.take(self.path, "cut", "stall", "stop")
            length = resp.getheader("Content-Length")
            payload = None
            if length is None and self.command != "HEAD":
                payload = resp.read()
                length = str(len(payload))
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            if length is not None:
                self.send_header("Content-Length", length)
            self.end_headers()
            if self.command == "HEAD":
                log(f"{self.command} {self.path} {resp.status}{note}")
                conn.close()
                return
            if payload is not None:
                self.wfile.write(payload)
                log(f"{self.command} {self.path} {resp.status}{note}")
                conn.close()
                return
            total = int(length)
            limit = total if broken is None else (broken[1] if broken[1] is not None else total // 2)
            sent = 0
            while sent < limit:
                chunk = resp.read(min(65536, limit - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
            conn.close()
            if broken is None:
                log(f"{self.command} {self.path} {resp.status}{note}")
                return
            self.wfile.flush()
            if broken[0] == "stall":
                log(f"{self.command} {self.path} {resp.status} stalled")
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    # Readable while it waits for the rest of a body: the client went away.
                    if select.select([self.connection], [], [], 0.2)[0]:
                        break
            else:
                log(f"{self.command} {self.path} {resp.status} cut")
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = proxy

    return H


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--upstream-ca")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--digest")
    p.add_argument("--upstream-creds")
    p.add_argument("--mode", choices=("cut", "stall", "stop", "redirect"), default="cut")
    p.add_argument("--times", type=int, default=1)
    p.add_argument("--after", type=int)
    p.add_argument("--log")
    opts = p.parse_args()
    rule = Rule()
    rule.set(opts.digest, opts.mode, opts.times, opts.after)
    lock = threading.Lock()

    def log(line):
        if opts.log:
            with lock, open(opts.log, "a") as f:
                f.write(line + "\n")

    host, _, port = opts.listen.rpartition(":")
    httpd = ThreadingHTTPServer((host, int(port)), make_handler(opts, rule, log))
    httpd.daemon_threads = True
    if opts.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    sys.stdout.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
