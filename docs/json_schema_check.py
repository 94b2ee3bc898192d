#!/usr/bin/python3
"""Validates ctdump's -o json output against docs/json-schema.json.

Usage:
  ctdump -L -o json | docs/json_schema_check.py
  docs/json_schema_check.py [--schema PATH] [--kind KIND] [--quiet] [FILE...]

Reads one JSON object per line (NDJSON, as every ctdump -o json command writes it) from
each FILE, or from stdin without one, and validates each object with the draft 2020-12
validator of python3-jsonschema, format checking on (ipv4, ipv6).

--kind picks the schema an object must match:
  auto (default)  the kind its keys name ("event" -> event, "v" -> flow, "cpus" -> stats,
                  "findings" -> doctor, "success" -> summary, "count" -> count,
                  "success": false with "error" -> error); the object
                  must match both that kind and the top-level schema (exactly one kind)
  any             the top-level schema only (its oneOf)
  flow, event, summary, count, stats, doctor, error
                  that $defs entry only

Also rejected, because ctdump never writes them: blank lines, a line that is not one JSON
object, a key twice in one object, NaN/Infinity.

Prints one line per invalid object ("FILE:LINE: [KIND] at PATH: MESSAGE") on stderr and,
unless --quiet, a summary on stdout ("N valid objects (flow=N, ...)"). Exit status: 0 when
every object is valid and there was at least one, 1 otherwise, 2 usage error.
"""

import argparse
import collections
import json
import os
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:  # pragma: no cover
    sys.stderr.write("json_schema_check: python3-jsonschema is not installed "
                     "(apt-get install python3-jsonschema; tools/setup.sh installs it)\n")
    sys.exit(2)

KINDS = ("flow", "event", "summary", "count", "stats", "doctor", "error")


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey("duplicate key %s" % json.dumps(key))
        seen[key] = value
    return seen


def _no_constant(name):
    raise ValueError("%s is not JSON" % name)


def guess_kind(obj):
    if "v" in obj:
        return "event" if "event" in obj else "flow"
    if obj.get("success") is False and "error" in obj:
        return "error"
    for key, kind in (("cpus", "stats"), ("findings", "doctor"), ("success", "summary"),
                      ("count", "count")):
        if key in obj:
            return kind
    return None


def _where(error):
    path = "".join("[%d]" % p if isinstance(p, int) else "." + p for p in error.absolute_path)
    return path or "(top)"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--schema", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "json-schema.json"))
    ap.add_argument("--kind", default="auto", choices=("auto", "any") + KINDS)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)

    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    checker = FormatChecker()
    top = Draft202012Validator(schema, format_checker=checker)
    by_kind = {
        k: Draft202012Validator({"$ref": "#/$defs/" + k, "$defs": schema["$defs"]},
                                format_checker=checker)
        for k in KINDS
    }

    counts = collections.Counter()
    bad = 0
    sources = args.files or ["-"]
    for name in sources:
        stream = sys.stdin if name == "-" else open(name, encoding="utf-8")
        with stream:
            for lineno, line in enumerate(stream, 1):
                where = "%s:%d" % ("<stdin>" if name == "-" else name, lineno)
                text = line.rstrip("\n")
                try:
                    obj = json.loads(text, object_pairs_hook=_no_duplicates,
                                     parse_constant=_no_constant)
                except ValueError as e:
                    sys.stderr.write("%s: not one JSON object: %s\n" % (where, e))
                    bad += 1
                    continue
                if not isinstance(obj, dict):
                    sys.stderr.write("%s: not a JSON object\n" % where)
                    bad += 1
                    continue
                kind = guess_kind(obj) if args.kind == "auto" else args.kind
                errors = []
                if kind in by_kind:
                    errors += [(kind, e) for e in by_kind[kind].iter_errors(obj)]
                if args.kind in ("auto", "any") and not errors:
                    best = jsonschema.exceptions.best_match(top.iter_errors(obj))
                    if best is not None:
                        errors.append(("top level", best))
                if errors:
                    bad += 1
                    # "Unevaluated properties" follows from any error inside the flow's
                    # allOf (annotations of a failed subschema are dropped): show it only
                    # when it is the only error. Then the most relevant error first
                    # (jsonschema's ranking), at most three.
                    real = [ke for ke in errors if ke[1].validator != "unevaluatedProperties"]
                    errors = real or errors
                    best = jsonschema.exceptions.best_match(e for _, e in errors)
                    errors.sort(key=lambda ke: ke[1] is not best)
                    for k, e in errors[:3]:
                        message = e.message
                        if e.validator in ("anyOf", "oneOf") and isinstance(e.instance, dict):
                            message = "matches none of %s" % json.dumps(e.schema[e.validator])
                        if len(message) > 300:
                            message = message[:300] + "..."
                        sys.stderr.write("%s: [%s] at %s: %s\n" % (where, k, _where(e), message))
                else:
                    counts[kind if kind else "any"] += 1
    total = sum(counts.values())
    if not args.quiet:
        detail = ", ".join("%s=%d" % kv for kv in sorted(counts.items()))
        print("%d valid objects (%s), %d invalid" % (total, detail or "none", bad))
    if bad or total == 0:
        if total == 0 and not bad:
            sys.stderr.write("json_schema_check: no objects to check\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
