# layout/: the page model (pages of positioned boxes) every paginated
# format reads, built once per render.
DEPS_test_layout := layout graphics common
