# rskey/: the installation's symmetric key and encrypted secrets (OpenSSL).
# (tested by test_deliver)
