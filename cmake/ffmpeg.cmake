# FFmpeg 5.1 or newer (libavformat 59, libavcodec 59, libavutil 57, libswscale 6); 7.x works too.
# Only for PANORAMA_WITH_MEDIA=ON (the media areas are the only users).
if(NOT PANORAMA_WITH_MEDIA)
  return()
endif()
find_package(PkgConfig)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(LIBAV IMPORTED_TARGET
    libavformat>=59.27
    libavcodec>=59.37
    libavutil>=57.28
    libswscale>=6.7)
endif()
if(NOT LIBAV_FOUND)
  message(FATAL_ERROR
    "FFmpeg development files (libavformat >= 59.27, libavcodec, libavutil, libswscale, found through "
    "pkg-config) are missing. Install them with\n"
    "  sudo apt-get install pkg-config libavformat-dev libavcodec-dev libavutil-dev libswscale-dev\n"
    "or configure with -DPANORAMA_WITH_MEDIA=OFF to build without the media areas.")
endif()
