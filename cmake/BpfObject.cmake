# SPDX-License-Identifier: GPL-2.0-or-later
#
# bpf_object(<name> <src.bpf.c> [SKELETON_NAME <ident>])
#
# Compiles <src> with clang for the BPF target and generates a libbpf skeleton
# with bpftool. Adapted from libbpf-bootstrap's tools/cmake/FindBpfObject.cmake,
# with two differences: clang writes a depfile (-MD -MF) that CMake consumes
# through add_custom_command(DEPFILE), so editing any included header (notably
# include/xvrrp/abi.h) rebuilds the object and the skeleton; and UAPI headers are
# used instead of a generated vmlinux.h.
#
# Creates:
#   <name>_skel            INTERFACE target: include dir of <name>.skel.h,
#                          PkgConfig::LIBBPF, and the compile definition
#                          <NAME>_BPF_OBJECT="<abs path of <name>.bpf.o>"
#   <name>_bpf_o           custom target building object and skeleton
# Sets in the caller's scope:
#   <name>_BPF_OBJECT      absolute path of the built .bpf.o
#   <name>_SKEL_HEADER     absolute path of the generated skeleton header
# Installs the object to ${CMAKE_INSTALL_LIBDIR}/xvrrp/.
#
# Overrides: -DBPF_CLANG=/path/to/clang -DBPFTOOL=/path/to/bpftool. Fails at configure
# time when BPF_CLANG is older than BPF_CLANG_MIN_VERSION.
include_guard(GLOBAL)

find_program(BPF_CLANG NAMES clang clang-14 clang-15 clang-16 REQUIRED
             DOC "clang able to target BPF")
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED
             DOC "bpftool used for 'gen skeleton'")

# The oldest clang the BPF object is built and verified with (Debian 12's clang 14);
# an older one may emit BTF or instructions the loader or verifier handles differently.
set(BPF_CLANG_MIN_VERSION 14)
execute_process(COMMAND ${BPF_CLANG} --version OUTPUT_VARIABLE bpf_clang_version_text
                RESULT_VARIABLE bpf_clang_rc ERROR_QUIET)
string(REGEX MATCH "clang version ([0-9]+)\\.[0-9]+" bpf_clang_match "${bpf_clang_version_text}")
if(NOT bpf_clang_rc EQUAL 0 OR NOT bpf_clang_match)
  message(FATAL_ERROR "cannot tell the version of ${BPF_CLANG} (BPF_CLANG); need clang >= "
                      "${BPF_CLANG_MIN_VERSION}")
endif()
set(BPF_CLANG_VERSION ${CMAKE_MATCH_1})
if(BPF_CLANG_VERSION VERSION_LESS BPF_CLANG_MIN_VERSION)
  message(FATAL_ERROR "${BPF_CLANG} is clang ${BPF_CLANG_VERSION}; the BPF object needs clang >= "
                      "${BPF_CLANG_MIN_VERSION} (set -DBPF_CLANG=/path/to/clang-NN)")
endif()
message(STATUS "BPF compiler: ${BPF_CLANG} (clang ${BPF_CLANG_VERSION})")

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|amd64|AMD64")
  set(BPF_TARGET_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(BPF_TARGET_ARCH arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "ppc64le")
  set(BPF_TARGET_ARCH powerpc)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "s390x")
  set(BPF_TARGET_ARCH s390)
else()
  set(BPF_TARGET_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()

# <asm/types.h> and friends live in the multiarch directory on Debian; clang
# -target bpf does not search it by itself.
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(BPF_MULTIARCH_INCLUDE /usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
else()
  set(BPF_MULTIARCH_INCLUDE /usr/include/${CMAKE_SYSTEM_PROCESSOR}-linux-gnu)
endif()

function(bpf_object name src)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "SKELETON_NAME" "")
  if(NOT ARG_SKELETON_NAME)
    set(ARG_SKELETON_NAME ${name})
  endif()
  get_filename_component(src_abs ${src} ABSOLUTE)
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o)
  set(dep ${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o.d)
  set(skel_dir ${CMAKE_CURRENT_BINARY_DIR}/include)
  set(skel ${skel_dir}/${name}.skel.h)

  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -target bpf -O2 -g -Wall -Werror
            -D__TARGET_ARCH_${BPF_TARGET_ARCH}
            -I${PROJECT_SOURCE_DIR}/include -I${CMAKE_CURRENT_SOURCE_DIR}
            -idirafter ${BPF_MULTIARCH_INCLUDE}
            -MD -MF ${dep} -MT ${obj}
            -c ${src_abs} -o ${obj}
    DEPFILE ${dep}
    DEPENDS ${src_abs}
    COMMENT "BPF object ${name}.bpf.o"
    VERBATIM)

  # Written to a temporary file first so a failing bpftool never leaves a
  # truncated header that looks up to date.
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${skel_dir}
    COMMAND sh -c "\"$0\" gen skeleton \"$1\" name \"$2\" > \"$3.tmp\"" ${BPFTOOL} ${obj}
            ${ARG_SKELETON_NAME} ${skel}
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "BPF skeleton ${name}.skel.h"
    VERBATIM)

  add_custom_target(${name}_bpf_o ALL DEPENDS ${obj} ${skel})

  string(TOUPPER ${name} upper)
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_bpf_o)
  # SYSTEM: the generated skeleton is not ours to lint (clang-tidy, -Wall).
  target_include_directories(${name}_skel SYSTEM INTERFACE ${skel_dir})
  target_link_libraries(${name}_skel INTERFACE PkgConfig::LIBBPF)
  target_compile_definitions(${name}_skel INTERFACE ${upper}_BPF_OBJECT="${obj}")

  install(FILES ${obj} DESTINATION ${CMAKE_INSTALL_LIBDIR}/xvrrp)

  set(${name}_BPF_OBJECT ${obj} PARENT_SCOPE)
  set(${name}_SKEL_HEADER ${skel} PARENT_SCOPE)
endfunction()
