# SPDX-License-Identifier: GPL-2.0-or-later
# Install layout and the Debian package (`cpack -G DEB` in the build directory).
#   /usr/sbin/xvrrpd, /usr/sbin/xvrrpctl, /usr/bin/xvrrp-probe   (targets that exist)
#   /lib/systemd/system/xvrrpd.service
#   /usr/share/man/man8/{xvrrpd,xvrrpctl,xvrrp-probe}.8.gz
#   /etc/xvrrp/keepalived.conf.example                          (a conffile)
# /lib and /etc are absolute: Debian 12 keeps units in /lib/systemd/system, and /etc must not
# follow the /usr prefix.

# The daemon and probe also install themselves; installing a target twice to the same
# place is harmless, and keeps the package complete if a part drops its own rule.
if(TARGET xvrrpd)
  install(TARGETS xvrrpd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
endif()
if(TARGET xvrrpctl)
  install(TARGETS xvrrpctl RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
endif()
if(TARGET xvrrp-probe)
  install(TARGETS xvrrp-probe RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(FILES ${PROJECT_SOURCE_DIR}/tools/systemd/xvrrpd.service
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/tools/packaging/keepalived.conf.example
        DESTINATION /etc/xvrrp)

# Debian policy: man pages compressed with gzip -9, -n for reproducible archives.
set(xvrrp_man_pages xvrrpd.8 xvrrpctl.8 xvrrp-probe.8)
set(xvrrp_man_gz)
foreach(page ${xvrrp_man_pages})
  set(src ${PROJECT_SOURCE_DIR}/docs/man/${page})
  set(gz ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${gz}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
                     COMMAND gzip -9 -n -c ${src} > ${gz}
                     DEPENDS ${src}
                     COMMENT "gzip man page ${page}"
                     VERBATIM)
  list(APPEND xvrrp_man_gz ${gz})
endforeach()
add_custom_target(xvrrp_man_pages ALL DEPENDS ${xvrrp_man_gz})
install(FILES ${xvrrp_man_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

set(XVRRP_PACKAGE_MAINTAINER "xvrrp project <xvrrp@localhost>"
    CACHE STRING "Maintainer field of the .deb")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME xvrrp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "xvrrp")
set(CPACK_PACKAGE_CONTACT ${XVRRP_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "VRRP daemon with an eBPF/XDP receive path")
set(CPACK_PACKAGE_DESCRIPTION
    "xvrrpd runs VRRPv2/v3 from a keepalived.conf; an XDP program validates and timestamps\n"
    "incoming adverts and counts them per VRID and reject reason in pinned maps.\n"
    "Includes xvrrpctl (status, counters, Prometheus metrics), xvrrp-probe (failover\n"
    "latency meter) and a sandboxed systemd unit.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${XVRRP_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libbpf1 (>= 1:1.1), libxdp1 (>= 1.3), libnl-3-200 (>= 3.7), libnl-route-3-200 (>= 3.7), libsystemd0, libc6, libstdc++6")
# dpkg has no license field: Debian states it in /usr/share/doc/PACKAGE/copyright (DEP-5).
file(WRITE ${CMAKE_BINARY_DIR}/debian-control/copyright
     "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
     "Upstream-Name: xvrrp\n\n"
     "Files: *\nCopyright: xvrrp contributors\nLicense: GPL-2.0-or-later\n"
     " On Debian systems, the full text of the GNU General Public License version 2\n"
     " can be found in /usr/share/common-licenses/GPL-2.\n")
install(FILES ${CMAKE_BINARY_DIR}/debian-control/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(WRITE ${CMAKE_BINARY_DIR}/debian-control/conffiles "/etc/xvrrp/keepalived.conf.example\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/debian-control/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
include(CPack)
