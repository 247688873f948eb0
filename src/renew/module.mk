# renew/: renewal by name (bindings that follow their certificate's DNS
# names); pure choice plus the moves, over binding/ and certstore/.
DEPS_test_renew := renew binding urlres certstore common
