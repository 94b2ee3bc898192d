"""ctdump_dependencies(): every external repository ctdump's BUILD files need.

The one list of ctdump's repositories, used by our own WORKSPACE and by any workspace
that depends on ctdump (docs/library.md, "Depending on ctdump"):

    local_repository(name = "ctdump", path = "/path/to/ctdump")
    load("@ctdump//bazel:deps.bzl", "ctdump_dependencies")
    ctdump_dependencies()

and then depend on @ctdump//:ctdump. Everything is offline (Bazel 4.2.3):

  * local_config_cc, the host's C++ toolchain, is Bazel's own autoconfiguration with
    C++17 instead of Bazel 4's default -std=c++0x (ctdump's headers and Debian's Abseil
    need C++17), so the calling workspace needs no --cxxopt;

  * rules_cc and remote_coverage_tools are small stand-ins kept in this tree
    (tools/bazel/rules_cc, tools/bazel/coverage_stub), linked in by `_in_tree_repository`
    so that their paths are this repository's, not the calling workspace's;
  * rules_java is Debian's bazel-rules-java package (/usr/share/bazel/rules/java);
  * the C/C++ libraries are Debian -dev packages found with pkg-config
    (tools/bazel/system_library.bzl; tools/setup.sh installs them). Only @absl is needed
    by //:ctdump; the others are fetched only when a test or tool that links them is built.

A repository the calling workspace already defines under the same name is left alone
(it must then provide the same targets, e.g. @absl//:absl).
"""

load("@bazel_tools//tools/cpp:cc_configure.bzl", "cc_autoconf_impl")
load("//tools/bazel:system_library.bzl", "system_library")

def _cc17_toolchain_impl(ctx):
    # Bazel's own autoconfiguration of the host's C++ compiler, as cc_configure() does it,
    # with one change: C++17 instead of -std=c++0x, which Bazel 4 makes the default and
    # which ctdump's headers and Debian's Abseil do not compile with. BAZEL_CXXOPTS, when
    # set, replaces -std=c++0x in the generated file and is kept as the user gave it.
    cc_autoconf_impl(ctx)
    build = ctx.read("BUILD")
    ctx.file("BUILD", build.replace('"-std=c++0x"', '"-std=c++17"'))

# The host C++ toolchain (local_config_cc, which Bazel's crosstool default points at),
# configured for C++17. A workspace that defines local_config_cc itself keeps its own.
_cc17_toolchain = repository_rule(
    implementation = _cc17_toolchain_impl,
    environ = [
        "ABI_LIBC_VERSION",
        "ABI_VERSION",
        "BAZEL_COMPILER",
        "BAZEL_CXXOPTS",
        "BAZEL_DO_NOT_DETECT_CPP_TOOLCHAIN",
        "BAZEL_HOST_SYSTEM",
        "BAZEL_LINKLIBS",
        "BAZEL_LINKOPTS",
        "BAZEL_PYTHON",
        "BAZEL_SH",
        "BAZEL_TARGET_CPU",
        "BAZEL_TARGET_LIBC",
        "BAZEL_TARGET_SYSTEM",
        "BAZEL_USE_CPP_ONLY_TOOLCHAIN",
        "BAZEL_USE_LLVM_NATIVE_COVERAGE",
        "BAZEL_LLVM",
        "BAZEL_IGNORE_SYSTEM_HEADERS_VERSIONS",
        "CC",
        "CC_CONFIGURE_DEBUG",
        "CC_TOOLCHAIN_NAME",
        "CPLUS_INCLUDE_PATH",
        "GCOV",
        "USER",
    ],
    configure = True,
    local = True,
)

def _in_tree_repository_impl(ctx):
    # The directory of this file's package is <ctdump>/bazel, wherever ctdump lives.
    root = ctx.path(Label("//bazel:deps.bzl")).dirname.dirname
    src = ctx.path("%s/%s" % (root, ctx.attr.path))
    if not src.exists:
        fail("ctdump: %s does not exist (is the ctdump tree complete?)" % src)
    for child in src.readdir():
        ctx.symlink(child, child.basename)

# A repository made of a directory of the ctdump tree (local_repository would take a
# relative path from the calling workspace instead).
_in_tree_repository = repository_rule(
    implementation = _in_tree_repository_impl,
    attrs = {"path": attr.string(mandatory = True, doc = "directory, relative to ctdump's root")},
    local = True,
)

def _maybe(rule, name, **kwargs):
    if not native.existing_rule(name):
        rule(name = name, **kwargs)

def ctdump_dependencies():
    """Declares the repositories ctdump needs (see the file's docstring)."""

    # The host C++ compiler, in C++17 (no --cxxopt needed in the calling workspace).
    _maybe(_cc17_toolchain, "local_config_cc")

    # A tiny stand-in for rules_cc whose cc/defs.bzl re-exports the native rules.
    _maybe(_in_tree_repository, "rules_cc", path = "tools/bazel/rules_cc")

    # Debian's bazel-rules-java package.
    _maybe(native.local_repository, "rules_java", path = "/usr/share/bazel/rules/java")

    # Bazel asks for this repository for `bazel coverage`; a stub keeps it offline.
    _maybe(_in_tree_repository, "remote_coverage_tools", path = "tools/bazel/coverage_stub")

    _maybe(system_library, "libmnl", pkgconfig = ["libmnl"])
    _maybe(system_library, "libnetfilter_conntrack", pkgconfig = ["libnetfilter_conntrack"])
    _maybe(
        system_library,
        "absl",
        pkgconfig = [
            "absl_status",
            "absl_statusor",
            "absl_strings",
            "absl_str_format",
            "absl_flat_hash_map",
            "absl_flat_hash_set",
            "absl_time",
        ],
    )
    _maybe(
        system_library,
        "gtest",
        linkopts = ["-lgmock", "-lgtest", "-lpthread"],
        probe_headers = ["gtest/gtest.h", "gmock/gmock.h"],
    )
    _maybe(
        system_library,
        "gtest_main",
        linkopts = ["-lgmock_main", "-lgmock", "-lgtest", "-lpthread"],
        probe_headers = ["gtest/gtest.h"],
    )
    _maybe(
        system_library,
        "benchmark",
        linkopts = ["-lbenchmark", "-lpthread"],
        probe_headers = ["benchmark/benchmark.h"],
    )
    _maybe(
        system_library,
        "benchmark_main",
        linkopts = ["-lbenchmark_main", "-lbenchmark", "-lpthread"],
        probe_headers = ["benchmark/benchmark.h"],
    )
