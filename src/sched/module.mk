# sched/: time (recurrences with IANA zones through ICU, a clock tests can
# set) and the scheduler threads over the catalog's job queue.
DEPS_test_sched := sched catalog common
