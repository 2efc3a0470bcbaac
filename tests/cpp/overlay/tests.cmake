# The draw list, glyph atlas and CPU drawing need no font: built in every configuration.
panorama_add_test(test_overlay_draw overlay/test_draw_cpu.cpp)
target_include_directories(test_overlay_draw PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
# The compositor renders glyphs with FreeType.
if(PANORAMA_WITH_MEDIA)
  panorama_add_test(test_overlay overlay/test_compositor.cpp)
endif()
