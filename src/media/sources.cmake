# Sources of the media area (explicit list).
set(PANORAMA_MEDIA_SOURCES
  src/media/uri.cpp
  src/media/stream_options.cpp
  src/media/test_pattern.cpp
  src/media/source_factory.cpp
  src/media/source_ffmpeg.cpp
  src/media/source_testsrc.cpp)
