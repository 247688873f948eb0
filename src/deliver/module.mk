# deliver/: e-mail (libcurl SMTP) and file share delivery of rendered
# reports, and the settings lists of subscriptions.
DEPS_test_deliver := deliver rskey common
