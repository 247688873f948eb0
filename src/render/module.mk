# render/: report processing and the rendering extensions.
DEPS_test_render := render data rdl expr common
DEPS_rsrender := render data rdl expr common
