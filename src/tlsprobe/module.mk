# tlsprobe/: the client side of 'rsconfig verify': connects to a URL, shows
# the certificate served and how a client that trusts the Root store
# judges it, and the HTTP status.  One of the modules allowed OpenSSL.
DEPS_test_tlsprobe := tlsprobe common
