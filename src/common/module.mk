# common/ is the base every other module links last.
DEPS_test_common := common
