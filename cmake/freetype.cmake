# FreeType renders the antialiased overlay text. Only for PANORAMA_WITH_MEDIA=ON.
if(NOT PANORAMA_WITH_MEDIA)
  return()
endif()
find_package(Freetype)
if(NOT Freetype_FOUND)
  message(FATAL_ERROR
    "FreeType development files are missing (the overlay draws text with it). Install them with\n"
    "  sudo apt-get install libfreetype-dev\n"
    "or configure with -DPANORAMA_WITH_MEDIA=OFF to build without the media areas.")
endif()
