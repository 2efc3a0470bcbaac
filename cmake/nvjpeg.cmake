# PANORAMA_WITH_NVJPEG: AUTO builds the nvJPEG encoder of the live view (frames composed on the GPU become
# JPEGs there) when CUDA, the media areas and nvjpeg.h are found; ON requires them; OFF never. nvjpeg.h
# comes from the CUDA toolkit (JetPack has it), else from the PyPI wheel nvidia-nvjpeg in the build's
# Python (requirements/dev.txt), else from NVJPEG_INCLUDE_DIR. The header is all it needs at build time:
# libnvjpeg is opened at run time (src/sink/jpeg_encoder_nvjpeg.cpp), so a build with it runs on machines
# without it and makes its JPEGs with libavcodec there. Without it, jpeg_encoder_nvjpeg_stub.cpp says why.
set(NVJPEG_INCLUDE_DIR "" CACHE PATH "Folder holding nvjpeg.h (when neither the CUDA toolkit nor the Python has it)")
set(PANORAMA_HAVE_NVJPEG OFF)
set(PANORAMA_NVJPEG_NOTE "")
if(NOT PANORAMA_WITH_NVJPEG STREQUAL "OFF")
  if(NOT PANORAMA_HAVE_CUDA)
    set(PANORAMA_NVJPEG_NOTE "needs CUDA")
  elseif(NOT PANORAMA_WITH_MEDIA)
    set(PANORAMA_NVJPEG_NOTE "needs the media areas (PANORAMA_WITH_MEDIA)")
  else()
    set(_panorama_nvjpeg_hints "${NVJPEG_INCLUDE_DIR}" ${CUDAToolkit_INCLUDE_DIRS})
    find_package(Python COMPONENTS Interpreter QUIET)
    if(Python_EXECUTABLE)
      execute_process(COMMAND "${Python_EXECUTABLE}" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])"
                      OUTPUT_VARIABLE _panorama_purelib OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      # The wheel's layout: nvidia/cu13/include (CUDA 13), nvidia/nvjpeg/include (CUDA 12).
      list(APPEND _panorama_nvjpeg_hints "${_panorama_purelib}/nvidia/cu13/include" "${_panorama_purelib}/nvidia/nvjpeg/include")
    endif()
    find_path(PANORAMA_NVJPEG_HEADER_DIR nvjpeg.h HINTS ${_panorama_nvjpeg_hints} NO_CACHE)
    if(PANORAMA_NVJPEG_HEADER_DIR)
      add_library(panorama_nvjpeg INTERFACE)
      # Only the header: the library is opened with dlopen, found by its CUDA major version.
      target_include_directories(panorama_nvjpeg SYSTEM INTERFACE "${PANORAMA_NVJPEG_HEADER_DIR}")
      target_link_libraries(panorama_nvjpeg INTERFACE ${CMAKE_DL_LIBS})
      set(PANORAMA_HAVE_NVJPEG ON)
      set(PANORAMA_NVJPEG_NOTE "nvjpeg.h in ${PANORAMA_NVJPEG_HEADER_DIR}")
    else()
      set(PANORAMA_NVJPEG_NOTE "no nvjpeg.h (pip install nvidia-nvjpeg, or set NVJPEG_INCLUDE_DIR)")
    endif()
  endif()
  if(PANORAMA_WITH_NVJPEG STREQUAL "ON" AND NOT PANORAMA_HAVE_NVJPEG)
    message(FATAL_ERROR "PANORAMA_WITH_NVJPEG=ON, but the nvJPEG encoder cannot be built: ${PANORAMA_NVJPEG_NOTE}")
  endif()
endif()
