"""product_sources(): every .cc and .h file of the calling package as one filegroup.

//cli:read_only_sources_test reads these to check the read-only rules over all product
code (core/, backends/..., cli/). Call it once in each such package's BUILD file.
"""

def product_sources(name = "sources"):
    native.filegroup(
        name = name,
        srcs = native.glob([
            "*.cc",
            "*.h",
        ]),
        visibility = ["//cli:__pkg__"],
    )
