# One static library per module, with its dependencies spelled out, so the build itself keeps
# the layers apart: an engine cannot link the store, a service cannot link http.
function(lifeline_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# A GoogleTest binary beside the code it tests, registered with CTest under its own name.
# FIXTURES names CTest fixtures the test needs (for example a running PostgreSQL server).
function(lifeline_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;FIXTURES;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  if("postgres" IN_LIST ARG_FIXTURES)
    # tests/postgres/start.sh writes the throw-away server's URL here.
    set_tests_properties(${name} PROPERTIES ENVIRONMENT
      "LIFELINE_TEST_POSTGRES_URL_FILE=${PROJECT_BINARY_DIR}/postgres/url")
  endif()
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()

# Embeds FILES (paths under BASE_DIR) into a generated source that defines
# `std::span<const EmbeddedFile> SYMBOL()`; returns the source's path in OUT_VAR.
function(lifeline_embed OUT_VAR SYMBOL BASE_DIR)
  set(files ${ARGN})
  set(output ${PROJECT_BINARY_DIR}/embedded/${SYMBOL}.cc)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DSYMBOL=${SYMBOL} -DBASE_DIR=${BASE_DIR}
            "-DFILES=${files}" -P ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    COMMENT "Embedding ${SYMBOL}"
    VERBATIM)
  set(${OUT_VAR} ${output} PARENT_SCOPE)
endfunction()

# Fails the configure step if `target` links any of FORBIDDEN, directly or through its
# dependencies: the layering of docs/architecture.md, checked by the build itself.
function(lifeline_forbid_links target)
  cmake_parse_arguments(ARG "" "" "FORBIDDEN" ${ARGN})
  set(pending ${target})
  set(seen "")
  while(pending)
    list(POP_FRONT pending current)
    if(current IN_LIST seen OR NOT TARGET ${current})
      continue()
    endif()
    list(APPEND seen ${current})
    get_target_property(links ${current} LINK_LIBRARIES)
    foreach(link IN LISTS links)
      if(link IN_LIST ARG_FORBIDDEN)
        message(FATAL_ERROR "${target} must not depend on ${link} (via ${current}); see docs/architecture.md")
      endif()
      list(APPEND pending ${link})
    endforeach()
  endwhile()
endfunction()
