# Sources of the decode area (explicit list).
set(PANORAMA_DECODE_SOURCES)
