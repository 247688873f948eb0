# httpsvc/: the shared HTTP service daemon (listeners, TLS via tls/, routing
# via urlres/, registrations on the control socket, forwarding to
# applications over libh2o-evloop).
DEPS_httpsvc := httpsvc tls renew certstore binding urlres common
DEPS_test_httpsvc := httpsvc tls renew certstore binding urlres common
# retire.c and h2peek.c include h2o's internal HTTP/2 header, which needs a khash.h
# that Debian does not ship; h2ocompat/ has a stand-in (see its comment).
$(OUT)/src/httpsvc/retire.o $(OUT)/src/httpsvc/h2peek.o: CFLAGS_ALL += \
    -Isrc/httpsvc/h2ocompat
