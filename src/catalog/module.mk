# catalog/: the report server database (SQLite and PostgreSQL backends).
DEPS_test_catalog := catalog common
