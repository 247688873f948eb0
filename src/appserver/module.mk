# appserver: the application side of httpsvc (Unix-socket HTTP/1.1 server
# over libh2o-evloop, registration on the control socket, worker pool).
DEPS_test_appserver := appserver common
DEPS_staticsite := appserver common
