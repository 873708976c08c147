#!/usr/bin/env python3
"""Print the seeded-fault catalogue from lib/src/faults.h (MS_FAULTS_LIST).

  scripts/faults-catalogue.py            name and one-line description
  scripts/faults-catalogue.py --names    names only
  scripts/faults-catalogue.py --tsv      name, description, modelled bug
"""
import os
import signal
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def catalogue():
    text = open(os.path.join(ROOT, "lib", "src", "faults.h")).read()
    text = text.replace("\\\n", "\n")
    body = text[text.index("#define MS_FAULTS_LIST(X)"):]
    body = body[:body.index("enum ms_fault_id")]
    pat = re.compile(r'X\(\s*(\w+)\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+),'
                     r'\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)')
    out = []
    for m in pat.finditer(body):
        join = lambda s: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s))
        out.append((m.group(1), join(m.group(2)), join(m.group(3))))
    return out


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cat = catalogue()
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    for name, about, models in cat:
        if mode == "--names":
            print(name)
        elif mode == "--tsv":
            print("%s\t%s\t%s" % (name, about, models))
        else:
            print("%-26s %s" % (name, about))
            print("%-26s   models: %s" % ("", models))


if __name__ == "__main__":
    main()
