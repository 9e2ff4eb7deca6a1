# CTest fixture `postgres`: a throw-away PostgreSQL server for every test registered with
# `lifeline_test(... FIXTURES postgres)`. start.sh writes the server's URL to
# ${PROJECT_BINARY_DIR}/postgres/url, which those tests find through
# LIFELINE_TEST_POSTGRES_URL_FILE; stop.sh stops the server and deletes its data.
set(LIFELINE_POSTGRES_FOLDER ${PROJECT_BINARY_DIR}/postgres)

add_test(NAME postgres_start
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/start.sh ${LIFELINE_POSTGRES_FOLDER})
# Long enough for a first-time `apt-get install postgresql`.
set_tests_properties(postgres_start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 900)

add_test(NAME postgres_stop
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/stop.sh ${LIFELINE_POSTGRES_FOLDER})
set_tests_properties(postgres_stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 120)
