# Sources of the media area (explicit list).
set(PANORAMA_MEDIA_SOURCES)
