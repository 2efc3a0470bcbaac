# Sources of the infer area (explicit list).
set(PANORAMA_INFER_SOURCES)
