# The Debian package, made by CPack from the install rules (cmake/install.cmake):
#   cmake -B build-package -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
#   cmake --build build-package && (cd build-package && cpack -G DEB)
# scripts/package does exactly this, with Debian's hardening flags.
set(S2J_PACKAGE_MAINTAINER "spectrum2-json-bridge maintainers <maintainers@users.noreply.r-seed-3e4068d9.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${S2J_PACKAGE_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${S2J_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "bridge between Spectrum 2 and backends speaking JSON lines")
# Read here: CPack would XML-escape the text of CPACK_PACKAGE_DESCRIPTION_FILE (' as &apos;).
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/packaging/description CPACK_DEBIAN_PACKAGE_DESCRIPTION)
# The package installs exactly what `cmake --install` does, under the configured prefix.
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # spectrum2-json-bridge_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: what the programs link against, computed by dpkg-shlibdeps (libc6, libstdc++6,
# libprotobuf32, libuv1, ...), plus python3 for the Python binding and example backends, which are
# the usual way to write a backend; its postinst byte-compiles the binding with py3compile.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3 (>= 3.9)")
# The bash binding needs jq; Node.js (18 or later) only runs the Node.js binding; the bridge is a
# backend for Spectrum 2.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "jq")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nodejs (>= 18), spectrum2")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/packaging/postinst
                                       ${CMAKE_CURRENT_SOURCE_DIR}/packaging/prerm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Checks made when cpack runs: the prefix and the changelog's version.
set(CPACK_S2J_CHANGELOG ${CMAKE_CURRENT_SOURCE_DIR}/packaging/changelog)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/package-checks.cmake)

include(CPack)
