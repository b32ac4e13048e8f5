# cmake -DSRC=<node/web> -DDEST=<stage dir> -DNPM_DIR=<npm dir> -P stage.cmake
# Replaces DEST with the web UI's own files from SRC and the vendored browser builds from npm.
file(REMOVE_RECURSE ${DEST})
file(COPY ${SRC}/ DESTINATION ${DEST}
  PATTERN node_modules EXCLUDE
  PATTERN package.json EXCLUDE
  PATTERN package-lock.json EXCLUDE
  PATTERN CMakeLists.txt EXCLUDE
  PATTERN "*.cmake" EXCLUDE)
set(chart ${NPM_DIR}/node_modules/chart.js)
if(EXISTS ${chart}/dist/chart.umd.js)
  file(COPY ${chart}/dist/chart.umd.js DESTINATION ${DEST}/vendor)
  file(COPY_FILE ${chart}/LICENSE.md ${DEST}/vendor/chart.js.LICENSE.txt)
endif()
