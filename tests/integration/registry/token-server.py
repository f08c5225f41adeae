#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A token server for docker-registry's `auth: token:` (the bearer flow of Docker Hub and ghcr.io).

  token-server.py --listen 127.0.0.1:PORT --tls-cert C --tls-key K --sign-cert SC --sign-key SK
                  --issuer ISS --service SVC [--user USER:PASSWORD] [--private PREFIX]…
                  [--log FILE]

GET /token?service=SVC&scope=repository:NAME:ACTIONS… (the realm) answers
{"token", "access_token", "expires_in", "issued_at"}: an RS256 JWT signed by SK (through the
openssl CLI) whose x5c header carries SC, so that the registry, given SC as its rootcertbundle,
verifies it. POST /token with grant_type=password (the OAuth2 form) is answered the same way.

Access: with no Authorization, pull of every repository not under a --private PREFIX (default
"private/"), nothing else (the registry then answers 401, as Docker Hub does); with USER's
basic credentials, every action asked; with other credentials, 401 here. Each request is a line
in FILE: "METHOD user=USER|- scope=… granted=…".
"""
import argparse
import base64
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem_to_der_b64(path):
    """The base64 of a PEM certificate's DER is the text between its markers."""
    lines = open(path).read().splitlines()
    start = lines.index("-----BEGIN CERTIFICATE-----")
    end = lines.index("-----END CERTIFICATE-----")
    return "".join(lines[start + 1:end])


class Server:
    def __init__(self, opts):
        self.opts = opts
        self.x5c = [pem_to_der_b64(opts.sign_cert)]
        self.user = opts.user.split(":", 1) if opts.user else None
        self.private = opts.private or ["private/"]
        self.log_lock = threading.Lock()

    def log(self, line):
        if not self.opts.log:
            return
        with self.log_lock, open(self.opts.log, "a") as f:
            f.write(line + "\n")

    def sign(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        payload = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.opts.sign_key],
                             input=payload.encode(), capture_output=True, check=True).stdout
        return payload + "." + b64url(sig)

    def grant(self, user, scopes):
        access = []
        for scope in scopes:
            for one in scope.split(" "):
                kind, _, rest = one.partition(":")
                name, _, actions = rest.rpartition(":")
                if kind != "repository" or not name:
                    continue
                asked = [a for a in actions.split(",") if a]
                if user:
                    granted = asked
                elif any(name.startswith(p) for p in self.private):
                    granted = []
                else:
                    granted = [a for a in asked if a == "pull"]
                access.append({"type": kind, "name": name, "actions": granted})
        return access

    def token(self, user, scopes):
        now = int(time.time())
        access = self.grant(user, scopes)
        claims = {"iss": self.opts.issuer, "sub": user or "", "aud": self.opts.service,
                  "exp": now + 300, "nbf": now - 10, "iat": now,
                  "jti": b64url(os.urandom(12)), "access": access}
        t = self.sign(claims)
        return access, {"token": t, "access_token": t, "expires_in": 300,
                        "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}


def handler(srv):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, code, body, extra=None):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def authenticate(self, user, password):
            """None: anonymous; False: wrong credentials; else the user."""
            if user is None:
                return None
            if srv.user and [user, password] == srv.user:
                return user
            return False

        def basic(self):
            h = self.headers.get("Authorization")
            if not h:
                return None, None
            kind, _, cred = h.partition(" ")
            if kind.lower() != "basic":
                return "", ""
            try:
                user, _, password = base64.b64decode(cred).decode().partition(":")
            except ValueError:
                return "", ""
            return user, password

        def answer(self, method, user, password, service, scopes):
            who = self.authenticate(user, password)
            if who is False:
                srv.log(f"{method} user={user} scope={' '.join(scopes)} denied")
                self.reply(401, {"details": "incorrect username or password"},
                           {"WWW-Authenticate": 'Basic realm="berth-test-token"'})
                return
            if service and service != srv.opts.service:
                srv.log(f"{method} user={who or '-'} service={service} refused")
                self.reply(400, {"details": f"unknown service {service}"})
                return
            access, body = srv.token(who, scopes)
            granted = ";".join(f"{a['name']}:{','.join(a['actions'])}" for a in access)
            srv.log(f"{method} user={who or '-'} scope={' '.join(scopes)} granted={granted}")
            self.reply(200, body)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/token":
                self.reply(404, {"details": "not found"})
                return
            q = urllib.parse.parse_qs(url.query)
            user, password = self.basic()
            self.answer("GET", user, password, q.get("service", [""])[0], q.get("scope", []))

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            n = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(n).decode())
            if url.path != "/token":
                self.reply(404, {"details": "not found"})
                return
            user, password = self.basic()
            if form.get("grant_type", [""])[0] == "password":
                user = form.get("username", [""])[0]
                password = form.get("password", [""])[0]
            self.answer("POST", user, password, form.get("service", [""])[0],
                        form.get("scope", []))

    return H


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--sign-cert", required=True)
    p.add_argument("--sign-key", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--user")
    p.add_argument("--private", action="append")
    p.add_argument("--log")
    opts = p.parse_args()
    host, _, port = opts.listen.rpartition(":")
    httpd = ThreadingHTTPServer((host, int(port)), handler(Server(opts)))
    if opts.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    sys.stdout.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
