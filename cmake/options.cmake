# Every build option of the project, with one prefix, in one place.
set(PANORAMA_WITH_CUDA "AUTO" CACHE STRING "Compile the CUDA sources: AUTO (when a toolkit is found), ON, OFF")
set_property(CACHE PANORAMA_WITH_CUDA PROPERTY STRINGS AUTO ON OFF)
set(PANORAMA_WITH_NVDEC "AUTO" CACHE STRING "Build the NVDEC decoder: AUTO (when CUDA and the ffnvcodec headers are found), ON, OFF")
set_property(CACHE PANORAMA_WITH_NVDEC PROPERTY STRINGS AUTO ON OFF)
set(PANORAMA_WITH_NVJPEG "AUTO" CACHE STRING
    "Build the live view's nvJPEG encoder: AUTO (when CUDA, media and nvjpeg.h are found), ON, OFF")
set_property(CACHE PANORAMA_WITH_NVJPEG PROPERTY STRINGS AUTO ON OFF)
# OFF leaves out everything built on FFmpeg and FreeType (media, decode, pipeline, the overlay's
# compositor, sink), so the core, image, infer, overlay drawing and CUDA parts build on a machine
# without them (for example a bare GPU test box).
option(PANORAMA_WITH_MEDIA "Build the media areas (needs FFmpeg >= 5.1 and FreeType)" ON)
option(PANORAMA_BUILD_PYTHON "Build the pybind11 module panoramasdk._core" ON)
option(PANORAMA_BUILD_TESTS "Build the C++ tests (GoogleTest, run by ctest)" OFF)
option(PANORAMA_BUILD_BENCHMARKS "Build the C++ GPU benchmarks in benchmarks/gpu (CUDA builds only)" OFF)
option(PANORAMA_WERROR "Treat compiler warnings as errors" OFF)
