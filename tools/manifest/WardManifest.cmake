# ward_generate_partitions(TARGET <name> LIST <list.json> TABLE <table>
#                          [PLATFORM host|emul])
#
# Generate a partition table from a manifest list at build time with
# tools/manifest/ward_manifest.py, and make it a STATIC library <name>:
#   - the table source <table>.c and the psa_manifest/ headers are written to
#     ${CMAKE_CURRENT_BINARY_DIR}/<name>_gen (PUBLIC include directory);
#   - the library links ward_spm_desc (partition_desc.h, the PSA headers).
# The generator reruns when the list, a manifest it names, or the generator
# changes, and rewrites only files whose content changed. The list is read
# at configure time (string(JSON)) to learn its manifests and partition
# names; editing the list or a manifest reruns the configure step.
#
# The top-level CMakeLists.txt includes this file before add_subdirectory(spm)
# so every directory can call the function.
include_guard(GLOBAL)

function(ward_generate_partitions)
  cmake_parse_arguments(G "" "TARGET;LIST;TABLE;PLATFORM" "" ${ARGN})
  foreach(arg TARGET LIST TABLE)
    if(NOT G_${arg})
      message(FATAL_ERROR "ward_generate_partitions: ${arg} is required")
    endif()
  endforeach()
  if(G_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
            "ward_generate_partitions: unknown arguments ${G_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT G_PLATFORM)
    set(G_PLATFORM host)
  endif()
  if(NOT Python3_EXECUTABLE)
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
  endif()

  set(tool ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/ward_manifest.py)
  get_filename_component(list ${G_LIST} ABSOLUTE)
  get_filename_component(list_dir ${list} DIRECTORY)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${G_TARGET}_gen)
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${G_TARGET}_gen.stamp)

  # The manifests the list names, and the partition header each one yields.
  # Anything malformed is left for the generator to report at build time.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${list})
  set(manifests)
  set(headers ${out}/psa_manifest/sid.h ${out}/psa_manifest/pid.h)
  file(READ ${list} list_json)
  string(JSON count ERROR_VARIABLE err LENGTH "${list_json}" manifests)
  if(err)
    set(count 0)
  endif()
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON rel ERROR_VARIABLE err GET "${list_json}" manifests ${i})
      if(err)
        continue()
      endif()
      get_filename_component(manifest ${rel} ABSOLUTE BASE_DIR ${list_dir})
      list(APPEND manifests ${manifest})
      if(NOT EXISTS ${manifest})
        continue()
      endif()
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifest})
      file(READ ${manifest} manifest_json)
      string(JSON name ERROR_VARIABLE err GET "${manifest_json}" name)
      if(NOT err AND name MATCHES "^[A-Z][A-Z0-9_]*$")
        string(TOLOWER ${name} name)
        list(APPEND headers ${out}/psa_manifest/${name}.h)
      endif()
    endforeach()
  endif()

  # The stamp is the rule's output, touched on every run; the generated files
  # are byproducts, so an unchanged file keeps its time and nothing that
  # includes it is rebuilt.
  add_custom_command(
    OUTPUT ${stamp}
    BYPRODUCTS ${out}/${G_TABLE}.c ${headers}
    COMMAND ${Python3_EXECUTABLE} ${tool} --list ${list} --out ${out}
            --table ${G_TABLE} --platform ${G_PLATFORM}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${list} ${manifests} ${tool}
    COMMENT "Generating partition table ${G_TABLE} from ${G_LIST}"
    VERBATIM)
  add_library(${G_TARGET} STATIC ${out}/${G_TABLE}.c ${stamp})
  target_include_directories(${G_TARGET} PUBLIC ${out})
  target_link_libraries(${G_TARGET} PUBLIC ward_spm_desc)
  # The generated C is kept clean under -pedantic as well.
  target_compile_options(${G_TARGET} PRIVATE -pedantic)
endfunction()
