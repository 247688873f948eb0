# rskey/: the installation's symmetric key and encrypted secrets (OpenSSL).
DEPS_test_rskey := rskey common
