# Browser end-to-end test: drives the built `lifeline` binary in Debian's chromium through
# playwright-core. Included from tests/CMakeLists.txt. Its npm dependency is installed by
# `npm ci` in tests/browser (the project's setup script does it); without it the test fails
# with that instruction rather than being skipped.
find_program(NODE_EXECUTABLE NAMES node nodejs)
set(LIFELINE_BROWSER_TEST ${CMAKE_CURRENT_LIST_DIR}/login.test.mjs)

if(NODE_EXECUTABLE)
  add_test(NAME browser_login
           COMMAND ${NODE_EXECUTABLE} ${LIFELINE_BROWSER_TEST} $<TARGET_FILE:lifeline>)
else()
  add_test(NAME browser_login
           COMMAND ${CMAKE_COMMAND} -E echo
                   "browser_login: node not found; install nodejs, then run `npm ci` in ${CMAKE_CURRENT_LIST_DIR}")
  set_tests_properties(browser_login PROPERTIES FAIL_REGULAR_EXPRESSION "node not found")
endif()
set_tests_properties(browser_login PROPERTIES TIMEOUT 180 LABELS browser)
