# reportserver/: the report server daemon (web service, portal, REST).
DEPS_reportserver := soap reportserver render layout graphics data rdl expr sched deliver rskey rsconf catalog appserver binding urlres common
DEPS_test_reportserver := reportserver rdl data expr sched deliver rsconf catalog common
DEPS_test_pam_broker := reportserver sched deliver rsconf catalog common
DEPS_test_signin := reportserver sched deliver rsconf catalog common
