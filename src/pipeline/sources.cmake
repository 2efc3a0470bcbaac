# Sources of the pipeline area (explicit list).
set(PANORAMA_PIPELINE_SOURCES
  src/pipeline/frame_slot.cpp
  src/pipeline/stream.cpp
  src/pipeline/stream_group.cpp)
