# Browser end-to-end tests: drive the built `lifeline` binary in Debian's chromium through
# playwright-core. Included from tests/CMakeLists.txt. Their npm dependency is installed by
# `npm ci` in tests/browser (the project's setup script does it); without it the tests fail
# with that instruction rather than being skipped.
#   browser_login   login, home, beds, admin, both languages (login.test.mjs)
#   browser_clinic  public help request and status link, volunteer application and approval,
#                   coordinator board, assignment and notes (clinic.test.mjs)
#   browser_aid     confirm a proposed match, lend the device, check-in, return, timeline
#                   (aid.test.mjs)
find_program(NODE_EXECUTABLE NAMES node nodejs)
set(LIFELINE_BROWSER_TEST ${CMAKE_CURRENT_LIST_DIR}/login.test.mjs)
set(LIFELINE_BROWSER_CLINIC_TEST ${CMAKE_CURRENT_LIST_DIR}/clinic.test.mjs)
set(LIFELINE_BROWSER_AID_TEST ${CMAKE_CURRENT_LIST_DIR}/aid.test.mjs)

if(NODE_EXECUTABLE)
  add_test(NAME browser_login
           COMMAND ${NODE_EXECUTABLE} ${LIFELINE_BROWSER_TEST} $<TARGET_FILE:lifeline>)
  add_test(NAME browser_clinic
           COMMAND ${NODE_EXECUTABLE} ${LIFELINE_BROWSER_CLINIC_TEST} $<TARGET_FILE:lifeline>)
  add_test(NAME browser_aid
           COMMAND ${NODE_EXECUTABLE} ${LIFELINE_BROWSER_AID_TEST} $<TARGET_FILE:lifeline>)
else()
  add_test(NAME browser_login
           COMMAND ${CMAKE_COMMAND} -E echo
                   "browser_login: node not found; install nodejs, then run `npm ci` in ${CMAKE_CURRENT_LIST_DIR}")
  set_tests_properties(browser_login PROPERTIES FAIL_REGULAR_EXPRESSION "node not found")
  add_test(NAME browser_clinic
           COMMAND ${CMAKE_COMMAND} -E echo
                   "browser_clinic: node not found; install nodejs, then run `npm ci` in ${CMAKE_CURRENT_LIST_DIR}")
  set_tests_properties(browser_clinic PROPERTIES FAIL_REGULAR_EXPRESSION "node not found")
  add_test(NAME browser_aid
           COMMAND ${CMAKE_COMMAND} -E echo
                   "browser_aid: node not found; install nodejs, then run `npm ci` in ${CMAKE_CURRENT_LIST_DIR}")
  set_tests_properties(browser_aid PROPERTIES FAIL_REGULAR_EXPRESSION "node not found")
endif()
set_tests_properties(browser_login PROPERTIES TIMEOUT 180 LABELS browser)
set_tests_properties(browser_clinic PROPERTIES TIMEOUT 240 LABELS browser)
set_tests_properties(browser_aid PROPERTIES TIMEOUT 180 LABELS browser)
