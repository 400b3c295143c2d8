# What `cmake --install` puts where. The prefix is CMAKE_INSTALL_PREFIX (default /usr/local; the
# Debian package uses /usr) and DESTDIR stages as usual:
#
#   bin/                                     spectrum2_json_backend, spectrum2_sim
#   libexec/spectrum2-json-bridge/           spectrum2_json_launcher, which starts the bridge's child
#   share/man/man1/                          their man pages (docs/man/*.1), gzipped
#   <python dir>/spectrum2_bridge/           the Python binding (below)
#   share/spectrum2-json-bridge/shell/       the bash binding, spectrum2.sh
#   share/spectrum2-json-bridge/node/        the Node.js binding
#   share/doc/spectrum2-json-bridge/         README, notes, copyright, changelog
#   share/doc/spectrum2-json-bridge/examples/  the examples and echo-transport.cfg
#
# The examples find the bindings from there on their own (and from a checkout, the ones in
# bindings/), so they run without PYTHONPATH or NODE_PATH.
set(S2J_PACKAGE_NAME spectrum2-json-bridge)
set(S2J_DATA_DIR ${CMAKE_INSTALL_DATADIR}/${S2J_PACKAGE_NAME})
# GNUInstallDirs would name it after the CMake project (spectrum2_json_bridge).
set(S2J_DOC_DIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/${S2J_PACKAGE_NAME})
set(S2J_EXAMPLES_DIR ${S2J_DOC_DIR}/examples)

# The Python binding goes where the system's python3 finds it without a venv or PYTHONPATH. Debian's
# python3 searches /usr/lib/python3/dist-packages (for every python3 version) and
# /usr/local/lib/python3.X/dist-packages; for another prefix, ask that python3 which of its
# directories lie under the prefix.
set(S2J_PYTHON_INSTALL_DIR "" CACHE PATH
    "Directory for the Python binding, relative to the prefix or absolute (empty: one python3 searches)")
if(S2J_PYTHON_INSTALL_DIR)
  set(s2j_python_dir ${S2J_PYTHON_INSTALL_DIR})
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(s2j_python_dir lib/python3/dist-packages)
else()
  # Debian's python3, not a python3 that comes first on PATH (a pyenv shim, a venv).
  find_program(S2J_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
  find_program(S2J_PYTHON NAMES python3)
  set(s2j_site_dirs "")
  if(S2J_PYTHON)
    execute_process(COMMAND ${S2J_PYTHON} -c "import site; print(';'.join(site.getsitepackages()))"
                    OUTPUT_VARIABLE s2j_site_dirs OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  set(s2j_python_dir "")
  foreach(dir IN LISTS s2j_site_dirs)
    string(FIND "${dir}/" "${CMAKE_INSTALL_PREFIX}/" at)
    if(at EQUAL 0 AND NOT s2j_python_dir)
      file(RELATIVE_PATH s2j_python_dir ${CMAKE_INSTALL_PREFIX} ${dir})
    endif()
  endforeach()
  if(NOT s2j_python_dir)
    set(s2j_python_dir lib/python3/dist-packages)
    message(STATUS "python3 does not search ${CMAKE_INSTALL_PREFIX}: Python backends will need "
                   "PYTHONPATH=${CMAKE_INSTALL_PREFIX}/${s2j_python_dir}")
  endif()
endif()
message(STATUS "The Python binding installs to ${s2j_python_dir} (under ${CMAKE_INSTALL_PREFIX})")

install(TARGETS spectrum2_json_backend spectrum2_sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Not for users: the bridge finds it relative to its own directory (S2J_LAUNCHER_DIR).
install(TARGETS spectrum2_json_launcher RUNTIME DESTINATION ${S2J_LAUNCHER_INSTALL_DIR})
# A stripped install (`cmake --install --strip`, CPack's CPACK_STRIP_FILES) also drops the sections
# nothing reads, as Debian's dh_strip does.
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    foreach(program ${CMAKE_INSTALL_BINDIR}/spectrum2_json_backend ${CMAKE_INSTALL_BINDIR}/spectrum2_sim
                    ${S2J_LAUNCHER_INSTALL_DIR}/spectrum2_json_launcher)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --remove-section=.comment --remove-section=.note
                              \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/\${program}\"
                      RESULT_VARIABLE failed)
      if(failed)
        message(FATAL_ERROR \"strip failed on \${program}\")
      endif()
    endforeach()
  endif()
")

# Man pages, gzipped as Debian wants them (-n: no name or time stamp, so the result is reproducible).
set(s2j_man_pages "")
foreach(page spectrum2_json_backend.1 spectrum2_sim.1)
  set(source ${CMAKE_CURRENT_SOURCE_DIR}/docs/man/${page})
  set(gzipped ${CMAKE_CURRENT_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${gzipped}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
                     COMMAND gzip -9nc ${source} > ${gzipped}
                     DEPENDS ${source} VERBATIM)
  list(APPEND s2j_man_pages ${gzipped})
endforeach()
set(s2j_changelog ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.Debian.gz)
add_custom_command(OUTPUT ${s2j_changelog}
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/packaging
                   COMMAND gzip -9nc ${CMAKE_CURRENT_SOURCE_DIR}/packaging/changelog > ${s2j_changelog}
                   DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/packaging/changelog VERBATIM)
add_custom_target(install_files ALL DEPENDS ${s2j_man_pages} ${s2j_changelog})
install(FILES ${s2j_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The bindings.
install(DIRECTORY bindings/python/spectrum2_bridge DESTINATION ${s2j_python_dir}
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
install(FILES bindings/shell/spectrum2.sh DESTINATION ${S2J_DATA_DIR}/shell)
install(FILES bindings/node/index.js bindings/node/package.json DESTINATION ${S2J_DATA_DIR}/node)
install(DIRECTORY bindings/node/lib DESTINATION ${S2J_DATA_DIR}/node FILES_MATCHING PATTERN "*.js")

# Documentation and examples.
install(FILES README.md SECURITY.md docs/message-reference.md docs/spectrum-protocol.md packaging/copyright
              ${s2j_changelog}
        DESTINATION ${S2J_DOC_DIR})
install(PROGRAMS examples/echo_backend.py examples/echo_backend_raw.py examples/echo_backend.sh
                 examples/echo_backend.js examples/irc_backend.py
        DESTINATION ${S2J_EXAMPLES_DIR})
install(FILES examples/echo.cfg examples/irc.cfg examples/echo.scenario DESTINATION ${S2J_EXAMPLES_DIR})
# echo-transport.cfg names the installed bridge and example, so it is written at install time: with
# the prefix the install uses (`cmake --install --prefix` too, and CPack's).
install(CODE "
  set(S2J_BACKEND \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/spectrum2_json_backend\")
  set(S2J_EXAMPLES \"\${CMAKE_INSTALL_PREFIX}/${S2J_EXAMPLES_DIR}\")
  configure_file(\"${CMAKE_CURRENT_SOURCE_DIR}/examples/echo-transport.cfg.in\"
                 \"${CMAKE_CURRENT_BINARY_DIR}/packaging/echo-transport.cfg\" @ONLY)
  file(INSTALL \"${CMAKE_CURRENT_BINARY_DIR}/packaging/echo-transport.cfg\" DESTINATION \"\${S2J_EXAMPLES}\")
")
