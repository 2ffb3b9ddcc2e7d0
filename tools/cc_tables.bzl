"""Rules of one shape, written once: cc_gtests (the test tiers) and cc_benches (bench/).

Most tests of the tree are a single NAME.cc linked with GoogleTest's main and a few libraries, and
every benchmark is a single NAME.cc binary; what differs between them is which libraries, and
sometimes the size, tags or data a whole group shares. A BUILD file therefore lists them as a
table, name to deps, and states the shared attributes once per table (docs/CONVENTIONS.md, "Build
files").
"""

_GTEST_MAIN = "@googletest//:gtest_main"

def _with_gtest_main(deps):
    # Keeps the written (buildifier) order and puts gtest_main where buildifier would, among the
    # external labels: the same order means the same compile and link commands, so a disk cache
    # filled before this macro existed still serves.
    for i, dep in enumerate(deps):
        if dep.startswith("@") and dep > _GTEST_MAIN:
            return deps[:i] + [_GTEST_MAIN] + deps[i:]
    return deps + [_GTEST_MAIN]

def _as_written(deps):
    return deps

def _one_per_entry(rule, table, deps_of, **kwargs):
    # The one loop behind the tables: a RULE named after each entry, from NAME.cc.
    for name, deps in table.items():
        rule(name = name, srcs = [name + ".cc"], deps = deps_of(deps), **kwargs)

def cc_gtests(tests, **kwargs):
    """One cc_test per entry of TESTS (name -> deps), built from NAME.cc with gtest_main.

    Args:
      tests: dict from test name to the list of libraries it links, without gtest_main.
      **kwargs: attributes every test of the table shares (size, tags, data, env, ...).
    """
    _one_per_entry(native.cc_test, tests, _with_gtest_main, **kwargs)

def cc_benches(benches, **kwargs):
    """One cc_binary per entry of BENCHES (name -> deps, Google Benchmark's included), from NAME.cc.

    Args:
      benches: dict from benchmark name to the list of libraries it links.
      **kwargs: attributes every binary of the table shares (testonly, ...).
    """
    _one_per_entry(native.cc_binary, benches, _as_written, **kwargs)

def cc_test_helpers(helpers, **kwargs):
    """One testonly cc_library per entry of HELPERS (name -> deps): NAME.h, and NAME.cc if any.

    Args:
      helpers: dict from helper name to the list of libraries it uses.
      **kwargs: attributes every helper of the table shares (visibility, linkopts, data, ...).
    """
    for name, deps in helpers.items():
        native.cc_library(
            name = name,
            testonly = True,
            srcs = native.glob([name + ".cc"]),
            hdrs = [name + ".h"],
            deps = deps,
            **kwargs
        )
