# rsconfig/: the rsconfig tool, a thin front over rsmgmt: main.c (database
# pages) and cmd_*.c (the other pages, issue 5; verify uses tlsprobe/).
DEPS_rsconfig := rsconfig rsmgmt renew tlsprobe reportserver sched deliver rskey rsconf catalog binding urlres certstore common
