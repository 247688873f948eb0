# rskey/: the installation's symmetric key and encrypted secrets (OpenSSL).
# (tested by test_deliver; the sealed streams by test_rskey)
DEPS_test_rskey := rskey common
