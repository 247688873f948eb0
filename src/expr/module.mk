# expr/: the VB expression subset (parse, evaluate, .NET formats).
DEPS_test_expr := expr common
