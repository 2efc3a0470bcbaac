# Warning flags as an interface target, so third-party headers are not held to them.
add_library(panorama_warnings INTERFACE)
target_compile_options(panorama_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${PANORAMA_WERROR}>>:-Werror>)
