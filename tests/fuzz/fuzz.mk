# tests/fuzz/fuzz.mk: the modules each fuzz target links (a module before
# the modules it uses, common last), as DEPS_<program> in src/*/module.mk.
DEPS_fuzz_urlres := urlres common
DEPS_fuzz_rdl := rdl data expr common
DEPS_fuzz_expr := expr common
DEPS_fuzz_code := expr common
DEPS_fuzz_rsconf := rsconf common
DEPS_fuzz_httpsvc_conf := httpsvc common
DEPS_fuzz_httpsvc_head := httpsvc common
DEPS_fuzz_certstore := certstore common
DEPS_fuzz_binding := binding urlres common
# The report server's request parsers (network input; internal headers).
DEPS_fuzz_rs_json := reportserver rsconf catalog common
DEPS_fuzz_rs_odata := reportserver rsconf catalog common
DEPS_fuzz_rs_form := reportserver rsconf catalog common
# The SOAP endpoints' request reader (soap/envelope.c; internal header).
DEPS_fuzz_soap := soap reportserver rsconf catalog common
# Subscription settings as stored and used (deliver/settings.c, mail.c).
DEPS_fuzz_subs := deliver rskey common
# Schedule recurrences: REST ScheduleDefinition and the stored text form.
DEPS_fuzz_sched := reportserver soap reportserver render layout graphics rdl data expr sched deliver rskey rsconf catalog appserver binding urlres common
# The style tokeniser and charts, through the renderer (fuzz_render.h).
DEPS_fuzz_style := render layout graphics data rdl expr common
DEPS_fuzz_chart := render layout graphics data rdl expr common
