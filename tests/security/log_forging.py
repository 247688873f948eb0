#!/usr/bin/env python3
"""Client-supplied text cannot forge log lines (issue 18, item 7).

The report server logs every failed sign-in with the user name.  Before the
fix a Basic user name holding a newline wrote the rest as a line of its
own, and with "<0>" after the newline journald took it at any priority it
said ("<0>" is emerg).  Now every logged value goes through log.c, which
writes control characters, DEL, C1 controls, line and paragraph separators,
bidirectional overrides and invalid UTF-8 as \\xHH (and a backslash as
\\\\, so an escape cannot be faked): each call is exactly one line and says
what came in.  (A backslash cannot be sent in a Basic user name, where it
separates DOMAIN\\user; the unit test of log.c checks it.)
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
import lib  # noqa: E402
import signinlib  # noqa: E402

NAMES = [
    (b"evil\n<0>reportserver sign-in root signed in", b"evil\\x0a<0>"),
    (b"cr\rline", b"cr\\x0dline"),
    (b"esc\x1b[2J\x1b[31mred", b"esc\\x1b[2J\\x1b[31mred"),
    (b"bad\xff\xfeutf8", b"bad\\xff\\xfeutf8"),
    (b"overlong\xc0\xaf", b"overlong\\xc0\\xaf"),
    (b"c1\xc2\x9bcsi", b"c1\\xc2\\x9bcsi"),
    (b"ls\xe2\x80\xa8sep", b"ls\\xe2\\x80\\xa8sep"),
    (b"bidi\xe2\x80\xaeevil", b"bidi\\xe2\\x80\\xaeevil"),
    (b"tab\there", b"tab\\x09here"),
    (b"caf\xc3\xa9 \xe2\x82\xac ok", "café € ok".encode()),
]


def main():
    env = signinlib.Env(slowdown=1000, lockout=10000)
    try:
        env.start()
        before = len(env.log())
        for name, _ in NAMES:
            st, _, _ = env.call(name, "bad")
            if st != 401:
                lib.not_ok("a wrong password for %r: 401" % name, st)
        ok = lib.wait_for(lambda: env.log()[before:].count(
            b"sign-in: failed") >= len(NAMES), 10)
        log = env.log()[before:]
        lines = log.split(b"\n")[:-1]
        lib.check("one failure line per attempt", ok and sum(
            b"sign-in: failed" in x for x in lines) == len(NAMES), log)
        strays = [x for x in lines if not re.match(rb"<[0-7]>reportserver: ",
                                                   x)]
        lib.expect_eq("every line is one of the report server's own", strays,
                      [])
        lib.check("no line was forged at priority 0",
                  not any(x.startswith(b"<0>") for x in lines), lines)
        for name, shown in NAMES:
            hit = [x for x in lines if shown in x]
            lib.check("%r is logged on one line as %r" % (name, shown),
                      len(hit) == 1 and hit[0].startswith(b"<4>"), lines)
        lib.check("no raw CR, ESC, DEL or invalid UTF-8 reaches the log",
                  not re.search(rb"[\r\x1b\x7f\t]", log) and
                  log.decode("utf-8", "strict") is not None, log)
        lib.check("... and the valid UTF-8 name is kept as it is",
                  "user 'café € ok'".encode() in log, log[-300:])
    except UnicodeDecodeError as e:
        lib.not_ok("the log is valid UTF-8", e)
    finally:
        env.cleanup()
    lib.done_testing()


main()
