# Sources of the overlay area (explicit list).
set(PANORAMA_OVERLAY_SOURCES
  src/overlay/compositor.cpp
  src/overlay/font_atlas.cpp
  src/overlay/draw_cpu.cpp)
