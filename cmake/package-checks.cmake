# Read by cpack before it builds a package (CPACK_PROJECT_CONFIG_FILE): a .deb that would put files
# under /usr/local, or whose changelog does not start with its own version, is refused.
if(CPACK_GENERATOR STREQUAL "DEB")
  if(NOT CPACK_PACKAGING_INSTALL_PREFIX STREQUAL "/usr")
    message(FATAL_ERROR "The Debian package must install under /usr, this build's prefix is "
                        "${CPACK_PACKAGING_INSTALL_PREFIX}: configure with -DCMAKE_INSTALL_PREFIX=/usr "
                        "(scripts/package does)")
  endif()
  file(READ "${CPACK_S2J_CHANGELOG}" s2j_changelog LIMIT 200)
  string(REGEX MATCH "^[^\n]*" s2j_changelog_head "${s2j_changelog}")
  set(s2j_expected "${CPACK_PACKAGE_NAME} (${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})")
  string(FIND "${s2j_changelog_head}" "${s2j_expected} " at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "packaging/changelog starts with \"${s2j_changelog_head}\": add an entry for "
                        "${s2j_expected} at the top")
  endif()
endif()
