# Sources of the media area (explicit list).
set(PANORAMA_MEDIA_SOURCES
  src/media/uri.cpp
  src/media/stream_options.cpp
  src/media/source_factory.cpp
  src/media/source_ffmpeg.cpp
  src/media/source_testsrc.cpp)

# The synthetic test pattern is plain C++ (image and GPU tests draw it too): built in every
# configuration, PANORAMA_WITH_MEDIA=OFF included.
set(PANORAMA_MEDIA_PORTABLE_SOURCES src/media/test_pattern.cpp)
