# render/: report processing and the rendering extensions.
DEPS_test_render := render layout graphics data rdl expr common
DEPS_rsrender := render layout graphics data rdl expr common
