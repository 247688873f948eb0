# rsmgmt/: the management library (WMI provider counterpart).  The URL,
# TLS and service operations (issue 5) also use the binding store, URL
# prefixes and the certificate store.
DEPS_test_rsmgmt := rsmgmt renew reportserver sched deliver rskey rsconf catalog binding urlres certstore common
