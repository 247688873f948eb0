# binding/: the SSL binding + URL ACL store (SQLite).  It uses urlres/ to
# canonicalise URL ACL prefixes.
DEPS_test_binding := binding urlres common
DEPS_httpcfg := binding urlres certstore common
