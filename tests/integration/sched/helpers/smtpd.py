#!/usr/bin/python3
"""tests/integration/sched/smtpd.py: a real SMTP server for the tests.

Debian's aiosmtpd (python3-aiosmtpd), run by Debian's own /usr/bin/python3:
STARTTLS required (or implicit TLS with --implicit), AUTH PLAIN and LOGIN
required over TLS with --user/--password, each accepted message written
to DIR/msg-N.eml (whole, then renamed).  A test steers it through files
in DIR, read at each RCPT TO:

  mode       "ok" (default), "451" (try later), "550" (no such user)
  stall      while this file exists, RCPT TO waits (DIR/stalled says it
             is waiting): the test kills the client in the middle

Prints "ready PORT" when listening.  Not a test itself (no TAP).
"""
import argparse
import asyncio
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--implicit", action="store_true")
    a = ap.parse_args()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)

    def path(name):
        return os.path.join(a.dir, name)

    class Handler:
        n = 0

        async def handle_RCPT(self, server, session, envelope, address,
                              rcpt_options):
            try:
                mode = open(path("mode")).read().strip()
            except OSError:
                mode = "ok"
            if mode == "451":
                return "451 4.3.0 mailbox busy, try again later"
            if mode == "550":
                return "550 5.1.1 no such user here"
            while os.path.exists(path("stall")):
                open(path("stalled"), "w").close()
                await asyncio.sleep(0.05)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            Handler.n += 1
            name = path("msg-%d-%d.eml" % (time.time_ns(), Handler.n))
            with open(name + ".tmp", "wb") as f:
                f.write(b"X-Rcpt: " + ",".join(envelope.rcpt_tos).encode() +
                        b"\r\nX-Auth: " + str(session.authenticated).encode() +
                        b"\r\nX-TLS: " + str(session.ssl is not None or a.implicit).encode()
                        + b"\r\n")
                f.write(envelope.original_content)
            os.rename(name + ".tmp", name)
            return "250 Message accepted for delivery"

    def auth(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and \
            data.login.decode() == a.user and \
            data.password.decode() == a.password
        return AuthResult(success=ok)

    kw = dict(hostname="127.0.0.1", port=a.port)
    if a.user:
        kw.update(authenticator=auth, auth_required=True,
                  auth_require_tls=True)
    if a.implicit:
        # The whole connection is TLS; aiosmtpd only counts STARTTLS as
        # TLS for its AUTH rule, so the rule is off here.
        kw.update(ssl_context=ctx, auth_require_tls=False)
    else:
        kw.update(tls_context=ctx, require_starttls=True)
    c = Controller(Handler(), **kw)
    c.start()
    print("ready %d" % a.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    c.stop()


if __name__ == "__main__":
    sys.exit(main())
