# tls/: TLS termination for httpsvc (front SSL_CTX, one SSL_CTX per
# certificate binding, session resumption per binding).  Uses binding/ for
# binding_choose() and certstore/ for the PEM paths.
DEPS_test_tls := tls certstore binding urlres common
