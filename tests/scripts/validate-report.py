#!/usr/bin/python3
"""Validate sslstress JSON reports against doc/sslstress-report.schema.json.

  tests/scripts/validate-report.py [--schema FILE] REPORT.json...

Debian's python3-jsonschema does the validating (hence /usr/bin/python3,
not whichever python3 is first on PATH): the schema is checked against
its metaschema (draft 2020-12) first, then every report.  Prints one line
per valid report, "REPORT: valid", on stdout, and each violation as
"REPORT: PATH: message" on stderr.
Exit 0 every report valid, 1 one was not (or was not JSON), 2 usage, or
jsonschema missing (apt-get install python3-jsonschema)."""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("validate-report: python3-jsonschema is not installed "
          "(scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "doc", "sslstress-report.schema.json")


def where(err):
    """The JSON path of a violation: results[0].failures[1].seed."""
    out = ""
    for p in err.absolute_path:
        out += "[%d]" % p if isinstance(p, int) else (
            ("." if out else "") + str(p))
    return out or "(top level)"


def main(argv):
    schema_path = SCHEMA
    if len(argv) > 1 and argv[0] == "--schema":
        schema_path, argv = argv[1], argv[2:]
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(schema_path) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    if cls is not jsonschema.Draft202012Validator:
        print("validate-report: %s is not a draft 2020-12 schema"
              % schema_path, file=sys.stderr)
        return 2
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in argv:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: %s" % (path, e), file=sys.stderr)
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc),
                        key=lambda e: list(map(str, e.absolute_path)))
        for e in errors:
            print("%s: %s: %s" % (path, where(e), e.message),
                  file=sys.stderr)
        if errors:
            bad += 1
        else:
            print("%s: valid" % path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
