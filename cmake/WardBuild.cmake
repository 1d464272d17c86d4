# Shared compile flags, the sanitizer switch and the helpers every directory
# uses to declare tests and fuzz targets, so no directory repeats them.

add_compile_options(-Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
                    -Wimplicit-fallthrough
                    $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes>
                    $<$<COMPILE_LANGUAGE:C>:-Wmissing-prototypes>)
add_compile_definitions(_GNU_SOURCE)
# Hidden by default: shared libraries export only what their version script
# and WARD_API annotations name.
set(CMAKE_C_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

# With libFuzzer, every object gets coverage instrumentation (without the
# fuzzer's main), so fuzz targets get feedback from the libraries they call.
if(WARD_LIBFUZZER)
  add_compile_options($<$<COMPILE_LANGUAGE:C>:-fsanitize=fuzzer-no-link>)
endif()

if(WARD_SANITIZE)
  set(_ward_san -fsanitize=address,undefined -fno-sanitize-recover=all
                -fno-omit-frame-pointer)
  add_compile_options(${_ward_san})
  add_link_options(${_ward_san})
endif()

# Every test runs with default locations pointed at a path under /proc,
# where nothing can be created (not even by root), so a test that forgets
# its own state directory fails loudly instead of touching real state.
set(WARD_TEST_ENV
    "XDG_STATE_HOME=/proc/ward-test-must-not-use-defaults"
    "XDG_RUNTIME_DIR=/proc/ward-test-must-not-use-defaults"
    "WARD_STATE_DIR=/proc/ward-test-must-not-use-defaults"
    "WARD_SOCKET=/proc/ward-test-must-not-use-defaults/ward.sock"
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

# ward_add_test(NAME <name> SOURCES <src...> [LIBS <lib...>] [LABELS <l...>]
#               [ARGS <arg...>] [TIMEOUT <s>])
# A cmocka test program registered with CTest.
function(ward_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} ward_test_support
                        PkgConfig::CMOCKA)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT "${WARD_TEST_ENV}"
                       TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()

# ward_add_fuzz(NAME <name> SOURCES <src...> [LIBS <lib...>] CORPUS <dir>)
# A fuzz target defining LLVMFuzzerTestOneInput. With libFuzzer it is a
# fuzzer binary; otherwise it links a small driver that feeds it each file
# given on the command line. Either way the saved corpus runs as a test.
function(ward_add_fuzz)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS" ${ARGN})
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
  if(WARD_LIBFUZZER)
    target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    add_test(NAME ${F_NAME}_corpus
             COMMAND ${F_NAME} -runs=0 ${F_CORPUS})
    # A short fresh run on top of the corpus: finds shallow regressions on
    # every CI run; long campaigns use scripts/fuzz.
    # New inputs go to the build tree, never into the saved corpus.
    file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}_new)
    add_test(NAME ${F_NAME}_smoke
             COMMAND ${F_NAME} -max_total_time=15 -timeout=10
                     -rss_limit_mb=2048
                     ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}_new ${F_CORPUS})
    set_tests_properties(${F_NAME}_smoke PROPERTIES
                         ENVIRONMENT "${WARD_TEST_ENV}" LABELS fuzz)
  else()
    target_sources(${F_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support/fuzz_driver.c)
    add_test(NAME ${F_NAME}_corpus COMMAND ${F_NAME} ${F_CORPUS})
  endif()
  set_tests_properties(${F_NAME}_corpus PROPERTIES
                       ENVIRONMENT "${WARD_TEST_ENV}" LABELS fuzz)
endfunction()

# ward_public_library(<shared library target> MAP <version script>
#                     DESCRIPTION <one line>)
# Makes a SHARED library one of Ward's installed libraries: soname .0,
# exported symbols exactly those of the version script, no undefined
# symbols (except in sanitizer builds, whose runtime is in the executable),
# the public headers on its include path, and a relocatable pkg-config file
# <target>.pc installed beside it.
function(ward_public_library name)
  cmake_parse_arguments(L "" "MAP;DESCRIPTION" "" ${ARGN})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_target_properties(${name} PROPERTIES
    OUTPUT_NAME ${name} VERSION ${PROJECT_VERSION} SOVERSION 0
    LINK_DEPENDS ${L_MAP})
  target_link_options(${name} PRIVATE -Wl,--version-script=${L_MAP})
  if(NOT WARD_SANITIZE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  file(RELATIVE_PATH rel "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
  file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${name}.pc @ONLY CONTENT
"# Relocatable: the prefix is found from where this file is installed.
prefix=\${pcfiledir}/@rel@
libdir=\${prefix}/@CMAKE_INSTALL_LIBDIR@
includedir=\${prefix}/@CMAKE_INSTALL_INCLUDEDIR@

Name: @name@
Description: @L_DESCRIPTION@
Version: @PROJECT_VERSION@
Libs: -L\${libdir} -l@name@
Cflags: -I\${includedir}
")
  install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${name}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()
