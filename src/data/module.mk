# data/: dataset queries against SQLite, PostgreSQL and ENTERDATA.
DEPS_test_data := data expr common
