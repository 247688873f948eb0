# rsmgmt/: the management library (WMI provider counterpart).
DEPS_test_rsmgmt := rsmgmt reportserver rsconf catalog common
