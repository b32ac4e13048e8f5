# Install rules and the Debian package (CPack DEB) for simpuld and simpulctl.
#   cmake --build build && (cd build && cpack -G DEB)     # or deploy/test-package.sh
# The package installs the binaries, the hardened systemd unit, /etc/default/simpul (the values
# postinst creates the node with; a conffile), the documentation and example config, and the web
# assets that node/web installs under share/simpul/web. Maintainer scripts live in deploy/debian.
include(GNUInstallDirs)

set(SIMPUL_DEPLOY_DIR "${PROJECT_SOURCE_DIR}/deploy")

install(TARGETS simpuld simpulctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES "${SIMPUL_DEPLOY_DIR}/systemd/simpuld.service" DESTINATION lib/systemd/system)
install(FILES "${SIMPUL_DEPLOY_DIR}/debian/default" DESTINATION /etc/default RENAME simpul)
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${SIMPUL_DEPLOY_DIR}/config/simpul.example.toml"
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "simpul")
set(CPACK_PACKAGE_VENDOR "Simpul")
set(CPACK_PACKAGE_CONTACT "Simpul maintainers <simpul@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Federated complaint-management node (simpuld, simpulctl)")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${SIMPUL_DEPLOY_DIR}/debian/postinst" "${SIMPUL_DEPLOY_DIR}/debian/prerm"
    "${SIMPUL_DEPLOY_DIR}/debian/postrm" "${SIMPUL_DEPLOY_DIR}/debian/conffiles")
include(CPack)
