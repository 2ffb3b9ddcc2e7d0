"""uclink_fuzz_test: one libFuzzer target that is also an ordinary corpus-replay test."""

def uclink_fuzz_test(name, srcs, deps, corpus, **kwargs):
    """Declares a fuzz target.

    Ordinary builds: a cc_test that replays every file under `corpus` (a directory in this package).
    --config=fuzz: the same target linked with libFuzzer; run it as
      bazel run --config=fuzz //pkg:name -- -max_total_time=60 $PWD/pkg/corpus_dir
    """
    native.cc_test(
        name = name,
        srcs = srcs,
        deps = deps + select({
            "//tools:libfuzzer": [],
            "//conditions:default": ["//tools:fuzz_replay_main"],
        }),
        linkopts = select({
            "//tools:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        data = native.glob([corpus + "/**"]),
        # Tests run from the workspace root inside the runfiles tree.
        args = [native.package_name() + "/" + corpus],
        tags = kwargs.pop("tags", []) + ["fuzz"],
        **kwargs
    )
