# httpsvc/: the shared HTTP service daemon (listeners, TLS via tls/, routing
# via urlres/, registrations on the control socket, forwarding to
# applications over libh2o-evloop).
DEPS_httpsvc := httpsvc tls renew certstore binding urlres common
DEPS_test_httpsvc := httpsvc tls renew certstore binding urlres common
