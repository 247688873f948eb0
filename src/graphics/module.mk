# graphics/: surfaces (cairo PDF and PNG, SVG), text measured with pango,
# and charts drawn into any surface.
DEPS_test_graphics := graphics common
