# rsconfig/: the rsconfig tool (main.c only), a thin front over rsmgmt.
DEPS_rsconfig := rsmgmt reportserver rsconf catalog common
