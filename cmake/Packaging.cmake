# SPDX-License-Identifier: GPL-2.0-or-later
# Install layout and the Debian package (`cpack -G DEB` in the build directory).
#   /usr/sbin/xvrrpd, /usr/sbin/xvrrpctl, /usr/bin/xvrrp-probe   (targets that exist)
#   <systemdsystemunitdir>/xvrrpd.service   (pkg-config systemd; /lib/systemd/system on Debian 12)
#   /usr/share/man/man8/{xvrrpd,xvrrpctl,xvrrp-probe}.8.gz
#   /usr/share/doc/xvrrp/{copyright,changelog.Debian.gz}
#   /etc/xvrrp/keepalived.conf.example                          (a conffile)
# The unit directory comes from `pkg-config systemd` (XVRRP_SYSTEMD_UNIT_DIR overrides it;
# without systemd.pc it is lib/systemd/system under the prefix). /etc stays absolute: the
# example is a Debian conffile, which lives in /etc whatever the prefix.
#
# The package holds only the install component "xvrrp" (CPACK_INSTALL_CMAKE_PROJECTS below):
# what the daemon and its operators use. Other install rules of the tree (the failover lab,
# the BPF object, which xvrrpd embeds as a skeleton) stay out of it.
#
# Maintainer scripts (tools/packaging/debian/{postinst,prerm,postrm}) are those
# dh_installsystemd generates, with try-restart on upgrade; they state the policy.

set(xvrrp_component xvrrp)
if(TARGET xvrrpd)
  install(TARGETS xvrrpd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT ${xvrrp_component})
endif()
if(TARGET xvrrpctl)
  install(TARGETS xvrrpctl RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR}
          COMPONENT ${xvrrp_component})
endif()
if(TARGET xvrrp-probe)
  install(TARGETS xvrrp-probe RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          COMPONENT ${xvrrp_component})
endif()

# dh_strip's section removal (lintian's binary-has-unneeded-section): the compiler's .comment
# and .note sections are dropped from the installed binaries after CPACK_STRIP_FILES strips.
find_program(XVRRP_OBJCOPY NAMES ${CMAKE_OBJCOPY} objcopy)
foreach(bin sbin/xvrrpd sbin/xvrrpctl bin/xvrrp-probe)
  get_filename_component(name ${bin} NAME)
  if(TARGET ${name} AND XVRRP_OBJCOPY)
    install(CODE "execute_process(COMMAND ${XVRRP_OBJCOPY} --remove-section=.comment
                    --remove-section=.note \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${bin}\"
                    COMMAND_ERROR_IS_FATAL ANY)"
            COMPONENT ${xvrrp_component})
  endif()
endforeach()

# Hardening as Debian's dpkg-buildflags gives it (lintian's hardening-no-bindnow and
# hardening-no-fortify-functions): full RELRO + immediate binding, and _FORTIFY_SOURCE=2
# where the build optimises (glibc ignores it, and GCC warns, at -O0). Applied to what the
# package ships: the binaries and the static libraries they are linked from.
set(xvrrp_optimised $<AND:$<CONFIG:Release,RelWithDebInfo,MinSizeRel>,$<COMPILE_LANGUAGE:C,CXX>>)
function(xvrrp_harden dir)
  if(NOT EXISTS ${dir}/CMakeLists.txt)
    return()
  endif()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE" OR type STREQUAL "STATIC_LIBRARY")
      set_property(TARGET ${t} APPEND PROPERTY COMPILE_OPTIONS
                   $<${xvrrp_optimised}:-U_FORTIFY_SOURCE> $<${xvrrp_optimised}:-D_FORTIFY_SOURCE=2>)
    endif()
    if(type STREQUAL "EXECUTABLE")
      set_property(TARGET ${t} APPEND PROPERTY LINK_OPTIONS -Wl,-z,relro -Wl,-z,now)
    endif()
  endforeach()
endfunction()
file(GLOB xvrrp_userspace_dirs LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/userspace/*)
foreach(dir ${xvrrp_userspace_dirs} ${PROJECT_SOURCE_DIR}/tools/xvrrpctl
            ${PROJECT_SOURCE_DIR}/tools/probe)
  xvrrp_harden(${dir})
endforeach()

if(NOT DEFINED XVRRP_SYSTEMD_UNIT_DIR)
  pkg_get_variable(xvrrp_pc_unit_dir systemd systemdsystemunitdir)
  if(xvrrp_pc_unit_dir)
    set(xvrrp_default_unit_dir ${xvrrp_pc_unit_dir})
  else()
    set(xvrrp_default_unit_dir lib/systemd/system)
  endif()
  set(XVRRP_SYSTEMD_UNIT_DIR ${xvrrp_default_unit_dir}
      CACHE STRING "Where xvrrpd.service is installed (default: pkg-config systemd)")
endif()
install(FILES ${PROJECT_SOURCE_DIR}/tools/systemd/xvrrpd.service
        DESTINATION ${XVRRP_SYSTEMD_UNIT_DIR} COMPONENT ${xvrrp_component})
install(FILES ${PROJECT_SOURCE_DIR}/tools/packaging/keepalived.conf.example
        DESTINATION /etc/xvrrp COMPONENT ${xvrrp_component})

# Debian policy: man pages and changelogs compressed with gzip -9, -n for reproducible
# archives.
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
install(FILES ${xvrrp_man_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man8
        COMPONENT ${xvrrp_component})

set(XVRRP_PACKAGE_MAINTAINER "xvrrp project <xvrrp@example.org>"
    CACHE STRING "Maintainer field of the .deb")
# The Debian revision: -1 for a build of an upstream version. cpack -D
# CPACK_DEBIAN_PACKAGE_RELEASE=N builds a later revision of the same tree.
set(XVRRP_DEBIAN_RELEASE 1 CACHE STRING "Debian revision of the .deb (VERSION-REVISION)")

set(xvrrp_doc_stage ${CMAKE_BINARY_DIR}/debian-doc)
# dpkg has no license field: Debian states it in /usr/share/doc/PACKAGE/copyright (DEP-5).
file(WRITE ${xvrrp_doc_stage}/copyright
     "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
     "Upstream-Name: xvrrp\n"
     "Upstream-Contact: ${XVRRP_PACKAGE_MAINTAINER}\n\n"
     "Files: *\n"
     "Copyright: 2025-2026 xvrrp contributors\n"
     "License: GPL-2+\n\n"
     "License: GPL-2+\n"
     " This program is free software; you can redistribute it and/or modify\n"
     " it under the terms of the GNU General Public License as published by\n"
     " the Free Software Foundation; either version 2 of the License, or\n"
     " (at your option) any later version.\n"
     " .\n"
     " This program is distributed in the hope that it will be useful,\n"
     " but WITHOUT ANY WARRANTY; without even the implied warranty of\n"
     " MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the\n"
     " GNU General Public License for more details.\n"
     " .\n"
     " On Debian systems, the full text of the GNU General Public License version 2\n"
     " can be found in /usr/share/common-licenses/GPL-2.\n")
install(FILES ${xvrrp_doc_stage}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT ${xvrrp_component})
# Debian changelog of the package (policy 12.7), dated by SOURCE_DATE_EPOCH when set.
string(TIMESTAMP xvrrp_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${xvrrp_doc_stage}/changelog.Debian
     "xvrrp (${PROJECT_VERSION}-${XVRRP_DEBIAN_RELEASE}) unstable; urgency=medium\n\n"
     "  * Package of xvrrp ${PROJECT_VERSION}.\n\n"
     " -- ${XVRRP_PACKAGE_MAINTAINER}  ${xvrrp_changelog_date}\n")
add_custom_command(OUTPUT ${xvrrp_doc_stage}/changelog.Debian.gz
                   COMMAND gzip -9 -n -c ${xvrrp_doc_stage}/changelog.Debian >
                           ${xvrrp_doc_stage}/changelog.Debian.gz
                   DEPENDS ${xvrrp_doc_stage}/changelog.Debian
                   COMMENT "gzip changelog.Debian"
                   VERBATIM)
add_custom_target(xvrrp_debian_changelog ALL DEPENDS ${xvrrp_doc_stage}/changelog.Debian.gz)
install(FILES ${xvrrp_doc_stage}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT ${xvrrp_component})
install(FILES ${PROJECT_SOURCE_DIR}/tools/packaging/debian/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME xvrrp
        COMPONENT ${xvrrp_component})

set(CPACK_GENERATOR DEB)
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};${xvrrp_component};/")
set(CPACK_PACKAGE_NAME xvrrp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${XVRRP_DEBIAN_RELEASE})
set(CPACK_PACKAGE_VENDOR "xvrrp")
set(CPACK_PACKAGE_CONTACT ${XVRRP_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "VRRP daemon with an eBPF/XDP receive path")
# One string: a list here would be joined with ';' into the Description field.
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "xvrrpd runs VRRPv2 and VRRPv3 routers from a keepalived.conf. An XDP program
validates and timestamps incoming advertisements and counts them per VRID and
reject reason in pinned BPF maps.
.
The package also contains xvrrpctl (status, counters and Prometheus metrics),
xvrrp-probe (a failover latency meter) and a sandboxed systemd unit.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${XVRRP_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from dpkg-shlibdeps on the installed binaries (the libraries they link).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
file(WRITE ${CMAKE_BINARY_DIR}/debian-control/conffiles "/etc/xvrrp/keepalived.conf.example\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian-control/conffiles
    ${PROJECT_SOURCE_DIR}/tools/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/tools/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/tools/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
include(CPack)
