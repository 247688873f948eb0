#!/usr/bin/env python3
"""The PAM broker limits a report server that guesses passwords (issue 18,
"also known").

The broker stays root next to a report server running as its service
account and answers "is this the password of that Linux user?".  A
compromised report server could ask it as fast as PAM answers, without
any of the report server's own limits.  Here the test plays that report
server: it holds the other end of the broker's socketpair and sends
requests in the broker's wire format (pam_broker.h).

Now the broker keeps its own limits, from its own copy of the
configuration: after LockoutThreshold failures for one name it refuses to
check that name for a wait that doubles (as the report server's account
limit does), and it checks at most a few passwords a second overall.  A
refused request is answered "limited" with the seconds to wait, and PAM
never sees it: not even the right password gets a "yes" then.
"""
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
import lib  # noqa: E402
import signinlib  # noqa: E402

NO, YES, LIMITED = 0, 1, 2


class Broker:
    def __init__(self, env):
        self.sock, theirs = socket.socketpair(socket.AF_UNIX,
                                              socket.SOCK_SEQPACKET)
        log = open(os.path.join(lib.TMP, "broker.log"), "w")
        self.proc = subprocess.Popen(
            [os.path.join(lib.BIN, "reportserver"), "--root", env.root,
             "--pam-broker", str(theirs.fileno())], pass_fds=[
                 theirs.fileno()], stdout=log, stderr=subprocess.STDOUT)
        theirs.close()
        self.seq = 0
        self.sock.settimeout(40)

    def ask(self, user, pw):
        """(answer, seconds to wait) for one request."""
        self.seq += 1
        self.sock.send(struct.pack("=I", self.seq) + user.encode() + b"\0" +
                       pw.encode())
        while True:
            a = self.sock.recv(64)
            if struct.unpack("=I", a[:4])[0] == self.seq:
                break
        wait = struct.unpack("=H", a[5:7])[0] if len(a) >= 7 else 0
        return a[4], wait

    def close(self):
        self.sock.close()
        return self.proc.wait(timeout=30)


def main():
    env = signinlib.Env(slowdown=1000, lockout=5, minutes=15)
    try:
        os.makedirs(os.path.join(env.root, "reportserver"), exist_ok=True)
        with open(env.config_path(), "w") as f:
            f.write(env.config_text())
        name, pw = env.add_pam_user("brok")
        b = Broker(env)
        lib.expect_eq("the broker says yes to the right password",
                      b.ask(name, pw)[0], YES)
        answers = [b.ask(name, "wrong%d" % i)[0] for i in range(5)]
        lib.expect_eq("... and no to 5 wrong ones (LockoutThreshold 5)",
                      answers, [NO] * 5)
        a, wait = b.ask(name, pw)
        lib.check("then it refuses to check even the right password: "
                  "limited, wait 1 s", a == LIMITED and wait == 1, a, wait)
        time.sleep(wait + 0.2)
        lib.expect_eq("not a lock: after the wait it checks again",
                      b.ask(name, "wrong-again")[0], NO)
        a, wait = b.ask(name, pw)
        lib.check("and the next wait is doubled (2 s)",
                  a == LIMITED and wait == 2, a, wait)
        time.sleep(wait + 0.2)
        lib.expect_eq("the right password after the wait: yes, and the "
                      "count starts again", b.ask(name, pw)[0], YES)
        lib.expect_eq("... a wrong one is just no again",
                      b.ask(name, "wrong")[0], NO)

        t0 = time.time()
        answers = [b.ask("nobody-%d" % i, "pw")[0] for i in range(60)]
        took = time.time() - t0
        # The bucket holds 20 checks and refills 5 a second while the
        # burst lasts (PAM is slower on a loaded machine).
        most = 20 + 5 * took + 1
        lib.check("60 names in a burst: at most 20 + 5/s checked, the rest "
                  "refused (%d checked, %d limited in %.1f s)" % (
                      answers.count(NO), answers.count(LIMITED), took),
                  answers.count(NO) <= most and answers.count(NO) +
                  answers.count(LIMITED) == 60 and
                  (answers.count(LIMITED) > 0 or most >= 60), answers)
        time.sleep(1.2)
        lib.expect_eq("a second later it checks again",
                      b.ask("nobody-late", "pw")[0], NO)
        lib.expect_eq("the broker exits 0 when the report server's end "
                      "closes", b.close(), 0)
        log = open(os.path.join(lib.TMP, "broker.log")).read()
        lib.check("the broker logs the limits, without passwords",
                  "pam broker:" in log and name in log and pw not in log,
                  log[-800:])
    finally:
        env.cleanup()
    lib.done_testing()


main()
