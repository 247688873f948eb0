#!/usr/bin/env python3
"""tests/security/hidden_items.py: 403 or 404 never tells an item exists (issue 18).

A user who holds no role on an item nor on its parent folder must not learn
that it exists: the web service, the portal and REST answer exactly as for
a missing item (404 rsItemNotFound, the same words).  A user with a role on
the parent folder gets 403 rsAccessDenied for what they may not do; Home is
never hidden.  Against the real report server (behind httpsvc, TLS) with a
real Linux user signing in through PAM.
"""
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402


def same_answer(a, b, a_key, b_key):
    """Two answers equal once each names its own key."""
    return a[0] == b[0] and a[1].replace(a_key, "KEY") == \
        b[1].replace(b_key, "KEY")


def faces(env, user, pw, path, item_id):
    """(status, body) from each face for one item."""
    def get(p):
        st, _, text, _ = env.request("GET", p, user=user, pw=pw)
        return st, text
    return {
        "web service": get("/ReportServer?%s" % path),
        "web service Render": get("/ReportServer?%s&rs:Command="
                                  "GetResourceContents" % path),
        "portal item page": get("/Reports/item%s" % path),
        "portal security page": get("/Reports/security%s" % path),
        "REST by path": get("/Reports/api/v2.0/CatalogItems(Path='%s')" %
                            path),
        "REST by Id": get("/Reports/api/v2.0/CatalogItems(%s)" % item_id),
        "REST Policies": get("/Reports/api/v2.0/CatalogItems(Path='%s')/"
                             "Policies" % path),
    }


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.setup()
        env.start_rs()
        r = lib.run("rsconfig", "database", "create", "--admin-user",
                    "admin", "--admin-password-stdin",
                    input=suite.ADMIN_PW + "\n")
        lib.check("database created", r.returncode == 0, r.stderr)
        lib.wait_for(lambda: env.admin("GET", "/ReportServer/")[0] == 200,
                     10)
        user, pw = env.add_pam_user("browser")
        ids = {}
        for folder in ("/Secret", "/Open"):
            env.api("POST", "/Folders", {"Path": folder})
        env.api("PUT", "/CatalogItems(Path='/Open')/Policies", {
            "InheritParentPolicy": False, "Policies": [
                {"GroupUserName": "admin",
                 "Roles": [{"Name": "Content Manager"}]},
                {"GroupUserName": user, "Roles": [{"Name": "Browser"}]}]})
        for path in ("/Secret/plan.txt", "/Open/private.txt"):
            st, j, _ = env.api("POST", "/Resources", {
                "Path": path, "Content": suite.b64(b"secret")})
            ids[path] = (j or {}).get("Id")
        env.api("PUT", "/CatalogItems(Path='/Open/private.txt')/Policies", {
            "InheritParentPolicy": False, "Policies": [
                {"GroupUserName": "admin",
                 "Roles": [{"Name": "Content Manager"}]}]})
        lib.check("the items are made", all(ids.values()), ids)
        hidden = faces(env, user, pw, "/Secret/plan.txt",
                       ids["/Secret/plan.txt"])
        missing_id = str(uuid.uuid4())
        missing = faces(env, user, pw, "/Secret/other.txt", missing_id)
        for face, got in hidden.items():
            key_a = ids["/Secret/plan.txt"] if "Id" in face else \
                "/Secret/plan.txt"
            key_b = missing_id if "Id" in face else "/Secret/other.txt"
            lib.check("%s: an item with no role on it or its folder is "
                      "answered as a missing one (404 rsItemNotFound)" % face,
                      got[0] == 404 and "rsItemNotFound" in got[1] and
                      same_answer(got, missing[face], key_a, key_b),
                      got[0], got[1][:300], missing[face][1][:300])
        st, _, text, _ = env.request("GET", "/ReportServer?/Secret", user=user,
                                     pw=pw)
        lib.check("the folder itself is hidden too (no role on it or on "
                  "Home)", st == 404 and "rsItemNotFound" in text, st)
        near = faces(env, user, pw, "/Open/private.txt",
                     ids["/Open/private.txt"])
        for face in ("web service", "portal item page", "REST by path",
                     "REST by Id"):
            lib.check("%s: with a role on the folder, an item the user may "
                      "not see is 403 rsAccessDenied" % face,
                      near[face][0] == 403 and "rsAccessDenied" in
                      near[face][1], near[face][0], near[face][1][:300])
        st, _, text, _ = env.request("GET", "/ReportServer?/", user=user,
                                     pw=pw)
        lib.check("Home is never hidden: no role on it is 403",
                  st == 403 and "rsAccessDenied" in text, st)
        st, j, text = env.api("POST", "/Resources", {
            "Path": "/Secret/new.txt", "Content": suite.b64(b"x")},
            user=user, pw=pw)
        lib.check("uploading into a hidden folder is 404 rsItemNotFound too",
                  st == 404 and "rsItemNotFound" in text, st, text[:300])
        st, _, text, _ = env.admin("GET", "/ReportServer?/Secret/plan.txt")
        lib.expect_eq("the administrator still reads it", st, 200)
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
