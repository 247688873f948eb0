#!/usr/bin/env python3
"""bench/idle_conns.py: server memory per 1,000 idle TLS connections.

usage: idle_conns.py HOST PORT N PID

Sums the resident memory (VmRSS) of PID and all its descendants (nginx's
master and workers; httpsvc's one process), opens N TLS connections that
complete the handshake (TLS 1.3, SNI localhost, no resumption) and then
stay idle, waits a second, sums again, and prints one line:

    idle_mem_kb_per_1000 <kB> kB   (before=<kB> after=<kB> n=<N>)

The connections are closed on exit.  Bounded: N <= 10000, 60 s overall.
"""
import os
import resource
import socket
import ssl
import sys
import time


def tree(root):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_kb(root):
    total = 0
    for p in tree(root):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    host, port, n, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4])
    if not 1 <= n <= 10000:
        sys.exit("N must be 1..10000")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < n + 64:
        sys.exit(f"need {n + 64} file descriptors, hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, n + 64), hard))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    time.sleep(0.5)
    before = rss_kb(pid)
    conns = []
    deadline = time.time() + 60
    for _ in range(n):
        if time.time() > deadline:
            sys.exit("idle_conns: took longer than 60 s")
        s = socket.create_connection((host, port), timeout=10)
        conns.append(ctx.wrap_socket(s, server_hostname="localhost"))
    time.sleep(1.0)
    after = rss_kb(pid)
    per = (after - before) * 1000.0 / n
    print(f"idle_mem_kb_per_1000 {per:.0f} kB (before={before} "
          f"after={after} n={n})")
    for c in conns:
        c.close()


if __name__ == "__main__":
    main()
