#!/usr/bin/env python3
"""scripts/publish-samples.py: publishes the sample content of `make run`.

Builds the sample SQLite database (samples/make-db.sh), then, through the
report server's own REST API v2.0 over HTTPS: the folder /Samples, the
shared data source /Samples/Sales pointing at that database, and every
report in samples/reports (or --reports DIR).  The server checks each
definition as `rsrender --check` does and stores nothing it refuses; the
script then stops and prints the server's code and message.  Idempotent:
what already exists is left alone.
"""
import argparse
import base64
import http.client
import json
import os
import ssl
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def why(text):
    """The code and message of a REST error body, else the body."""
    try:
        err = json.loads(text)["error"]
        return f"{err['code']}: {err['message']}"
    except (ValueError, KeyError, TypeError):
        return text[:300]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8443)
    ap.add_argument("--host", default="localhost")
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--reports", default=os.path.join(TOP, "samples",
                                                      "reports"),
                    help="the folder of .rdl files to publish")
    a = ap.parse_args()
    root = os.environ["RS_ROOT"]
    with open(a.password_file) as f:
        pw = f.read().strip()
    auth = "Basic " + base64.b64encode(f"{a.user}:{pw}".encode()).decode()
    ctx = ssl.create_default_context(cafile=a.cafile)

    def api(method, path, body=None):
        c = http.client.HTTPSConnection(a.host, a.port, context=ctx,
                                        timeout=60)
        hdr = {"Authorization": auth}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdr["Content-Type"] = "application/json"
        c.request(method, "/Reports/api/v2.0" + path, data, hdr)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        c.close()
        return r.status, text

    # The report server reads SQLite files only under ROOT/data
    # (DataSourceRoot), so the sample database goes there.
    db = os.path.join(root, "data", "sales.db")
    if not os.path.exists(db):
        os.makedirs(os.path.dirname(db), exist_ok=True)
        print("building the sample database (100,000 sales rows)...")
        subprocess.run([os.path.join(TOP, "samples", "make-db.sh"), db],
                       check=True)
    # The report server may run as its own account (rsconfig start gives
    # it ROOT/data as group, read-only): the file must be readable to it.
    os.chmod(db, 0o644)
    st, _ = api("GET", "/Folders(Path='/Samples')")
    if st == 200:
        print("sample reports: already published in /Samples")
        return 0
    steps = [("POST", "/Folders", {"Path": "/Samples"}),
             ("POST", "/DataSources", {"Path": "/Samples/Sales",
                                       "ConnectionString": db,
                                       "DataSourceType": "SQLITE"})]
    rdir = a.reports
    for name in sorted(os.listdir(rdir)):
        if name.endswith(".rdl"):
            with open(os.path.join(rdir, name), "rb") as f:
                content = base64.b64encode(f.read()).decode()
            steps.append(("POST", "/Reports", {
                "Path": "/Samples/" + name[:-4], "Content": content}))
    for method, path, body in steps:
        st, text = api(method, path, body)
        if st not in (200, 201):
            print(f"publish-samples: {method} {path} {body.get('Path')}: "
                  f"HTTP {st} {why(text)}", file=sys.stderr)
            return 1
        print(f"published {body['Path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
