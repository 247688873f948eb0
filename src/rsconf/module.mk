# rsconf/: rsreportserver.config (libxml2).
DEPS_test_rsconf := rsconf common
