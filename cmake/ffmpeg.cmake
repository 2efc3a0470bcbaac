# FFmpeg 5.1 or newer (libavformat 59, libavcodec 59, libavutil 57, libswscale 6); 7.x works too.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBAV REQUIRED IMPORTED_TARGET
  libavformat>=59.27
  libavcodec>=59.37
  libavutil>=57.28
  libswscale>=6.7)
