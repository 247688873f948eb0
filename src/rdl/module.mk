# rdl/: report definitions parsed and validated into a report model.
DEPS_test_rdl := rdl data expr common
