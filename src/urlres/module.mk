# urlres/: HTTP.sys URL prefix parsing and routing; pure, uses only common/.
DEPS_test_urlres := urlres common
