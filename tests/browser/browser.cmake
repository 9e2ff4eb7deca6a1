# Browser end-to-end tests: drive the built `lifeline` binary in Debian's chromium through
# playwright-core. Included from tests/CMakeLists.txt. Their npm dependency is installed by
# `npm ci` in tests/browser (the project's setup script does it); without it the tests fail
# with that instruction rather than being skipped.
#   browser_login    login, home, beds, admin, both languages (login.test.mjs)
#   browser_clinic   public help request and status link, volunteer application and approval,
#                    coordinator board, assignment and notes (clinic.test.mjs)
#   browser_aid      confirm a proposed match, lend the device, check-in, return, timeline
#                    (aid.test.mjs)
#   browser_tracing  the chain graph by time, a case's record and its infector, a positive test,
#                    the private code link and the gate check (tracing.test.mjs)
find_program(NODE_EXECUTABLE NAMES node nodejs)

# name:script:timeout in seconds
set(LIFELINE_BROWSER_TESTS
    login:login.test.mjs:180
    clinic:clinic.test.mjs:240
    aid:aid.test.mjs:180
    tracing:tracing.test.mjs:180)

foreach(entry IN LISTS LIFELINE_BROWSER_TESTS)
  string(REPLACE ":" ";" fields "${entry}")
  list(GET fields 0 name)
  list(GET fields 1 script)
  list(GET fields 2 timeout)
  if(NODE_EXECUTABLE)
    add_test(NAME browser_${name}
             COMMAND ${NODE_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/${script} $<TARGET_FILE:lifeline>)
  else()
    add_test(NAME browser_${name}
             COMMAND ${CMAKE_COMMAND} -E echo
                     "browser_${name}: node not found; install nodejs, then run `npm ci` in ${CMAKE_CURRENT_LIST_DIR}")
    set_tests_properties(browser_${name} PROPERTIES FAIL_REGULAR_EXPRESSION "node not found")
  endif()
  # One chromium at a time: two at once on two cores starve each other (a full-page screenshot
  # of the exchange's map timed out that way).
  set_tests_properties(browser_${name} PROPERTIES TIMEOUT ${timeout} LABELS browser
                       RESOURCE_LOCK chromium)
endforeach()
