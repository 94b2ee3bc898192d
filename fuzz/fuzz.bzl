"""ctdump_fuzz_target(): one libFuzzer target and the plain test that replays its inputs.

Bazel 4.2.3 offline has no rules_fuzzing, so this is the whole mechanism:

  NAME_lib          cc_library (alwayslink) with LLVMFuzzerTestOneInput() from `srcs`.
  NAME              cc_binary linked with -fsanitize=fuzzer: the libFuzzer binary. Tagged
                    "manual" so that `bazel build //...` with gcc leaves it alone; build it
                    with `bazel build --config=fuzz //fuzz:NAME` (clang-14, see .bazelrc)
                    or through tools/fuzz/run.sh.
  NAME_replay_test  cc_test that calls the same LLVMFuzzerTestOneInput() on every input in
                    `corpus` (seeds from testdata/ and every regression input) through
                    fuzz/replay_main.cc. Built by the default toolchain, so every
                    `bazel test //...` (and --config=asan / ubsan) replays every finding.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def ctdump_fuzz_target(name, srcs, deps, corpus, corpus_args):
    """corpus: data labels; corpus_args: runfiles paths (files or directories) to replay."""
    cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs + ["fuzz_check.h"],
        deps = deps,
        alwayslink = True,
    )
    cc_binary(
        name = name,
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_lib"],
    )
    cc_test(
        name = name + "_replay_test",
        size = "small",
        args = corpus_args,
        data = corpus,
        deps = [
            ":" + name + "_lib",
            ":replay_main",
        ],
    )
