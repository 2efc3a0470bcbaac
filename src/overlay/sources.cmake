# Sources of the overlay area (explicit list).
# The draw list, the glyph atlas and the drawing (CPU, and CUDA in CUDA builds; a stub that raises
# "built without CUDA" otherwise) need neither FFmpeg nor FreeType: built in every configuration, so
# the GPU drawing is tested where PANORAMA_WITH_MEDIA=OFF.
set(PANORAMA_OVERLAY_PORTABLE_SOURCES
  src/overlay/draw.cpp
  src/overlay/glyph_atlas.cpp
  src/overlay/draw_cpu.cpp)
if(PANORAMA_HAVE_CUDA)
  list(APPEND PANORAMA_OVERLAY_PORTABLE_SOURCES src/overlay/draw_cuda.cu)
else()
  list(APPEND PANORAMA_OVERLAY_PORTABLE_SOURCES src/overlay/overlay_cuda_stub.cpp)
endif()

# The compositor: glyphs rendered by FreeType (PANORAMA_WITH_MEDIA builds).
set(PANORAMA_OVERLAY_SOURCES
  src/overlay/compositor.cpp
  src/overlay/font_atlas.cpp)
