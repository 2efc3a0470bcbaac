# Sources of the pipeline area (explicit list).
set(PANORAMA_PIPELINE_SOURCES)
