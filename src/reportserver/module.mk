# reportserver/: the report server daemon (web service, portal, REST).
DEPS_reportserver := soap reportserver render layout graphics data rdl expr rsconf catalog appserver binding urlres common
DEPS_test_reportserver := reportserver rdl data expr rsconf catalog common
DEPS_test_pam_broker := reportserver rsconf catalog common
DEPS_test_signin := reportserver rsconf catalog common
