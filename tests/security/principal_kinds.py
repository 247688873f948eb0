#!/usr/bin/env python3
"""tests/security/principal_kinds.py: a Unix group is not a built-in user (issue 18, item 1).

The attack: the catalog's role assignments named principals without a
kind, so a Linux user in a Unix group called like the built-in
administrator signed in through PAM and held the administrator's System
Administrator and Content Manager roles.  Against the real report server
(behind httpsvc, TLS), with a real Linux user and a real Unix group made
for the test (useradd, groupadd; removed at the end) signing in through
PAM:

  - the group member holds none of the built-in account's roles: no
    System Policies, no Site settings, no security page, no upload on Home;
  - REST lists each assignment with its kind (GroupUserName qualified,
    "BuiltInUser\\name", plus PrincipalKind) and takes either form; a
    PrincipalKind that disagrees with the name's is refused;
  - an assignment made to the group as a LinuxGroup gives its members
    exactly that role, and shows as a Linux group in the portal;
  - the portal's form adds and removes a group assignment by its kind.
"""
import os
import random
import re
import string
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

RND = "".join(random.choice(string.ascii_lowercase) for _ in range(5))
ADMIN = "rsadm" + RND          # the built-in administrator ...
GROUP = ADMIN                  # ... and a Unix group of the same name
MALLORY = "rsmal" + RND
MPW = "Mallory-pw-" + RND
BS = "\\"


def sh(*args, input=None):
    return subprocess.run(args, input=input, capture_output=True, text=True)


def api(env, method, path, body=None, user=ADMIN, pw=suite.ADMIN_PW):
    return env.api(method, path, body, user=user, pw=pw)


def t_attack(env):
    st, j, _ = api(env, "GET", "/Me", user=MALLORY, pw=MPW)
    lib.check("the group member signs in through PAM",
              st == 200 and j["Username"] == MALLORY, st, j)
    st, j, _ = api(env, "GET", "/System/Policies", user=MALLORY, pw=MPW)
    lib.check("... and may not read the system policies (the built-in "
              "account's System Administrator role is not the group's)",
              st == 403, st, j)
    st, _, _, _ = env.request("GET", "/Reports/admin", user=MALLORY, pw=MPW)
    lib.expect_eq("... nor open Site settings", st, 403)
    st, _, _, _ = env.request("GET", "/Reports/security/", user=MALLORY,
                              pw=MPW)
    lib.expect_eq("... nor the security page of Home (Content Manager)",
                  st, 403)
    st, j, _ = api(env, "POST", "/Resources", {
        "Path": "/x.txt", "Content": suite.b64(b"x")}, user=MALLORY, pw=MPW)
    lib.expect_eq("... nor upload to Home", st, 403)
    st, j, _ = api(env, "PUT", "/System/Policies", {"Policies": [
        {"GroupUserName": MALLORY,
         "Roles": [{"Name": "System Administrator"}]}]},
        user=MALLORY, pw=MPW)
    lib.expect_eq("... nor make itself an administrator", st, 403)


def t_rest(env):
    st, j, _ = api(env, "GET", "/CatalogItems(Path='/')/Policies")
    lib.check("REST names the built-in administrator with its kind",
              st == 200 and [(p["GroupUserName"], p["PrincipalKind"])
                             for p in j["Policies"]] ==
              [("BuiltInUser" + BS + ADMIN, "BuiltInUser")], j)
    st, j, text = api(env, "PUT", "/CatalogItems(Path='/')/Policies", {
        "InheritParentPolicy": False, "Policies": [
            {"GroupUserName": ADMIN, "Roles": [{"Name": "Content Manager"}]},
            {"GroupUserName": GROUP, "PrincipalKind": "LinuxGroup",
             "Roles": [{"Name": "Browser"}]},
            {"GroupUserName": "LinuxUser" + BS + "someone",
             "Roles": [{"Name": "Browser"}]}]})
    lib.expect_eq("PUT Policies with a PrincipalKind and a qualified name",
                  st, 200)
    st, j, _ = api(env, "GET", "/CatalogItems(Path='/')/Policies")
    got = sorted((p["GroupUserName"], p["PrincipalKind"], p["Roles"][0]
                  ["Name"]) for p in (j or {}).get("Policies", []))
    lib.expect_eq("GET shows a user and a group of one name apart", got,
                  sorted([("BuiltInUser" + BS + ADMIN, "BuiltInUser",
                           "Content Manager"),
                          ("LinuxGroup" + BS + GROUP, "LinuxGroup",
                           "Browser"),
                          ("LinuxUser" + BS + "someone", "LinuxUser",
                           "Browser")]))
    st, j, _ = api(env, "GET", "/Folders(Path='/')/CatalogItems",
                   user=MALLORY, pw=MPW)
    lib.expect_eq("the group's Browser role lets its member browse Home",
                  st, 200)
    st, j, _ = api(env, "POST", "/Resources", {
        "Path": "/x.txt", "Content": suite.b64(b"x")}, user=MALLORY, pw=MPW)
    lib.expect_eq("... and nothing more", st, 403)
    st, j, text = api(env, "PUT", "/CatalogItems(Path='/')/Policies", {
        "InheritParentPolicy": False, "Policies": [
            {"GroupUserName": "LinuxUser" + BS + GROUP,
             "PrincipalKind": "LinuxGroup", "Roles": [{"Name": "Browser"}]}]})
    lib.check("a PrincipalKind that disagrees with the name is refused "
              "(400), naming both", st == 400 and "LinuxUser" in text and
              "LinuxGroup" in text, st, text)
    st, j, text = api(env, "PUT", "/System/Policies", {"Policies": [
        {"GroupUserName": ADMIN, "Roles": [{"Name": "System Administrator"}]},
        {"GroupUserName": GROUP, "PrincipalKind": "Team",
         "Roles": [{"Name": "System User"}]}]})
    lib.check("an unknown PrincipalKind is refused, naming the kinds",
              st == 400 and "LinuxGroup" in text, st, text)


def t_portal(env):
    st, _, page, _ = env.request("GET", "/Reports/security/", user=ADMIN,
                                 pw=suite.ADMIN_PW)
    lib.check("the portal's security page shows each kind",
              st == 200 and "Built-in user" in page and "Linux group" in page
              and re.search(r'value="LinuxGroup\\%s"' % GROUP, page), st)
    tok = suite.csrf_of(page)
    st, _, _, _ = suite.post_form(env, {
        "csrf": tok, "op": "policy_remove", "path": "/",
        "principal": "LinuxGroup" + BS + GROUP}, user=ADMIN,
        pw=suite.ADMIN_PW)
    lib.expect_eq("the portal removes the group's assignment", st, 303)
    st, j, _ = api(env, "GET", "/Folders(Path='/')/CatalogItems",
                   user=MALLORY, pw=MPW)
    lib.expect_eq("... and its member can no longer browse Home", st, 403)
    st, j, _ = api(env, "GET", "/CatalogItems(Path='/')/Policies")
    lib.check("... while the built-in account keeps its role",
              ("BuiltInUser" + BS + ADMIN, "Content Manager") in [
                  (p["GroupUserName"], p["Roles"][0]["Name"])
                  for p in j["Policies"]], j)
    st, _, _, _ = suite.post_form(env, {
        "csrf": tok, "op": "policy_set", "path": "/", "principal": GROUP,
        "kind": "LinuxGroup", "role": "Browser"}, user=ADMIN,
        pw=suite.ADMIN_PW)
    lib.expect_eq("the portal adds a group assignment with Kind = Linux "
                  "group", st, 303)
    st, j, _ = api(env, "GET", "/Folders(Path='/')/CatalogItems",
                   user=MALLORY, pw=MPW)
    lib.expect_eq("... which its member holds", st, 200)
    st, _, page, _ = env.request("GET", "/Reports/admin", user=ADMIN,
                                 pw=suite.ADMIN_PW)
    lib.check("Site settings show the kind of each system assignment",
              st == 200 and "Built-in user" in page and "<th scope=\"col\">"
              "Kind</th>" in page, st)


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    made = []
    try:
        r = sh("groupadd", GROUP)
        lib.check("groupadd %s (named like the built-in administrator)" %
                  GROUP, r.returncode == 0, r.stderr)
        made.append(("groupdel", GROUP))
        r = sh("useradd", "-M", "-s", "/usr/sbin/nologin", "-G", GROUP,
               MALLORY)
        lib.check("useradd %s in group %s" % (MALLORY, GROUP),
                  r.returncode == 0, r.stderr)
        made.insert(0, ("userdel", "-f", MALLORY))
        sh("chpasswd", input="%s:%s\n" % (MALLORY, MPW))
        env.setup()
        env.start_rs()
        r = lib.run("rsconfig", "database", "create", "--admin-user", ADMIN,
                    "--admin-password-stdin", input=suite.ADMIN_PW + "\n")
        lib.check("database created with built-in administrator " + ADMIN,
                  r.returncode == 0, r.stderr)
        lib.wait_for(lambda: api(env, "GET", "/Me")[0] == 200, 10)
        t_attack(env)
        t_rest(env)
        t_portal(env)
    finally:
        env.cleanup()
        for cmd in made:
            sh(*cmd)
    lib.done_testing()


if __name__ == "__main__":
    main()
