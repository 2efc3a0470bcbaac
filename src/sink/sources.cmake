# Sources of the sink area (explicit list).
set(PANORAMA_SINK_SOURCES)
