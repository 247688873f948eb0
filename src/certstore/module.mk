# certstore/: the machine certificate store (My, Root, CA) over OpenSSL.
# The library uses only common/; the CLI also asks the binding store which
# bindings use a certificate before removing it.
DEPS_certstore := binding urlres certstore common
DEPS_test_certstore := certstore common
