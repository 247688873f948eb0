"""tests/integration/guide/userguide.py: docs/USER-GUIDE.md is a test.

Runs every ```console block of the guide, in order, as one shell session
(a persistent bash, as the reader's terminal is), in a fresh state root and
an empty working folder, and compares what each command prints with the
output the guide shows under it.  One TAP line per command.

The conventions the guide's markdown follows are described at the top of
the guide (an HTML comment) and in docs/TESTING.md ("The guide is a test"):

  ```console blocks run; "$ " starts a command (a line ending in "\\"
  continues it); the lines up to the next "$ " are its output.  Other
  fences are shown, not run.  <!-- guide-test: skip REASON --> before a
  block skips it; <!-- guide-test: exit N --> says each of its commands
  exits N (otherwise 0).

  Loose matches: runs of spaces inside a line compare as one; blank lines
  at the start and end of an output are ignored; a line "..." matches any
  number of lines; dates, times, day counts and process ids match any
  value; a thumbprint (40 hex digits) the guide shows for the first time
  in an output stands for the one printed there, and from then on it is
  replaced by that value in commands and outputs.

  Substitutions (so that the test runs beside others): /srv/rs-demo is the
  test's state root; ports 8080, 8443 and 9443 are free ports; the account
  reportserver is a fresh account (deleted at the end); the host name vm in
  a URL is this machine's name.

Commands run on a pseudo-terminal (stdin from /dev/null), so they print
what they print at a terminal.
"""
import difflib
import fcntl
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402

GUIDE = os.path.join(lib.SRC, "docs", "USER-GUIDE.md")
CMD_TIMEOUT = 120
GUIDE_ROOT = "/srv/rs-demo"
GUIDE_PORTS = ("8080", "8443", "9443")
GUIDE_ACCOUNT = "reportserver"
GUIDE_HOST = "vm"
GUIDE_HOME = "/root"
SAMPLES = set()         # the guide's sample thumbprints (for their prefixes)


# ---- the guide's markdown ----------------------------------------------

class Command:
    """One "$ " command of a console block, the output the guide shows for
    it (lines out_from..out_to of the file, 0-based) and its exit status."""

    def __init__(self, section, line, text, status):
        self.section, self.line, self.text = section, line, text
        self.status = status
        self.expected, self.out_from, self.out_to = [], 0, 0


def strip_blank(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def parse_block(lines, i, j, section, status, out):
    """The commands of the console block in lines[i:j]."""
    cur = None
    while i < j:
        line = lines[i]
        if line.startswith("$ "):
            text, first = line[2:], i + 1
            while text.endswith("\\") and i + 1 < j:
                i += 1
                text += "\n" + lines[i]
            cur = Command(section, first, text, status)
            cur.out_from = cur.out_to = i + 1
            out.append(cur)
        elif cur is None:
            if line.strip():
                raise SystemExit(f"USER-GUIDE.md:{i + 1}: a console "
                                 "block must start with a '$ ' command")
        else:
            cur.expected.append(line)
            cur.out_to = i + 1
        i += 1


DIRECTIVE = re.compile(r"^<!--\s*guide-test:\s*(skip|exit)\s*(.*?)\s*-->\s*$")


def parse_guide(path):
    """Returns a list of Command, and of (section, line, reason) skips."""
    cmds, skips = [], []
    section, directive = "", None
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = DIRECTIVE.match(line)
        if line.startswith("<!--") and not m and "-->" not in line:
            while i < len(lines) and "-->" not in lines[i]:
                i += 1          # a comment of several lines: prose
        elif line.startswith("## "):
            section = line[3:].split(".")[0].strip()
        elif m:
            directive = (m.group(1), m.group(2))
        elif line.startswith("```"):
            info = line[3:].strip()
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            if info == "console":
                if directive and directive[0] == "skip":
                    skips.append((section, i + 1, directive[1]))
                else:
                    status = int(directive[1]) if directive else 0
                    parse_block(lines, i + 1, j, section, status, cmds)
            directive = None
            i = j
        elif line.strip():
            directive = None if not line.startswith("<!--") else directive
        i += 1
    return cmds, skips


# ---- substitutions and loose matching ----------------------------------

class Subst:
    """What the guide's sample values stand for in this run."""

    def __init__(self, root, ports, account, host, home):
        self.root, self.ports = root, ports
        self.account, self.host, self.home = account, host, home
        self.thumbs = {}        # the guide's thumbprint -> the real one

    def common(self, s):
        s = re.sub(rf"(?<![\w./-]){GUIDE_HOME}(?=/|\s|$)", self.home, s)
        s = s.replace(GUIDE_ROOT, self.root)
        for g, p in self.ports.items():
            s = re.sub(rf"\b{g}\b", p, s)
        return s

    def command(self, s):
        s = self.common(s)
        for before in ("service-account ", "nologin "):
            s = re.sub(rf"(?<={before}){GUIDE_ACCOUNT}\b", self.account, s)
        missing = []

        def thumb(m):
            t = m.group(0)
            if t not in self.thumbs:
                missing.append(t)
                return t
            return self.thumbs[t]
        s = re.sub(r"\b[0-9A-F]{40}\b", thumb, s)
        return s, missing

    def output(self, s):
        """An expected line with the run's values (thumbprints later)."""
        s = self.common(s)
        s = s.replace(f"//{GUIDE_HOST}:", f"//{self.host}:")
        # The account where a line names it (not in a hint to create one).
        s = re.sub(rf"(reserved for |running as |Service account:\s+|^)"
                   rf"{GUIDE_ACCOUNT}(?=\s|$)", rf"\g<1>{self.account}", s)
        s = re.sub(rf"(/\s+){GUIDE_ACCOUNT}$", rf"\g<1>{self.account}", s)
        return s

    def to_guide(self, s):
        """A line this run printed, in the guide's sample values (for
        --update).  A value followed by two spaces or more sits in a
        column: the spaces after it keep the column where it was."""
        back = [(re.escape(self.root), GUIDE_ROOT),
                (re.escape(self.home), GUIDE_HOME),
                (re.escape(self.account), GUIDE_ACCOUNT),
                (re.escape(f"//{self.host}:"), f"//{GUIDE_HOST}:")]
        back += [(rf"\b{p}\b", g) for g, p in self.ports.items()]
        back += [(rf"\b{r}\b", g) for g, r in self.thumbs.items()]
        back += [(rf"\b{r[:8]}\b", g[:8]) for g, r in self.thumbs.items()]
        for rx, guide in back:
            s = re.sub(rx + r"( {2,})?", lambda m, g=guide: keep_column(
                m.group(0), g, m.group(1)), s)
        return s


def keep_column(old, new, spaces):
    if not spaces:
        return new
    width = len(old)
    return new + " " * max(2, width - len(new))


LOOSE = re.compile(
    r"(?P<thumb>\b[0-9A-F]{40}\b)"
    r"|(?P<prefix>\b[0-9A-F]{8}\b)"
    r"|(?P<added>\b\d+(?= added, \d+ removed\b))"
    r"|(?P<iso>\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"
    r"|(?P<date>\b\d{4}-\d\d-\d\d\b)"
    r"|(?P<time>\b\d\d:\d\d:\d\d\b)"
    r"|(?P<days>\b\d+(?= days\b))"
    r"|(?P<pid>(?<=pid )\d+\b)")
LOOSE_RE = {"iso": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
            "date": r"\d{4}-\d\d-\d\d", "time": r"\d\d:\d\d:\d\d",
            "days": r"\d+", "pid": r"\d+", "added": r"\d+"}


def squeeze(line):
    """Leading indentation kept; runs of spaces inside a line become one."""
    body = line.lstrip(" ")
    return line[:len(line) - len(body)] + re.sub(r"\s+", " ", body).rstrip()


def line_regex(exp, thumbs, ps_output):
    """A regex for one expected line; its groups name unbound thumbprints."""
    parts, groups, pos = [], {}, 0
    exp = squeeze(exp)
    if ps_output:       # ps: the PID column is a process id
        exp = re.sub(r"^(\S+ )\d+ ", r"\1<PID> ", exp)
    for m in LOOSE.finditer(exp):
        parts.append(re.escape(exp[pos:m.start()]))
        kind = m.lastgroup
        if kind == "thumb":
            t = m.group(0)
            if t in thumbs:
                parts.append(re.escape(thumbs[t]))
            elif t in groups:
                parts.append(f"(?P={groups[t]})")
            else:
                groups[t] = f"t{len(groups)}"
                parts.append(f"(?P<{groups[t]}>[0-9A-F]{{40}})")
        elif kind == "prefix":
            # The 8-digit prefix a hint shows for a thumbprint of the guide
            # (checked against the full one: match_output).
            p = m.group(0)
            full = [t for t in SAMPLES if t.startswith(p)]
            key = ("prefix", full[0]) if len(full) == 1 else None
            if key is None:
                parts.append(re.escape(p))
            elif full[0] in thumbs:
                parts.append(re.escape(thumbs[full[0]][:8]))
            elif key in thumbs:
                parts.append(re.escape(thumbs[key]))
            elif key in groups:
                parts.append(f"(?P={groups[key]})")
            else:
                groups[key] = f"t{len(groups)}"
                parts.append(f"(?P<{groups[key]}>[0-9A-F]{{8}})")
        else:
            parts.append(LOOSE_RE[kind])
        pos = m.end()
    parts.append(re.escape(exp[pos:]))
    rx = "".join(parts).replace(re.escape("<PID>"), r"\d+")
    return re.compile(rx + "$"), groups


def match_lines(exp, act, thumbs, ps_output):
    """Matches expected lines against actual ones; returns the thumbprint
    bindings it learnt, or None."""
    if not exp:
        return {} if not act else None
    if exp[0].strip() == "...":
        for k in range(len(act) + 1):
            r = match_lines(exp[1:], act[k:], thumbs, ps_output)
            if r is not None:
                return r
        return None
    if not act:
        return None
    rx, groups = line_regex(exp[0], thumbs, ps_output)
    m = rx.match(squeeze(act[0]))
    if not m:
        return None
    learnt = {}
    taken = set(thumbs.values())
    for t, g in groups.items():
        real = m.group(g)
        if isinstance(t, tuple):
            learnt[t] = real
            continue
        if real in taken or real in learnt.values():
            return None         # two sample values cannot be one real one
        learnt[t] = real
    rest = match_lines(exp[1:], act[1:], {**thumbs, **learnt}, ps_output)
    if rest is None:
        return None
    return {**learnt, **rest}


def match_output(exp, act, thumbs, ps_output):
    """match_lines, then each thumbprint prefix it saw must be the prefix
    of the real thumbprint it stands for (learnt in this output or before);
    returns the thumbprints learnt, or None."""
    learnt = match_lines(exp, act, thumbs, ps_output)
    if learnt is None:
        return None
    known = {**thumbs, **learnt}
    for key, real in learnt.items():
        if isinstance(key, tuple) and not known.get(key[1], "").startswith(
                real):
            return None
    return {k: v for k, v in learnt.items() if not isinstance(k, tuple)}


# ---- the shell session ---------------------------------------------------

class Session:
    """A bash the commands are typed into; each command's output goes to a
    pseudo-terminal, its exit status comes back on a pipe."""

    def __init__(self, cwd, env, prefix=()):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", 50, 200, 0, 0))
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.OPOST      # no \n -> \r\n
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        self.pts = os.ttyname(slave)
        self.rc_r, rc_w = os.pipe()
        self.proc = subprocess.Popen(
            list(prefix) + ["bash", "--norc", "--noprofile"],
            stdin=subprocess.PIPE,
            stdout=rc_w, stderr=slave, cwd=cwd, env=env, text=True,
            start_new_session=True)
        os.close(rc_w)
        os.close(slave)
        for fd in (self.master, self.rc_r):
            fl = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)

    def run(self, text, timeout):
        """Returns (exit status or None on timeout, output text)."""
        self.proc.stdin.write(f"{{ {text}\n}} </dev/null >{self.pts} 2>&1; "
                              "echo $?\n")
        self.proc.stdin.flush()
        out, rc, end = b"", b"", time.time() + timeout
        while not rc.endswith(b"\n") and time.time() < end:
            r, _, _ = select.select([self.master, self.rc_r], [], [], 0.5)
            if self.master in r:
                out += self.read(self.master)
            if self.rc_r in r:
                rc += self.read(self.rc_r)
        if not rc.endswith(b"\n"):
            return None, out.decode(errors="replace")
        # What the command wrote before it exited is already readable.
        while select.select([self.master], [], [], 0.05)[0]:
            chunk = self.read(self.master)
            if not chunk:
                break
            out += chunk
        return int(rc.strip() or 255), out.decode(errors="replace")

    @staticmethod
    def read(fd):
        try:
            return os.read(fd, 65536)
        except (BlockingIOError, OSError):
            return b""

    def close(self):
        try:
            self.proc.stdin.write("kill $(jobs -p) 2>/dev/null; wait\n"
                                  "exit 0\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass


# ---- the run ---------------------------------------------------------------

def free_ports(n):
    """n distinct free ports (bound at once, so they differ)."""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET6)
        s.bind(("::", 0))
        socks.append(s)
    ports = [str(s.getsockname()[1]) for s in socks]
    for s in socks:
        s.close()
    return ports


def shown(line, thumbs):
    """An expected line with the thumbprints learnt so far (for a diff)."""
    return re.sub(r"\b[0-9A-F]{40}\b",
                  lambda m: thumbs.get(m.group(0), m.group(0)), line)


def check_command(c, sub, sess, update):
    """Runs one command; False when it hung.  With update, a command whose
    output differs gets c.actual (this run's output in sample values)."""
    text, missing = sub.command(c.text)
    name = f"§{c.section} (line {c.line}): {c.text.splitlines()[0][:70]}"
    if missing:
        lib.not_ok(name, "the guide uses a thumbprint no earlier step showed:",
                   *missing)
        return True
    rc, out = sess.run(text, CMD_TIMEOUT)
    if rc is None:
        lib.not_ok(name, f"no answer after {CMD_TIMEOUT} s", out)
        return False
    act = strip_blank(out.rstrip("\n").split("\n"))
    exp = strip_blank([sub.output(e) for e in c.expected])
    learnt = match_output(exp, act, sub.thumbs, text.startswith("ps "))
    problems = []
    if rc != c.status:
        problems.append(f"exit status {rc}, the guide says {c.status}")
    if learnt is None:
        problems += ["output differs (- the guide, + this run):"] + list(
            difflib.unified_diff([squeeze(shown(e, sub.thumbs)) for e in exp],
                                 [squeeze(a) for a in act], lineterm="",
                                 n=1))[2:]
        if update:      # new thumbprints become the guide's own samples
            for t in re.findall(r"\b[0-9A-F]{40}\b", "\n".join(act)):
                if t not in sub.thumbs.values():
                    sub.thumbs[t] = t
            c.actual = [sub.to_guide(a) for a in act]
    else:
        sub.thumbs.update(learnt)
    if problems:
        lib.not_ok(name, "command: " + text, *problems)
    else:
        lib.ok(name)
    return True


def rewrite_guide(cmds):
    """--update: each differing output in the guide becomes this run's."""
    lines = open(GUIDE, encoding="utf-8").read().split("\n")
    for c in reversed(cmds):
        if getattr(c, "actual", None) is None:
            continue
        old = lines[c.out_from:c.out_to]
        k, m = 0, len(old)      # blank lines around the output stay
        while k < m and not old[k].strip():
            k += 1
        while m > k and not old[m - 1].strip():
            m -= 1
        new = old[:k] + c.actual + old[m:]
        lines[c.out_from:c.out_to] = new
    open(GUIDE, "w", encoding="utf-8").write("\n".join(lines))


def self_check():
    """The loose matches loosen only what they say (a matcher that lets
    anything through would make this test unable to fail)."""
    a, b = "A" * 40, "B" * 40
    c = "C" * 8 + "D" * 32
    SAMPLES.update((a, b))
    cases = [
        (["made A" + "0" * 39], ["made " + a], {}, True),
        (["x 2027-11-23 (365 days), pid 10242"],
         ["x 2031-01-02 (7 days), pid 7"], {}, True),
        (["x 2027-11-23"], ["x 2027-11-23 more"], {}, False),
        (["  ok   URL  a"], ["  ok URL a"], {}, True),
        (["  ok URL a"], ["ok URL a"], {}, False),
        (["first", "...", "last"], ["first", "1", "2", "last"], {}, True),
        (["first", "...", "last"], ["first", "1"], {}, False),
        ([a, b], [a, a], {}, False),    # two samples cannot be one value
        ([a], [b], {a: a}, False),      # a learnt thumbprint is exact
        (["hello"], ["bye"], {}, False),
        (["hello"], ["hello", "more"], {}, False),
        # A prefix of a thumbprint is the prefix of the real one.
        (["trust AAAAAAAA", a], ["trust CCCCCCCC", c], {}, True),
        (["trust AAAAAAAA", a], ["trust CCCCCCCD", c], {}, False),
        (["trust AAAAAAAA"], ["trust CCCCCCCC"], {a: c}, True),
        (["trust AAAAAAAA"], ["trust DDDDDDDD"], {a: c}, False),
        (["trust AAAAAAAA"], ["trust CCCCCCCC"], {}, False),
        (["x 12345678"], ["x 12345679"], {}, False),
        (["2 added, 0 removed"], ["144 added, 0 removed"], {}, True),
        (["2 added, 0 removed"], ["2 added, 1 removed"], {}, False),
    ]
    bad = [c for c in cases
           if (match_output(c[0], c[1], c[2], False) is not None) != c[3]]
    SAMPLES.difference_update((a, b))
    lib.check("the matcher loosens only dates, times, days, pids, "
              "thumbprints (and their prefixes), update-ca-certificates' "
              "counts, spaces and '...'", not bad, *map(repr, bad))


def main():
    update = "--update" in sys.argv[1:]
    if os.geteuid() != 0:
        lib.ok("# SKIP the guide runs as root (useradd, service account)")
        lib.done_testing()
    # certstore trust changes copies of the machine's trust store only.
    ns = lib.trust_namespace(os.path.join(lib.TMP, "ns"))
    if ns is None:
        lib.ok("# SKIP the guide's 'certstore trust' needs a private mount "
               "namespace (unshare -m) not to change this machine's trust")
        lib.done_testing()
    lib.stage_for_others()      # the service account runs bin/reportserver
    os.chmod(lib.TMP, 0o711)    # ... and reaches the state root
    work = os.path.join(lib.TMP, "work")
    os.makedirs(work)
    account = "rsgd" + os.urandom(4).hex()
    sub = Subst(lib.ROOT, dict(zip(GUIDE_PORTS, free_ports(3))), account,
                socket.gethostname(), work)
    env = dict(os.environ, RS_ROOT=lib.ROOT, HOME=work, LC_ALL="C.UTF-8")
    self_check()
    cmds, skips = parse_guide(GUIDE)
    SAMPLES.update(re.findall(r"\b[0-9A-F]{40}\b",
                              open(GUIDE, encoding="utf-8").read()))
    lib.check("the guide has console blocks to run", len(cmds) > 20,
              f"{len(cmds)} commands found in {GUIDE}")
    for section, line, reason in skips:
        lib.ok(f"# SKIP §{section} (line {line}): {reason}")
    sess = Session(work, env, ns)
    try:
        for c in cmds:
            if not check_command(c, sub, sess, update):
                break           # a hung command: the rest would not mean much
    finally:
        subprocess.run([os.path.join(lib.BIN, "rsconfig"), "stop"], env=env,
                       capture_output=True, timeout=60)
        sess.close()
        subprocess.run(["userdel", "-f", account], capture_output=True)
        subprocess.run(["groupdel", account], capture_output=True)
    if update:
        rewrite_guide(cmds)
    lib.done_testing()


if __name__ == "__main__":
    main()
