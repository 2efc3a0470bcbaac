# Sources of the overlay area (explicit list).
set(PANORAMA_OVERLAY_SOURCES)
