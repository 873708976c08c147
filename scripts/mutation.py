#!/usr/bin/env python3
"""Mutation analysis: does the scenario suite catch bugs nobody seeded?

Contract
  Generates mutants of minissl (lib/src/*.c and the headers with code in
  them), each ONE textual change at one place, with a stable id
  FILE:LINE:OPERATOR:N and a description, then judges each against the
  scenario suite, treating `sslstress` as a black box (its command line and
  its exit status: 0 all passed, anything else a failure found).  The
  tiers stop at the first that kills:

    1. native: `sslstress run -q --seed S --max-failures 1 SCENARIOS` with
       each file's own iterations; a non-zero exit, a crash or no verdict
       within --timeout kills the mutant;
    2. survivors: the TSan build, the same scenarios with
       --tsan-iterations, in the environment of
       `scripts/detector-env.sh first` (the first report ends the run);
    3. survivors: the sched build, `--schedule dfs:preemptions=2` on those
       of the scenarios that have 2 or 3 threads, bounded by
       --sched-schedules and --sched-seconds per scenario.
  A dropped lock or a weakened order (RACE_OPS) must be found by TSan or
  a controlled schedule: for those, tiers 2 and 3 run after a native kill
  too, until one kills ("race" in the record).

  The suite is scenarios/*.scn and scenarios/generated/*.scn (where it
  exists).

  SCENARIOS are those whose gcov coverage of the unmutated tree (one
  scenario at a time, same seed and budget; cached per scenario under
  WORKDIR/reach/ by a hash of lib/, stress/ and the scenario file)
  executes a line of the mutant: a scenario that never executes it runs
  the code it runs unmutated, where the suite passes.  A mutant that no
  scenario executes survives unrun ("not reached"); one whose lines gcov
  does not count runs every scenario; --whole-suite runs every scenario
  for every mutant (those that execute the line first).

  A mutant that does not compile is "unbuildable" and counted apart.  A
  scenario that kills a mutant is checked to pass on the unmutated tree
  (once per run and tier), else the kill does not count.

Operators (--operators; `--list` prints every mutant without running):
  order          a memory order weakened one step (seq_cst->acq_rel,
                 acq_rel->release and ->acquire, release/acquire->relaxed,
                 fences included; an implicit seq_cst atomic gets one),
                 where it is written and, for a function that performs it
                 (ms_ref_down), at each of its call sites alone: the call
                 goes to a weakened copy, NAME__ORDER, defined before the
                 calling function
  drop-upref     an up_ref (X509_up_ref, SSL_SESSION_up_ref, ms_ref_up...)
                 removed
  drop-free      a free/release (SSL_free, ms_free, sk_*_pop_free,
                 ..._cleanup, ms_ref_down...) removed, outside error paths
  drop-err-free  the same on an error path (after an err/fail label, or in
                 an if-block that ends in a failure return or a goto)
  drop-lock      a lock acquire removed (ms_ssl_lock, MS_LOCK, BIO_LOCK,
                 PAIR_LOCK, CACHE_LOCK)
  drop-unlock    a lock release removed
  drop-lock-pair a lock and every unlock of the same mutex after it in its
                 function (up to its next lock) removed: the critical
                 section runs unprotected
  skip-copy      in a copy function (SSL_dup's dup_locked and
                 ms_ssl_new_from, ms_cfg_copy and its helpers,
                 SSL_SESSION_dup, new_session, X509_VERIFY_PARAM_set1,
                 SSL_copy_session_id, ms_ex_dup...): one field copy removed
                 (an assignment, a memcpy, a copy loop, a guarded copy
                 block, a copy helper call treated as done, one field of a
                 struct assignment put back to zero: STRUCT_COPIES)
  share          in a copy function: a deep copy replaced by the source's
                 own pointer (the shape of CVE-2015-3196)
  ref-cmp        a comparison of a reference count shifted by one
  cow            a copy-on-write turned into an in-place update of a
                 shared object (hand-located rules, COW_RULES below)

  Not mutated: MS_FAULT(...) conditions; code that runs only in fault
  or sched builds (the bodies MS_FAULT conditions guard, ms_fault_*
  helpers, fault.c, faults.h, sched.c, sched_hook.h, #ifdef MINISSL_SCHED
  / MINISSL_FAULTS blocks); yield-point and Valgrind annotations
  (MS_SCHED_*, MS_HAPPENS_*, CACHE_YIELD/NOTE); preprocessor lines (macro
  bodies); comments; pthread_mutex_destroy.

Work: one persistent copy of the tree per worker under --workdir (default
build/mutation/wN), seeded from the worktree's build/ so that unchanged
objects are reused; a mutant is applied in place, `make` rebuilds only the
objects that depend on the file (-MMD), and afterwards the file, those
objects, their .d files, libminissl.a and the binary are restored
byte-for-byte with their old times, so the copy is exactly the unmutated
build again (the file is read back after each mutant, and `make -q` checks
every build at the end).

Output: --json (default build/mutation/results.json, rewritten after every
mutant; --resume reuses its verdicts for mutants whose id and change are
the same, when the tree and the settings are too) and --report (markdown;
`make mutation` writes doc/mutation.md).  Survivors are matched with
scripts/mutation-equivalent.txt (lines `ID<TAB>equivalent: ARGUMENT` or
`ID<TAB>killed by: SCENARIO`), which the report merges in.

--expect FILE (make mutation-sample, in make check): the sample is drawn
from the mutants that FILE (doc/mutation-results.json) records as killed,
matched by a key that survives lines moving (file, function, operator, the
line before and after), and each must be killed again in its recorded tier
(and race tier): first by the scenario that killed it then, else by the
whole suite in that tier.  No coverage is needed.

Exit status: 0 the run completed (whatever the score), 1 the unmutated
tree fails the suite, a build of it fails, a copy was not restored, a
hand-located rule no longer matches the sources, or (--expect) a sampled
mutant was not killed again; 2 usage error.
"""
import argparse
import bisect
import concurrent.futures
import datetime
import hashlib
import json
import os
import platform
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = "lib/src"
OPERATORS = ["order", "drop-upref", "drop-free", "drop-err-free",
             "drop-lock", "drop-unlock", "drop-lock-pair", "skip-copy",
             "share", "ref-cmp", "cow"]
# Operators whose mutants must be killed by TSan or a controlled schedule
# (the detector tiers run for them even after a native kill).
RACE_OPS = {"order", "drop-lock", "drop-lock-pair"}
# Files that exist only for fault/sched builds or hold only annotations.
SKIP_FILES = {"fault.c", "faults.h", "sched.c", "sched_hook.h",
              "annotate.h"}
FAULT_MACROS = {"MINISSL_SCHED", "MINISSL_FAULTS"}
ANNOT_RE = re.compile(r"^(MS_SCHED_\w+|MS_HAPPENS_\w+|CACHE_YIELD|"
                      r"CACHE_NOTE|ANNOTATE_\w+|VALGRIND_\w+)$")
UPREF_RE = re.compile(r"(_up_ref|^ms_ref_up)$")
FREE_RE = re.compile(r"(^free$|^free_|_free$|_free_all$|_pop_free$|"
                     r"_cleanup$|_destroy$|_retire$|^clear_|^ms_ref_down$)")
NOT_FREE = re.compile(r"^pthread_")
LOCK_RE = re.compile(r"(^|_)(lock|LOCK|rdlock|wrlock)$")
UNLOCK_RE = re.compile(r"(^|_)(unlock|UNLOCK)$")
NOT_LOCK = re.compile(r"trylock|_init$|_destroy$")

# Copy functions (skip-copy, share): file -> functions.  SSL_dup's copy is
# dup_locked + ms_ssl_new_from + ms_cfg_copy (+ its helpers) + ms_ex_dup;
# the verify parameters X509_VERIFY_PARAM_set1 (+ add_host); the session
# SSL_SESSION_dup, and new_session, which copies the connection's fields
# into the session a handshake makes.
COPY_FUNCS = {
    "dup.c": {"dup_locked"},
    "ssl.c": {"ms_ssl_new_from"},
    "cfg.c": {"ms_cfg_copy", "ms_chain_dup", "ms_names_dup"},
    "param.c": {"X509_VERIFY_PARAM_set1", "add_host"},
    "session.c": {"SSL_SESSION_dup"},
    "exdata.c": {"ms_ex_dup"},
    "name.c": {"X509_NAME_dup"},
    "stack.c": {"OPENSSL_sk_dup", "OPENSSL_sk_deep_copy"},
    "statem.c": {"new_session"},
}
# Calls that copy as a whole statement (skip-copy removes the statement).
COPY_CALLS = {"memcpy", "memmove", "strcpy", "strncpy", "forget_owned"}
# Calls in a condition that copy (skip-copy treats them as done: 1).
COPY_COND_CALL_RE = re.compile(r"(_dup|_set1|_copy)$")
# Helpers whose presence in a loop body makes the loop a copy loop.
COPY_LOOP_CALLS = {"add_host", "add_entry", "memcpy", "X509_up_ref"}
# share: a deep copy -> the source pointer, with the cast its type needs.
SHARE_CALLS = {
    "ms_strdup": "(char *)", "ms_memdup": "(void *)",
    "copy_bytes": "(void *)", "ms_names_dup": "(STACK_OF(X509_NAME) *)",
    "ms_chain_dup": "(STACK_OF(X509) *)", "X509_NAME_dup": "(X509_NAME *)",
}
# Hand-located rules: (operator, file, function, exact text, replacement,
# description).  A rule whose text is not found once in its function is
# reported ("stale rule") rather than silently lost.
COW_RULES = [
    ("cow", "statem.c", "new_session",
     "SSL_SESSION *ss = SSL_SESSION_new();",
     "SSL_SESSION *ss = s->session != NULL && SSL_SESSION_up_ref(s->session)"
     " ? s->session : SSL_SESSION_new();",
     "new_session fills in the SSL's current session (which the SSL_CTX's "
     "cache, a dup or another connection may share) instead of a new one"),
    ("cow", "statem.c", "server_step",
     "if (n > 0 && s->conn.new_sess != NULL && !s->conn.hit) {",
     "if (n > 0 && s->conn.new_sess != NULL) {",
     "a resumed server handshake stores the client's certificate into the "
     "cached, shared session"),
    ("cow", "session.c", "SSL_SESSION_set_timeout",
     "if (ms_ref_load(&s->hdr.refs, \"SSL_SESSION\", s->hdr.id) > 1) {",
     "if (0 && ms_ref_load(&s->hdr.refs, \"SSL_SESSION\", s->hdr.id) > 1) {",
     "SSL_SESSION_set_timeout writes into a shared session instead of "
     "refusing"),
    ("cow", "statem.c", "SSL_clear",
     "SSL_CTX_remove_session(s->ctx, s->session);",
     "s->session->not_resumable = 1;",
     "SSL_clear marks the shared session not resumable in place instead of "
     "taking it out of the cache (openssl/openssl#20223's shape)"),
    ("skip-copy", "ssl.c", "SSL_copy_session_id",
     "ok = SSL_set_session(to, sess)",
     "ok = 1",
     "SSL_copy_session_id does not copy the session (taken as done: 1)"),
    ("skip-copy", "ssl.c", "SSL_copy_session_id",
     "&& SSL_set_session_id_context(to, from->cfg.sid_ctx,\n"
     "                                       (unsigned int)from->cfg.sid_ctx_len);",
     ";",
     "SSL_copy_session_id does not copy the session id context"),
    ("share", "cfg.c", "ms_cfg_copy",
     "(dst->param = X509_VERIFY_PARAM_new()) == NULL",
     "(dst->param = (X509_VERIFY_PARAM *)src->param) == NULL",
     "the copy shares the original's X509_VERIFY_PARAM"),
]

# Struct assignments that copy many fields at once: (file, function, the
# statement, the copy's access path, struct type, helper that sets owned
# fields again).  skip-copy makes one mutant per field, which puts the
# field back to zero right after the assignment (what a fresh, zeroed
# object holds), as if the copy had left it out.  Fields that the
# function or the helper sets again afterwards are copied by their own
# statements, which have their own mutants.
STRUCT_COPIES = [
    ("cfg.c", "ms_cfg_copy", "*dst = *src;", "dst->", "ms_cfg",
     "forget_owned"),
    ("cfg.c", "ms_cfg_copy", "dst->dane.tlsa[i] = *t;", "dst->dane.tlsa[i].",
     "ms_tlsa", None),
]
STRUCT_HEADERS = ["lib/src/internal.h", "lib/src/conn.h"]

WEAKER = {
    "memory_order_seq_cst": ["memory_order_acq_rel"],
    "memory_order_acq_rel": ["memory_order_release", "memory_order_acquire"],
    "memory_order_release": ["memory_order_relaxed"],
    "memory_order_acquire": ["memory_order_relaxed"],
    "memory_order_consume": ["memory_order_relaxed"],
}
# Implicit seq_cst operations -> (explicit name, the order one step weaker
# that the operation accepts).
IMPLICIT_ATOMICS = {
    "atomic_load": "memory_order_acquire",
    "atomic_store": "memory_order_release",
    "atomic_exchange": "memory_order_acq_rel",
    "atomic_fetch_add": "memory_order_acq_rel",
    "atomic_fetch_sub": "memory_order_acq_rel",
    "atomic_fetch_or": "memory_order_acq_rel",
    "atomic_fetch_and": "memory_order_acq_rel",
    "atomic_fetch_xor": "memory_order_acq_rel",
    "atomic_compare_exchange_strong": "memory_order_acq_rel",
    "atomic_compare_exchange_weak": "memory_order_acq_rel",
}
REF_CALL_RE = re.compile(r"^(ms_ref_down|ms_ref_load|ms_ref_get|ms_ref_up|"
                         r"\w+_up_ref)$")
CMP_OPS = {"==", "!=", "<", "<=", ">", ">="}
TYPE_WORDS = {"static", "const", "struct", "enum", "union", "unsigned",
              "signed", "int", "long", "short", "char", "void", "float",
              "double", "_Bool", "bool", "volatile", "register", "_Atomic",
              "size_t", "ssize_t", "time_t", "uint8_t", "uint16_t",
              "uint32_t", "uint64_t", "int64_t", "int32_t", "uintptr_t",
              "STACK_OF", "atomic_int", "atomic_uint", "atomic_ulong",
              "atomic_long"}
CONTROL = {"if", "else", "for", "while", "do", "switch", "return", "goto",
           "break", "continue", "case", "default", "sizeof"}

# --------------------------------------------------------------------------
# A small C lexer: tokens with their offsets; comments dropped,
# preprocessor lines kept apart.

TOKEN_RE = re.compile(r"""
  (?P<ws>[ \t\r\f\v\n]+)
| (?P<comment>/\*.*?\*/|//[^\n]*)
| (?P<str>"(?:\\.|[^"\\\n])*")
| (?P<chr>'(?:\\.|[^'\\\n])*')
| (?P<num>\.?[0-9](?:[eEpP][+-]|[\w.])*)
| (?P<id>[A-Za-z_]\w*)
| (?P<punct>\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||
    [-+*/%&^|]=|\#\#|[^\s])
""", re.S | re.X)


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = (
            kind, text, start, end, line)

    def __repr__(self):
        return "%s@%d" % (self.text, self.line)


def lex(text):
    """(tokens, preprocessor directives as (line, end line, text))."""
    nl = [i for i, c in enumerate(text) if c == "\n"]

    def line_of(off):
        return bisect.bisect_right(nl, off - 1) + 1

    toks, pp = [], []
    i, n, bol = 0, len(text), True
    while i < n:
        if bol:
            j = i
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] == "#":
                k = j
                while k < n:
                    if text.startswith("/*", k):
                        e = text.find("*/", k + 2)
                        k = n if e < 0 else e + 2
                    elif text[k] == "\\" and text.startswith("\n", k + 1):
                        k += 2
                    elif text[k] == "\n":
                        break
                    else:
                        k += 1
                pp.append((line_of(j), line_of(k), text[j:k]))
                i = k
                continue
        m = TOKEN_RE.match(text, i)
        if m is None:
            raise ValueError("cannot lex at offset %d" % i)
        kind = m.lastgroup
        if kind == "ws":
            bol = bol or "\n" in m.group()
        elif kind == "comment":
            bol = False
        else:
            toks.append(Tok(kind, m.group(), m.start(), m.end(),
                            line_of(m.start())))
            bol = False
        i = m.end()
    return toks, pp


def inactive_lines(pp, nlines):
    """Lines that only fault/sched builds compile (#ifdef MINISSL_SCHED ...
    #else ...): a set.  Unknown conditions count as compiled (both
    branches)."""
    out = set()
    stack = []          # per #if: (active in native or None for unknown)
    start = {}
    for line, _end, text in pp:
        d = re.match(r"#\s*(\w+)\s*(.*)", text, re.S)
        if d is None:
            continue
        word, rest = d.group(1), d.group(2)
        names = set(re.findall(r"\w+", rest))
        if word in ("if", "ifdef", "ifndef"):
            state = None
            if names & FAULT_MACROS:
                if word == "ifdef" or (word == "if" and "defined" in names
                                       and "!" not in rest):
                    state = False
                elif word == "ifndef" or "!" in rest:
                    state = True
            stack.append(state)
            start[len(stack)] = line
        elif word in ("else", "elif") and stack:
            if stack[-1] is False:
                out.update(range(start[len(stack)], line + 1))
            if stack[-1] is not None:
                stack[-1] = not stack[-1]
            start[len(stack)] = line
        elif word == "endif" and stack:
            if stack[-1] is False:
                out.update(range(start[len(stack)], line + 1))
            stack.pop()
    return out


class Src:
    """One source file: tokens, bracket matches, functions, statements."""

    def __init__(self, rel, text):
        self.rel, self.name, self.text = rel, os.path.basename(rel), text
        self.toks, self.pp = lex(text)
        self.lines = text.split("\n")
        self.inactive = inactive_lines(self.pp, len(self.lines))
        self.match = {}
        st = []
        for i, t in enumerate(self.toks):
            if t.text in "([{" and t.kind == "punct":
                st.append(i)
            elif t.text in ")]}" and t.kind == "punct":
                j = st.pop()
                self.match[i], self.match[j] = j, i
        self.funcs = []             # (name, params, open, close)
        depth = 0
        for i, t in enumerate(self.toks):
            if t.text == "{":
                if depth == 0 and i > 0 and self.toks[i - 1].text == ")":
                    o = self.match[i - 1]
                    if o > 0 and self.toks[o - 1].kind == "id":
                        params = self.param_names(o, i - 1)
                        self.funcs.append((self.toks[o - 1].text, params, i,
                                           self.match[i]))
                depth += 1
            elif t.text == "}":
                depth -= 1
        self.func_at = [None] * len(self.toks)
        for f in self.funcs:
            for k in range(f[2], f[3] + 1):
                self.func_at[k] = f
        self.skip = [False] * len(self.toks)
        self.stmts = []             # (start, end, kind, info)
        for f in self.funcs:
            self.walk(f[2] + 1, f[3], [("func", f)])
        self.mark_skips()

    def param_names(self, o, c):
        names, last = set(), None
        for k in range(o + 1, c + 1):
            t = self.toks[k]
            if t.text in (",", ")") and last is not None:
                names.add(last)
                last = None
            elif t.kind == "id" and t.text not in TYPE_WORDS:
                last = t.text
            elif t.text == "(":
                last = None     # a function-pointer parameter: ignored
        return names

    def t(self, i):
        return self.toks[i].text if 0 <= i < len(self.toks) else ""

    def stmt_end(self, i):
        t = self.t(i)
        if t == "{":
            return self.match[i]
        if t == "if":
            k = self.stmt_end(self.match[i + 1] + 1)
            if self.t(k + 1) == "else":
                k = self.stmt_end(k + 2)
            return k
        if t in ("for", "while", "switch"):
            return self.stmt_end(self.match[i + 1] + 1)
        if t == "do":
            k = self.stmt_end(i + 1)
            return self.match[k + 2] + 1
        if t in ("case", "default"):
            k = i
            while self.t(k) != ":":
                k += 1
            return k
        if self.toks[i].kind == "id" and self.t(i + 1) == ":":
            return i + 1
        k = i
        while self.t(k) != ";":
            if self.t(k) in ("(", "[", "{"):
                k = self.match[k]
            k += 1
        return k

    def stmt_kind(self, i, j):
        t = self.t(i)
        if t == "{":
            return "block"
        if t in CONTROL:
            return t
        if self.toks[i].kind == "id" and self.t(i + 1) == ":":
            return "label"
        if t in TYPE_WORDS:
            return "decl"
        if self.toks[i].kind == "id":
            k = i + 1
            if self.t(k) == "(" and t == "STACK_OF":
                k = self.match[k] + 1
            while self.t(k) == "*":
                k += 1
            if (self.toks[k].kind == "id" if k < len(self.toks) else False) \
                    and self.t(k + 1) in ("=", ";", ",", "["):
                return "decl"
        return "expr"

    def walk(self, lo, hi, ctx):
        i = lo
        while i < hi:
            j = self.stmt_end(i)
            kind = self.stmt_kind(i, j)
            self.stmts.append((i, j, kind, ctx))
            t = self.t(i)
            if t == "{":
                self.walk(i + 1, j, ctx + [("block", i, j)])
            elif t == "if":
                c = self.match[i + 1]
                k = self.stmt_end(c + 1)
                self.walk(c + 1, k + 1, ctx + [("if", i, c)])
                if self.t(k + 1) == "else":
                    self.walk(k + 2, j + 1, ctx + [("else", i, c)])
            elif t in ("for", "while", "switch"):
                c = self.match[i + 1]
                self.walk(c + 1, j + 1, ctx + [(t, i, c)])
            elif t == "do":
                k = self.stmt_end(i + 1)
                self.walk(i + 1, k + 1, ctx + [("do", i, k)])
            i = j + 1

    def mark_skips(self):
        n = len(self.toks)
        for i, tk in enumerate(self.toks):
            if tk.line in self.inactive or self.func_at[i] is None:
                self.skip[i] = True
            elif self.func_at[i][0].startswith("ms_fault_"):
                self.skip[i] = True
        for i, tk in enumerate(self.toks):
            if ANNOT_RE.match(tk.text) and self.t(i + 1) == "(":
                for k in range(i, self.match[i + 1] + 1):
                    self.skip[k] = True
        # if (MS_FAULT(...)) BODY: the condition is fault-only; so is the
        # body unless every MS_FAULT in the condition is negated.
        for (i, j, kind, _ctx) in self.stmts:
            if kind != "if":
                continue
            c = self.match[i + 1]
            cond = range(i + 2, c)
            hits = [k for k in cond if self.t(k) == "MS_FAULT"]
            if not hits:
                continue
            for k in range(i, c + 1):
                self.skip[k] = True
            if not all(self.t(k - 1) == "!" for k in hits):
                for k in range(c + 1, min(j + 1, n)):
                    self.skip[k] = True

    def line_text(self, line):
        return self.lines[line - 1]


class Mutant:
    __slots__ = ("file", "line", "op", "n", "start", "end", "repl", "desc",
                 "func", "last_line", "more", "skey")

    def __init__(self, src, op, start, end, repl, desc, func, pre=None,
                 more=()):
        self.file, self.op = src.rel, op
        self.start, self.end, self.repl = start, end, repl
        self.desc = re.sub(r"\s+", " ", desc)
        self.func = func
        self.line = src.text.count("\n", 0, start) + 1
        self.last_line = src.text.count("\n", 0, end) + 1
        self.n = 0
        # Further edits of the same mutant, (start, end, text): a
        # definition the change needs, inserted at a top-level offset
        # before it (|pre|: offset, text; a weakened copy of a wrapper), or
        # the unlocks that go with a dropped lock.
        self.more = list(more)
        if pre is not None:
            self.more.append((pre[0], pre[0], pre[1]))
        self.skey = None        # set by generate(): see stable()

    @property
    def id(self):
        return "%s:%d:%s:%d" % (os.path.basename(self.file), self.line,
                                self.op, self.n)

    def apply(self, text):
        out = text
        for a, b, t in sorted([(self.start, self.end, self.repl)]
                              + self.more, reverse=True):
            out = out[:a] + t + out[b:]
        return out

    def extra(self, text):
        """The further edits as text (for the keys): what each replaces and
        with what."""
        return "".join("\0%s\0%s" % (text[a:b], t) for a, b, t in self.more)

    def diff(self, text):
        """(old lines, new lines) of the change, whole lines."""
        a = text.rfind("\n", 0, self.start) + 1
        b = text.find("\n", self.end)
        b = len(text) if b < 0 else b
        old = text[a:b]
        new = text[a:self.start] + self.repl + text[self.end:b]
        return old, new

    def key(self, text):
        old, new = self.diff(text)
        pre = self.extra(text)
        return hashlib.sha256((self.id + "\0" + old + "\0" + new + pre)
                              .encode()).hexdigest()[:16]

    def stable(self, text):
        """A key that survives edits elsewhere in the file (lines moving):
        file, function, operator, the changed line before and after, and
        the mutant's rank among those alike (doc/mutation-results.json's
        expected outcomes are matched by it)."""
        old, new = self.diff(text)
        pre = self.extra(text)
        return "%s\0%s\0%s\0%s\0%s\0%s" % (
            os.path.basename(self.file), self.func, self.op,
            " ".join(old.split()), " ".join(new.split()), pre)


# --------------------------------------------------------------------------
# Operators

def span_text(src, i, j):
    return src.text[src.toks[i].start:src.toks[j].end]


def call_args(src, i):
    """Argument source texts of the call whose name is token i."""
    o, c = i + 1, src.match[i + 1]
    args, k, a = [], o + 1, o + 1
    while k < c:
        if src.t(k) in ("(", "[", "{"):
            k = src.match[k]
        elif src.t(k) == ",":
            args.append(span_text(src, a, k - 1))
            a = k + 1
        k += 1
    if a < c:
        args.append(span_text(src, a, c - 1))
    return args


def voided(args, value=None):
    """An expression that evaluates the arguments and nothing else."""
    parts = ["(void)(%s)" % a for a in args]
    if value is not None:
        parts.append(value)
    if not parts:
        return "(void)0"
    if len(parts) == 1:
        return parts[0]
    return "(" + ", ".join(parts) + ")"


def expr_stmt_at(src):
    """token index -> (start, end) of the expression statements that the
    token begins, with a leading (void) cast allowed."""
    out = {}
    for (i, j, kind, ctx) in src.stmts:
        if kind != "expr":
            continue
        k = i
        if src.t(k) == "(" and src.t(k + 1) == "void" and src.t(k + 2) == ")":
            k += 3
        out[k] = (i, j, ctx)
    return out


def on_error_path(src, i, ctx):
    """A statement in an if-block that ends in a failure return or a goto,
    or after an err/fail label of its function."""
    fn = src.func_at[i]
    for (s, _j, kind, sctx) in src.stmts:
        if kind == "label" and src.func_at[s] is fn and s < i \
                and re.match(r"(err|fail)", src.t(s)):
            return True
    for c in reversed(ctx):
        if c[0] != "block":
            continue
        lo, hi = c[1], c[2]
        parent = ctx[ctx.index(c) - 1]
        if parent[0] not in ("if", "else"):
            break
        inner = [s for s in src.stmts if s[0] > lo and s[1] < hi
                 and s[3] is not None and len(s[3]) == len(ctx[:ctx.index(c) + 1])]
        last = inner[-1] if inner else None
        if last is None:
            break
        if last[2] == "goto":
            return True
        if last[2] == "return":
            val = [src.t(k) for k in range(last[0] + 1, last[1])]
            if not val or val in (["NULL"], ["0"], ["-", "1"]) \
                    or (val and val[0] == "fatal"):
                return True
        break
    return False


def locals_of(src, fn):
    """(pointer locals, other locals) declared in function fn."""
    ptrs, plain = set(), set()
    for (i, j, kind, _ctx) in src.stmts:
        if kind != "decl" or src.func_at[i] is not fn:
            continue
        k, star = i, False
        while k < j:
            t = src.t(k)
            if t in ("(", "[", "{") and k in src.match:
                if t == "(" and src.t(k - 1) == "STACK_OF":
                    k = src.match[k] + 1
                    continue
                k = src.match[k] + 1
                continue
            if t == "*":
                star = True
            elif src.toks[k].kind == "id" and t not in TYPE_WORDS \
                    and src.t(k + 1) in ("=", ";", ",", "["):
                (ptrs if star else plain).add(t)
                if src.t(k + 1) == "=":
                    # skip the initializer
                    while k < j and src.t(k) not in (",",):
                        if src.t(k) in ("(", "[", "{"):
                            k = src.match[k]
                        k += 1
                star = False
            elif t == ",":
                star = False
            k += 1
    return ptrs, plain


def lhs_is_field(src, a, eq, fn):
    """Tokens a..eq-1 are an assignment's left side writing into an object
    the function copies to (a field, an element or *p of a parameter or a
    pointer local)."""
    toks = [src.t(k) for k in range(a, eq)]
    if not toks:
        return False
    if not any(t in ("->", ".", "[") for t in toks) and toks[0] != "*":
        return False
    root = next((src.t(k) for k in range(a, eq)
                 if src.toks[k].kind == "id"), None)
    ptrs, _plain = locals_of(src, fn)
    return root in fn[1] or root in ptrs


def top_level_assign(src, i, j):
    """Index of the top-level `=`-like operator in tokens i..j, or None."""
    k = i
    while k <= j:
        t = src.t(k)
        if t in ("(", "[", "{"):
            k = src.match[k]
        elif t == "=" or (len(t) == 2 and t[1] == "=" and t[0] in "+-*/%&^|"):
            return k
        k += 1
    return None


def is_field_assign(src, st, fn):
    """Statement st (start, end, kind, ctx) assigns into a copy's field."""
    if st[2] != "expr":
        return False
    eq = top_level_assign(src, st[0], st[1])
    return eq is not None and lhs_is_field(src, st[0], eq, fn)


def gen_file(src):
    """Every mutant of one file, ids numbered per (line, operator)."""
    out = []
    ex = expr_stmt_at(src)
    copy_fns = COPY_FUNCS.get(src.name, set())

    def add(op, a, b, repl, desc, i):
        fn = src.func_at[i]
        out.append(Mutant(src, op, a, b, repl, desc, fn[0] if fn else ""))

    toks = src.toks
    for i, tk in enumerate(toks):
        if src.skip[i]:
            continue
        # order: explicit orders and implicit seq_cst operations.
        if tk.text in WEAKER:
            for w in WEAKER[tk.text]:
                add("order", tk.start, tk.end, w,
                    "%s -> %s" % (tk.text[13:], w[13:]), i)
            continue
        if tk.kind != "id" or src.t(i + 1) != "(":
            continue
        if src.t(i - 1) in (".", "->"):
            continue
        name = tk.text
        if name in IMPLICIT_ATOMICS:
            c = src.match[i + 1]
            w = IMPLICIT_ATOMICS[name]
            extra = ", %s" % w
            if "compare_exchange" in name:
                extra = ", %s, memory_order_relaxed" % w
            repl = name + "_explicit" + span_text(src, i + 1, c - 1) + \
                extra + ")"
            add("order", tk.start, toks[c].end, repl,
                "%s (seq_cst) -> %s_explicit(..., %s)" % (name, name, w[13:]),
                i)
            continue
        kind = None
        if UPREF_RE.search(name):
            kind = "drop-upref"
        elif FREE_RE.search(name) and not NOT_FREE.search(name):
            kind = "drop-free"
        elif UNLOCK_RE.search(name) and not NOT_LOCK.search(name):
            kind = "drop-unlock"
        elif LOCK_RE.search(name) and not NOT_LOCK.search(name):
            kind = "drop-lock"
        if kind is None:
            continue
        c = src.match[i + 1]
        call = span_text(src, i, c)
        args = call_args(src, i)
        short = re.sub(r"\s+", " ", call)
        if i in ex and src.t(c + 1) == ";" and ex[i][1] == c + 1:
            ctx = ex[i][2]
            if kind == "drop-free" and on_error_path(src, i, ctx):
                kind = "drop-err-free"
            add(kind, tk.start, toks[c].end, voided(args),
                "drop %s" % short, i)
        elif kind == "drop-upref":
            add(kind, tk.start, toks[c].end, voided(args, "1"),
                "drop %s (taken as done: 1)" % short, i)
        elif name == "ms_ref_down":
            add("drop-free", tk.start, toks[c].end, voided(args, "1"),
                "drop the decrement %s (as if others still held it: 1)"
                % short, i)

    # ref-cmp: EXPR op LITERAL where EXPR is a reference-count call or
    # |old| (the count before an atomic update) in refcount.h.
    for i, tk in enumerate(toks):
        if src.skip[i] or tk.text not in CMP_OPS or tk.kind != "punct":
            continue
        left = src.t(i - 1)
        ok = False
        if left == ")":
            o = src.match[i - 1]
            ok = bool(REF_CALL_RE.match(src.t(o - 1)))
        elif left == "old":
            fn = src.func_at[i]
            body = range(fn[2], fn[3])
            ok = any(src.t(k).startswith("atomic_fetch_") for k in body)
        if not ok:
            continue
        r = i + 1
        rt = src.t(r)
        if toks[r].kind == "num" and re.fullmatch(r"\d+", rt):
            v = int(rt)
            lo_t, hi_t = str(v - 1), str(v + 1)
        elif toks[r].kind == "id" and src.t(r + 1) not in ("(", "->", "."):
            lo_t, hi_t = "%s - 1" % rt, "%s + 1" % rt
        else:
            continue
        op = tk.text
        what = "%s %s %s" % (left if left != ")" else src.t(src.match[i - 1] - 1)
                             + "(...)", op, rt)
        swaps = {"<=": ("<", None, hi_t), "<": ("<=", None, lo_t),
                 ">": (">=", None, hi_t), ">=": (">", None, lo_t)}
        a, b = tk.start, toks[r].end
        if op in ("==", "!="):
            for nv in (lo_t, hi_t):
                add("ref-cmp", a, b, "%s %s" % (op, nv),
                    "%s -> %s %s" % (what, op, nv), i)
        else:
            strict, _x, other = swaps[op]
            add("ref-cmp", a, b, "%s %s" % (strict, rt),
                "%s -> %s %s" % (what, strict, rt), i)
            add("ref-cmp", a, b, "%s %s" % (op, other),
                "%s -> %s %s" % (what, op, other), i)

    # skip-copy and share inside the copy functions.
    for (i, j, kind, ctx) in src.stmts:
        fn = src.func_at[i]
        if fn is None or fn[0] not in copy_fns or src.skip[i]:
            continue
        text = re.sub(r"\s+", " ", span_text(src, i, j))
        if kind == "expr":
            eq = top_level_assign(src, i, j)
            if eq is not None and lhs_is_field(src, i, eq, fn):
                add("skip-copy", toks[i].start, toks[j].end, "(void)0;",
                    "skip `%s` in %s" % (text, fn[0]), i)
            elif src.t(i) in COPY_CALLS and src.t(i + 1) == "(":
                add("skip-copy", toks[i].start, toks[j].end, "(void)0;",
                    "skip `%s` in %s" % (text, fn[0]), i)
        elif kind == "for":
            body = range(src.match[i + 1] + 1, j + 1)
            assigns = any(s[0] in body and is_field_assign(src, s, fn)
                          for s in src.stmts)
            calls = any(src.t(k) in COPY_LOOP_CALLS for k in body)
            if assigns or calls:
                add("skip-copy", toks[i].start, toks[j].end, "(void)0;",
                    "skip the copy loop `%s` in %s" % (text[:70], fn[0]), i)
        elif kind == "if":
            c = src.match[i + 1]
            body_stmts = [s for s in src.stmts if s[0] > c and s[1] <= j
                          and len(s[3]) == len(ctx) + 2]
            cond_assign = [k for k in range(i + 2, c) if src.t(k) == "="]
            if not cond_assign and src.t(c + 1) == "{" \
                    and len(body_stmts) >= 2 \
                    and src.t(src.stmt_end(c + 1) + 1) != "else" \
                    and any(is_field_assign(src, s, fn) for s in body_stmts):
                add("skip-copy", toks[i].start, toks[j].end, "(void)0;",
                    "skip the guarded copy `%s` in %s" % (text[:70], fn[0]),
                    i)
            # embedded copies `(FIELD = RHS)` in the condition
            for k in range(i + 2, c):
                if src.t(k) != "(" or src.skip[k]:
                    continue
                e = src.match[k]
                eq = top_level_assign(src, k + 1, e - 1)
                if eq is None or src.t(eq) != "=" \
                        or not lhs_is_field(src, k + 1, eq, fn):
                    continue
                inner = re.sub(r"\s+", " ", span_text(src, k + 1, e - 1))
                add("skip-copy", toks[k].start, toks[e].end, "((void *)1)",
                    "skip `%s` in %s's condition (taken as done)"
                    % (inner, fn[0]), k)
            # copy helpers called in the condition: taken as done
            for k in range(i + 2, c):
                if src.toks[k].kind == "id" and src.t(k + 1) == "(" \
                        and COPY_COND_CALL_RE.search(src.t(k)) \
                        and not src.skip[k] and src.t(k) not in SHARE_CALLS \
                        and src.t(k - 1) != "=":
                    e = src.match[k + 1]
                    add("skip-copy", toks[k].start, toks[e].end, "1",
                        "skip the copy %s(...) in %s (taken as done: 1)"
                        % (src.t(k), fn[0]), k)
    for i, tk in enumerate(toks):
        fn = src.func_at[i]
        if fn is None or fn[0] not in copy_fns or src.skip[i]:
            continue
        if tk.text in SHARE_CALLS and src.t(i + 1) == "(" \
                and src.t(i - 1) not in (".", "->"):
            args = call_args(src, i)
            c = src.match[i + 1]
            add("share", tk.start, toks[c].end,
                "%s(%s)" % (SHARE_CALLS[tk.text], args[0]),
                "%s(%s) -> the original's %s itself (shared, not copied)"
                % (tk.text, ", ".join(args), args[0]), i)
    return out


def unlock_name(name):
    """The release that goes with lock call |name| (ms_ssl_lock ->
    ms_ssl_unlock, BIO_LOCK -> BIO_UNLOCK, pthread_mutex_lock ->
    pthread_mutex_unlock)."""
    m = re.match(r"(.*?)(rdlock|wrlock|lock|LOCK)$", name)
    return m.group(1) + ("UNLOCK" if m.group(2) == "LOCK" else "unlock")


def gen_lock_pairs(src):
    """drop-lock-pair: a lock and every unlock of the same mutex after it
    in its function (up to the next lock of it) removed, so that the
    critical section runs unprotected, as a caller that forgot the lock
    altogether would run it (dropping the lock alone also unlocks a mutex
    nobody holds, which TSan reports as that)."""
    out = []
    ex = expr_stmt_at(src)
    calls = []          # (token index, name, first argument, statement end)
    for i, tk in enumerate(src.toks):
        if src.skip[i] or tk.kind != "id" or src.t(i + 1) != "(" \
                or src.t(i - 1) in (".", "->") or i not in ex:
            continue
        c = src.match[i + 1]
        if ex[i][1] != c + 1:
            continue
        args = call_args(src, i)
        calls.append((i, tk.text, " ".join(args[0].split()) if args else "",
                      c))
    for k, (i, name, arg, c) in enumerate(calls):
        if not LOCK_RE.search(name) or UNLOCK_RE.search(name) \
                or NOT_LOCK.search(name):
            continue
        fn = src.func_at[i]
        un = unlock_name(name)
        edits = []
        for (j, name2, arg2, c2) in calls[k + 1:]:
            if src.func_at[j] is not fn or arg2 != arg:
                continue
            if name2 == name:
                break
            if name2 == un:
                edits.append((src.toks[j].start, src.toks[c2].end,
                              voided(call_args(src, j))))
        if not edits:
            continue
        out.append(Mutant(
            src, "drop-lock-pair", src.toks[i].start, src.toks[c].end,
            voided(call_args(src, i)),
            "run the critical section of %s(%s) in %s without the lock: "
            "the lock and its %d unlock(s) removed"
            % (name, arg, fn[0], len(edits)), fn[0], more=edits))
    return out


def gen_rules(src, stale):
    out = []
    for (op, fname, func, old, new, desc) in COW_RULES:
        if fname != src.name:
            continue
        fn = next((f for f in src.funcs if f[0] == func), None)
        if fn is None:
            stale.append("%s %s:%s: function not found" % (op, fname, func))
            continue
        lo, hi = src.toks[fn[2]].start, src.toks[fn[3]].end
        body = src.text[lo:hi]
        at = body.find(old)
        if at < 0 or body.find(old, at + 1) >= 0:
            stale.append("%s %s:%s: `%s` %s" % (
                op, fname, func, old, "not found" if at < 0 else "not unique"))
            continue
        a = lo + at
        out.append(Mutant(src, op, a, a + len(old), new, desc, func))
    return out


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def split_top(text, sep):
    """|text| split at |sep| outside parentheses and brackets."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def struct_fields(defs, name, prefix=""):
    """Field paths of `struct NAME` (nested struct members expanded:
    dane.flags), from the struct definitions text |defs|."""
    m = re.search(r"\bstruct\s+%s\s*\{" % re.escape(name), defs)
    if m is None:
        return []
    depth, k = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(defs[k], 0)
        k += 1
    out = []
    for decl in split_top(defs[m.end():k - 1], ";"):
        decl = " ".join(decl.split())
        if not decl:
            continue
        fp = re.search(r"\(\s*\*\s*(\w+)\s*\)", decl)
        if fp:
            out.append(prefix + fp.group(1))
            continue
        parts = split_top(decl, ",")
        first = re.sub(r"\[[^]]*\]", "", parts[0]).strip()
        mm = re.match(r"(.*?)(\w+)$", first)
        if mm is None:
            continue
        ftype = mm.group(1).strip()
        names = [mm.group(2)] + [re.sub(r"\[[^]]*\]|\*", "", q).strip()
                                 for q in parts[1:]]
        sub = re.fullmatch(r"struct\s+(\w+)", ftype)
        for n in names:
            inner = struct_fields(defs, sub.group(1), prefix + n + ".") \
                if sub else []
            out += inner or [prefix + n]
    return out


def func_body(src, name):
    fn = next((f for f in src.funcs if f[0] == name), None)
    if fn is None:
        return None, None
    return fn, src.text[src.toks[fn[2]].start:src.toks[fn[3]].end]


def gen_struct_copies(src, root, stale):
    out = []
    defs = None
    for (fname, func, stmt, path, sname, helper) in STRUCT_COPIES:
        if fname != src.name:
            continue
        if defs is None:
            defs = ""
            for h in STRUCT_HEADERS:
                with open(os.path.join(root, h)) as fh:
                    defs += strip_comments(fh.read()) + "\n"
        fn, body = func_body(src, func)
        at = -1 if body is None else body.find(stmt)
        if at < 0 or body.find(stmt, at + 1) >= 0:
            stale.append("skip-copy %s:%s: `%s` %s" % (
                fname, func, stmt, "not found" if at < 0 else "not unique"))
            continue
        fields = struct_fields(defs, sname)
        if not fields:
            stale.append("skip-copy %s: struct %s not found" % (fname, sname))
            continue
        # Fields the function (after the statement) or the helper set again.
        again = set()
        after = strip_comments(body[at + len(stmt):])
        for m in re.finditer(re.escape(path) + r"([\w.]+)\s*=(?!=)", after):
            again.add(m.group(1))
        if helper:
            hfn, hbody = func_body(src, helper)
            if hbody is None:
                stale.append("skip-copy %s:%s: helper %s not found"
                             % (fname, func, helper))
                continue
            param = sorted(hfn[1])[0] if hfn[1] else "c"
            for m in re.finditer(r"\b%s->([\w.]+)\s*=(?!=)" % param,
                                 strip_comments(hbody)):
                again.add(m.group(1))
        a = src.toks[fn[2]].start + at
        for f in fields:
            if f in again:
                continue
            acc = path + f
            repl = "%s memset(&%s, 0, sizeof(%s));" % (stmt, acc, acc)
            out.append(Mutant(src, "skip-copy", a, a + len(stmt), repl,
                              "%s leaves %s out of the struct copy `%s` "
                              "(zero, as in a fresh object)"
                              % (func, f, stmt), func))
    return out


def decl_start(src, fn):
    """Token index where function fn's definition begins (its return type
    and storage class, after the previous declaration or directive)."""
    k = src.match[fn[2] - 1] - 1            # the name
    while k > 0:
        t = src.toks[k - 1]
        if t.text in (";", "}", ")", "]", "=", ",", "{") or \
                any(ln >= t.line and ln0 <= src.toks[k].line
                    for (ln0, ln, _x) in src.pp if ln0 > t.line):
            break
        k -= 1
    return k


def atomic_wrappers(srcs):
    """Functions that perform an atomic operation with an order weaker
    steps exist for (the order operator weakens them once where they are
    defined and once at each call site): name -> (src, fn, [token index
    of each order])."""
    out = {}
    for src in srcs:
        for fn in src.funcs:
            if fn[0].startswith("ms_fault_"):
                continue
            orders = [k for k in range(fn[2], fn[3])
                      if not src.skip[k] and src.t(k) in WEAKER]
            if orders:
                out[fn[0]] = (src, fn, orders)
    return out


def gen_wrapper_orders(src, wrappers):
    """order, per call site: a call of an atomic wrapper (ms_ref_down ...)
    made with one of its orders one step weaker, at this call site only
    (a weakened copy of the wrapper, NAME__mut, defined just before the
    calling function), so that each caller's ordering is tested apart,
    not only all of them at once in the wrapper."""
    out = []
    for i, tk in enumerate(src.toks):
        if src.skip[i] or tk.kind != "id" or tk.text not in wrappers \
                or src.t(i + 1) != "(" or src.t(i - 1) in (".", "->"):
            continue
        fn = src.func_at[i]
        if fn is None or fn[0] == tk.text:
            continue
        wsrc, wfn, orders = wrappers[tk.text]
        if wsrc is src and src.toks.index(src.toks[wfn[2]]) > i:
            continue
        a = wsrc.toks[decl_start(wsrc, wfn)].start
        b = wsrc.toks[wfn[3]].end
        name_tok = wsrc.toks[wsrc.match[wfn[2] - 1] - 1]
        at = src.toks[decl_start(src, fn)].start
        for k in orders:
            o = wsrc.toks[k]
            for w in WEAKER[o.text]:
                new_name = "%s__%s" % (tk.text, w[13:])
                body = (wsrc.text[a:name_tok.start] + new_name
                        + wsrc.text[name_tok.end:o.start] + w
                        + wsrc.text[o.end:b])
                pre = (at, "/* mutant: %s with %s */\n%s\n\n"
                       % (tk.text, w, body))
                out.append(Mutant(
                    src, "order", tk.start, tk.end, new_name,
                    "%s here only: its %s -> %s (%s:%d; a weakened copy "
                    "%s defined before %s)" % (
                        tk.text, o.text[13:], w[13:], wsrc.name, o.line,
                        new_name, fn[0]), fn[0], pre))
    return out


ATOMIC_OP_RE = re.compile(r"^atomic_(load|store|exchange|fetch_\w+|"
                          r"compare_exchange_\w+|thread_fence|signal_fence)"
                          r"(_explicit)?$")


def atomic_census(root):
    """Every atomic operation and fence of the code the native build runs
    (what the order operator can weaken): {"ORDER": count}, ORDER the
    memory order it names, "seq_cst (implicit)" for one without
    _explicit; and {"ORDER": ["FILE:LINE", ...]} for the orders other than
    relaxed."""
    counts, where = {}, {}
    for rel in lib_files(root):
        with open(os.path.join(root, rel)) as fh:
            src = Src(rel, fh.read())
        for i, tk in enumerate(src.toks):
            if src.skip[i] or not ATOMIC_OP_RE.match(tk.text) \
                    or src.t(i + 1) != "(":
                continue
            c = src.match[i + 1]
            orders = [src.t(k) for k in range(i + 2, c)
                      if src.t(k).startswith("memory_order_")]
            order = orders[0][13:] if orders else "seq_cst (implicit)"
            counts[order] = counts.get(order, 0) + 1
            if order != "relaxed":
                where.setdefault(order, []).append("%s:%d" % (src.name,
                                                              tk.line))
    return {"counts": counts, "not_relaxed": where}


def lib_files(root, only=None):
    files = []
    for f in sorted(os.listdir(os.path.join(root, LIB))):
        if not f.endswith((".c", ".h")) or f in SKIP_FILES:
            continue
        if only and f not in only:
            continue
        files.append(os.path.join(LIB, f))
    return files


def generate(root, files=None, operators=None):
    """(mutants in a stable order with their n set, texts by file, stale
    rules)."""
    muts, texts, stale = [], {}, []
    srcs = []
    for rel in lib_files(root):
        with open(os.path.join(root, rel)) as fh:
            text = fh.read()
        srcs.append(Src(rel, text))
    wrappers = atomic_wrappers(srcs)
    for src in srcs:
        if files and src.name not in files:
            continue
        texts[src.rel] = src.text
        ms = gen_file(src) + gen_rules(src, stale) + gen_lock_pairs(src) + \
            gen_struct_copies(src, root, stale) + \
            gen_wrapper_orders(src, wrappers)
        # one change per place and operator: drop exact duplicates
        seen = set()
        for m in sorted(ms, key=lambda m: (m.start, m.op, m.end, m.repl)):
            k = (m.start, m.end, m.repl, tuple(m.more))
            if k in seen:
                continue
            seen.add(k)
            muts.append(m)
    count, alike = {}, {}
    for m in muts:
        k = (m.file, m.line, m.op)
        count[k] = count.get(k, 0) + 1
        m.n = count[k]
        st = m.stable(texts[m.file])
        alike[st] = alike.get(st, 0) + 1
        m.skey = hashlib.sha256(("%s\0%d" % (st, alike[st])).encode()) \
            .hexdigest()[:16]
    if operators:
        muts = [m for m in muts if m.op in operators]
    return muts, texts, stale


# --------------------------------------------------------------------------
# Trees: persistent copies of the project, one per worker.

TREE_DIRS = ["lib", "stress", "scenarios"]
TREE_FILES = ["Makefile", "scripts/tsan.supp", "scripts/detector-env.sh"]
VARIANT_BIN = {v: "build/%s/sslstress" % v for v in ("native", "tsan",
                                                      "sched")}


def tree_files(root):
    out = []
    for d in TREE_DIRS:
        for base, dirs, files in os.walk(os.path.join(root, d)):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(base, f)
                rel = os.path.relpath(p, root)
                if f.endswith((".o", ".d", ".a", ".so", ".gcda", ".gcno")):
                    continue
                out.append(rel)
    for f in TREE_FILES:
        if os.path.exists(os.path.join(root, f)):
            out.append(f)
    return out


def tree_hash(root):
    h = hashlib.sha256()
    for rel in tree_files(root):
        h.update(rel.encode() + b"\0")
        with open(os.path.join(root, rel), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


def sync_tree(src_root, dst):
    """Make dst's sources equal to src_root's; a changed file gets a new
    time so that make rebuilds what depends on it."""
    want = set(tree_files(src_root))
    for rel in want:
        a, b = os.path.join(src_root, rel), os.path.join(dst, rel)
        with open(a, "rb") as fh:
            data = fh.read()
        try:
            with open(b, "rb") as fh:
                same = fh.read() == data
        except OSError:
            same = False
        if not os.path.exists(b):
            # A new copy keeps the source's time, so that build outputs
            # copied along with it stay as up to date as they were.
            os.makedirs(os.path.dirname(b), exist_ok=True)
            shutil.copy2(a, b)
        elif not same:
            with open(b, "wb") as fh:
                fh.write(data)
            shutil.copymode(a, b)
    for rel in tree_files(dst):
        if rel not in want:
            os.unlink(os.path.join(dst, rel))


def run(cmd, cwd, timeout=None, env=None):
    """(status, output, seconds); status None on timeout.  The command runs
    in its own process group, killed whole on timeout."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        rc = None
    return rc, out.decode("utf-8", "replace"), time.monotonic() - t0


FAILURE_RE = re.compile(r"^FAILURE in (\S+)")


def group_cpu(pgid):
    """CPU clock ticks used by process group |pgid|: its live processes'
    own and their reaped children's (so the sum never goes down)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as fh:
                f = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(f) > 14 and int(f[2]) == pgid:
            total += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
    return total


# A run whose processes use no CPU at all for this long is deadlocked (the
# harness's own watchdog kills a scenario's child after 10 s without
# progress; a deadlock in the harness's own process, e.g. in its warm-up
# handshake, has no watchdog).  A live process on a loaded machine still
# gets its share of the CPUs.
IDLE_HANG = 30


def run_to_failure(cmd, cwd, timeout, env):
    """Runs an `sslstress run`, reading its output as it comes, and stops
    it at its first `FAILURE in NAME` report (a run that reports a failure
    exits 1: the rest of the suite cannot change the verdict).
    (status, output, seconds, (name, message) or None); status None on
    timeout, "hang" when its processes used no CPU for IDLE_HANG s,
    "failure" when stopped at a report."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    lines = queue.Queue()

    def reader():
        for ln in iter(p.stdout.readline, b""):
            lines.put(ln.decode("utf-8", "replace"))
        lines.put(None)

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    out, fail, status = [], None, "eof"
    deadline = t0 + timeout
    cpu, cpu_at, polled = -1, t0, t0
    while True:
        now = time.monotonic()
        left = deadline - now
        if left <= 0:
            status = None
            break
        if now - polled >= 2:
            polled = now
            c = group_cpu(p.pid)
            if c != cpu:
                cpu, cpu_at = c, now
            elif now - cpu_at >= IDLE_HANG and p.poll() is None:
                status = "hang"
                break
        try:
            ln = lines.get(timeout=min(left, 1.0))
        except queue.Empty:
            continue
        if ln is None:
            break
        out.append(ln)
        if fail is not None and fail[1] == "" and ln.startswith("  "):
            fail = (fail[0], ln.strip())
            status = "failure"
            break
        m = FAILURE_RE.match(ln)
        if m:
            fail = (m.group(1), "")
    if status != "eof":
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    p.wait()
    th.join(timeout=5)
    rc = p.returncode if status == "eof" else status
    return rc, "".join(out), time.monotonic() - t0, fail


class Tree:
    """A copy of the project in which mutants are built."""

    def __init__(self, path, make):
        self.path, self.make = path, make

    def build(self, variant, extra=(), timeout=900):
        cmd = [self.make, "--no-print-directory", "-s", "VARIANT=" + variant]
        cmd += list(extra) + [VARIANT_BIN[variant]]
        return run(cmd, self.path, timeout=timeout)

    def dependents(self, variant, rel):
        """Build outputs that a change of source |rel| makes stale."""
        bdir = os.path.join(self.path, "build", variant)
        out = []
        for base, _dirs, files in os.walk(bdir):
            for f in files:
                if not f.endswith(".d"):
                    continue
                d = os.path.join(base, f)
                with open(d) as fh:
                    deps = fh.read().replace("\\\n", " ")
                first = deps.split("\n", 1)[0]
                if rel in first.split():
                    o = d[:-2] + ".o"
                    out += [d, o]
        for f in ("libminissl.a", "sslstress"):
            p = os.path.join(bdir, f)
            if os.path.exists(p):
                out.append(p)
        return out

    def stash(self, rel, where):
        """The state a mutant of |rel| changes: the source (bytes, times);
        stash_outputs adds each variant's outputs before it is rebuilt."""
        os.makedirs(where, exist_ok=True)
        src = os.path.join(self.path, rel)
        st = os.stat(src)
        with open(src, "rb") as fh:
            return (rel, fh.read(), (st.st_atime_ns, st.st_mtime_ns), [],
                    where)

    def stash_outputs(self, state, variant):
        """Copies (with their times) of what rebuilding |variant| rewrites."""
        rel, _data, _times, saved, where = state
        for p in self.dependents(variant, rel):
            q = os.path.join(where, "%d" % len(saved))
            shutil.copy2(p, q)
            saved.append((p, q))

    def restore(self, state):
        """Puts back what stash/stash_outputs saved, and checks the source
        reads back as it was (else the copy is no longer the unmutated
        tree: the run stops)."""
        rel, data, times, saved, _where = state
        src = os.path.join(self.path, rel)
        with open(src, "wb") as fh:
            fh.write(data)
        os.utime(src, ns=times)
        for p, q in saved:
            shutil.copy2(q, p)
            os.unlink(q)
        with open(src, "rb") as fh:
            if fh.read() != data:
                raise SystemExit("mutation: %s was not restored in %s"
                                 % (rel, self.path))

    def up_to_date(self, variant):
        """make -q: nothing of |variant| needs rebuilding (the restored
        copy is the unmutated build)."""
        rc, _out, _s = run([self.make, "-q", "VARIANT=" + variant,
                            VARIANT_BIN[variant]], self.path, timeout=300)
        return rc == 0

    def write(self, rel, text):
        with open(os.path.join(self.path, rel), "w") as fh:
            fh.write(text)


# --------------------------------------------------------------------------
# Scenario runs

# The suite: `sslstress run scenarios/` (a directory is read without its
# subdirectories), plus scenarios/generated/ where it exists (the
# contract's generated pairs, which make check runs too).  A scenario is
# named by its path under scenarios/ without .scn ("updown-2",
# "generated/dup-vs-free-client-initial").
SUITE_DIRS = ["", "generated"]


def scenario_names(root):
    out = []
    for d in SUITE_DIRS:
        p = os.path.join(root, "scenarios", d)
        if not os.path.isdir(p):
            continue
        out += sorted(os.path.join(d, f[:-4]) if d else f[:-4]
                      for f in os.listdir(p) if f.endswith(".scn"))
    return out


def scenario_file(name):
    return "scenarios/%s.scn" % name


def scenario_info(root):
    """name -> (threads, the name its `scenario` line declares)."""
    out = {}
    for n in scenario_names(root):
        threads, decl = 0, n
        with open(os.path.join(root, scenario_file(n))) as fh:
            for ln in fh:
                if ln.startswith("thread "):
                    threads += 1
                m = re.match(r"scenario\s+(\S+)", ln)
                if m:
                    decl = m.group(1)
        out[n] = (threads, decl)
    return out


def detector_env(root, mode):
    """The detectors' options for |mode| (`scripts/detector-env.sh --plain
    MODE`, the one place that spells them out), as a dict."""
    rc, out, _ = run(["sh", os.path.join(root, "scripts/detector-env.sh"),
                      "--plain", mode], root, timeout=60)
    if rc != 0:
        raise SystemExit("mutation: scripts/detector-env.sh %s failed:\n%s"
                         % (mode, out))
    env = {}
    for ln in out.splitlines():
        name, sep, value = ln.partition("=")
        if sep:
            env[name] = value
    return env


def failed_scenarios(jpath, out):
    """Names of the scenarios that did not pass, with the first failure's
    message, from the JSON report (else the text output)."""
    res = []
    try:
        with open(jpath) as fh:
            d = json.load(fh)
        for r in d.get("results", []):
            if r.get("verdict") not in ("pass", "skip"):
                msg = r.get("reason") or ""
                fl = r.get("failures") or []
                if fl:
                    msg = "%s: %s" % (fl[0].get("kind", ""),
                                      fl[0].get("message", ""))
                res.append((r.get("name", "?"), msg.strip()))
    except (OSError, ValueError):
        pass
    if not res:
        for m in re.finditer(r"^FAILURE in (\S+)", out, re.M):
            res.append((m.group(1), ""))
    return res


class Runner:
    """The three tiers for one mutant, in one Tree."""

    def __init__(self, cfg, tree, tmp):
        self.cfg, self.tree, self.tmp = cfg, tree, tmp
        self.denv = None

    def env(self, tier):
        e = dict(os.environ)
        e.pop("MINISSL_FAULT", None)
        e["NO_COLOR"] = "1"
        e["SSLSTRESS_LOG_DIR"] = os.path.join(self.tmp, "logs")
        if tier == "tsan":
            if self.denv is None:
                self.denv = detector_env(self.tree.path, "first")
            e.update(self.denv)
        return e

    def tsan_summary(self, scen):
        """The first ThreadSanitizer SUMMARY line of scenario |scen|'s log,
        with the tree's path cut off."""
        try:
            with open(os.path.join(self.tmp, "logs", scen + ".tsan.log"),
                      errors="replace") as fh:
                for ln in fh:
                    if ln.startswith("SUMMARY: ThreadSanitizer"):
                        ln = ln.replace(self.tree.path + "/", "")
                        return re.sub(r"\s*\(BuildId: \w+\)", "", ln.strip())
        except OSError:
            pass
        return None

    def suite(self, tier, scenarios=None):
        """(verdict, killer, message, seconds): verdict 'pass', 'killed',
        'timeout'."""
        c = self.cfg
        j = os.path.join(self.tmp, "run-%s.json" % tier)
        if os.path.exists(j):
            os.unlink(j)
        logs = os.path.join(self.tmp, "logs")
        shutil.rmtree(logs, ignore_errors=True)
        if scenarios is None:
            scenarios = scenario_names(self.tree.path)
        files = [scenario_file(s) for s in scenarios]
        cmd = [VARIANT_BIN[tier], "run", "-q", "--no-color", "--seed",
               str(c.seed), "--max-failures", "1", "--json", j]
        if tier == "native":
            cmd += c.native_args
            limit = c.timeout
        elif tier == "tsan":
            cmd += ["--iterations", str(c.tsan_iterations)]
            limit = c.timeout
        else:
            n = len(scenarios)
            cmd += ["--schedule", "dfs:preemptions=2", "--iterations",
                    str(c.sched_schedules), "--duration",
                    "%ds" % (c.sched_seconds * n)]
            limit = c.sched_seconds * n * 3 + 60
        rc, out, secs, first = run_to_failure(cmd + files, self.tree.path,
                                              limit, self.env(tier))
        if rc is None:
            return "timeout", "(whole run)", "no verdict within %d s" % limit, \
                secs
        if rc == "hang":
            return "timeout", "(whole run)", ("no CPU time used for %d s: "
                                              "deadlocked" % IDLE_HANG), secs
        if rc == 0:
            return "pass", None, None, secs
        if rc == "failure":
            fl = [first]
        else:
            fl = failed_scenarios(os.path.join(self.tree.path, j), out)
        if rc == "failure":
            msg = "FAILURE reported"
        elif rc < 0:
            msg = "sslstress killed by signal %d" % -rc
        else:
            msg = "exit %d" % rc
        if fl:
            what = fl[0][1] or msg
            if tier == "tsan":
                what = self.tsan_summary(fl[0][0]) or what
            return "killed", c.by_decl.get(fl[0][0], fl[0][0]), what[:300], \
                secs
        # sslstress itself failed, outside every scenario (e.g. in the
        # warm-up handshake it runs before the first).
        tail = [ln for ln in out.splitlines()
                if ln.startswith("SUMMARY: ThreadSanitizer")][:1] or \
            out.strip().splitlines()[-1:] or [""]
        what = re.sub(r"\s*\(BuildId: \w+\)", "",
                      tail[0].replace(self.tree.path + "/", ""))
        return "killed", "(sslstress itself)", ("%s: %s" % (msg, what))[:300], \
            secs


# --------------------------------------------------------------------------
# Reach: which scenarios execute each line of lib/ (gcov).

def sources_hash(root, dirs):
    h = hashlib.sha256()
    for rel in tree_files(root):
        if rel.split("/", 1)[0] in dirs:
            h.update(rel.encode() + b"\0")
            with open(os.path.join(root, rel), "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


def compute_reach(cfg, root, log):
    """{"reach": {"FILE:LINE": [scenarios that execute it]}, "lines":
    {"FILE:LINE": 1 for every line gcov counts}} of the unmutated tree:
    each scenario alone in a coverage build (gcov), with the native
    budget.  Cached per scenario under WORKDIR/reach/, by a hash of lib/
    and stress/, the scenario file, the seed and the budget: an edited
    scenario or a new one is measured again alone, an edit of lib/ or
    stress/ measures them all."""
    base = "%s %s %s" % (sources_hash(root, ("lib", "stress")), cfg.seed,
                         cfg.native_args)
    cdir = os.path.join(cfg.workdir, "reach")
    os.makedirs(cdir, exist_ok=True)
    cov = os.path.join(cfg.workdir, "cov")
    objdir = os.path.join(cov, "build/cov/lib/src")
    built = []
    reach, lines = {}, {}
    t0, measured = time.monotonic(), 0
    for name in scenario_names(root):
        with open(os.path.join(root, "scenarios", name + ".scn"), "rb") as fh:
            key = hashlib.sha256(base.encode() + b"\0" + fh.read()) \
                .hexdigest()[:16]
        cache = os.path.join(cdir, "%s-%s.json" % (name, key))
        if os.path.exists(cache):
            with open(cache) as fh:
                one = json.load(fh)
        else:
            if not built:
                os.makedirs(cov, exist_ok=True)
                sync_tree(root, cov)
                log("reach: coverage build in %s"
                    % os.path.relpath(cov, root))
                rc, out, _ = run([cfg.make, "--no-print-directory", "-s",
                                  "BUILDDIR=build/cov",
                                  "CFLAGS=-O0 -g --coverage -fprofile-update=atomic",
                                  "LDFLAGS=--coverage", "build/cov/sslstress"],
                                 cov, timeout=1800)
                if rc != 0:
                    raise SystemExit("mutation: coverage build failed:\n"
                                     + out[-3000:])
                built.append(1)
            one = scenario_coverage(cfg, cov, objdir, name)
            # scenarios/generated/NAME: the cache keeps the subdirectory.
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            with open(cache, "w") as fh:
                json.dump(one, fh)
            measured += 1
        for key in one["lines"]:
            lines[key] = 1
        for key in one["hit"]:
            reach.setdefault(key, []).append(name)
    if measured:
        log("reach: %d scenarios measured (%.0f s); %d of %d lines executed "
            "by some scenario" % (measured, time.monotonic() - t0,
                                  len(reach), len(lines)))
    return {"reach": reach, "lines": lines}


def scenario_coverage(cfg, cov, objdir, name):
    """{"lines": [FILE:LINE gcov counts], "hit": [those executed]} of one
    scenario in the coverage tree |cov|."""
    for f in os.listdir(objdir):
        if f.endswith(".gcda"):
            os.unlink(os.path.join(objdir, f))
    rc, out, _secs = run(["build/cov/sslstress", "run", "-q", "--no-fork",
                          "--no-color", "--seed", str(cfg.seed)]
                         + cfg.native_args + [scenario_file(name)], cov,
                         timeout=cfg.timeout * 4,
                         env=dict(os.environ, NO_COLOR="1"))
    if rc != 0:
        raise SystemExit("mutation: scenario %s fails in the coverage build "
                         "(%s):\n%s" % (name, rc, out[-2000:]))
    gcdas = sorted(f for f in os.listdir(objdir) if f.endswith(".gcda"))
    lines, hit = set(), set()
    if gcdas:
        rc, out, _ = run(["gcov", "--json-format", "--stdout", "-o", objdir]
                         + [os.path.join(objdir, f) for f in gcdas], cov,
                         timeout=600)
        for doc in out.splitlines():
            doc = doc.strip()
            if not doc.startswith("{"):
                continue
            try:
                d = json.loads(doc)
            except ValueError:
                continue
            for f in d.get("files", []):
                fname = os.path.basename(f.get("file", ""))
                for ln in f.get("lines", []):
                    key = "%s:%d" % (fname, ln["line_number"])
                    lines.add(key)
                    if ln.get("count", 0) > 0:
                        hit.add(key)
    if not lines:
        raise SystemExit("mutation: gcov reported no line of lib/ for "
                         "scenario %s (in %s)" % (name, objdir))
    return {"lines": sorted(lines), "hit": sorted(hit)}


def reaching(cov, m):
    """The scenarios that execute some line of mutant m: a sorted list
    (empty: none does), or None when gcov counts none of its lines (no
    data: every scenario is a candidate)."""
    if cov is None:
        return None
    out, known = set(), False
    base = os.path.basename(m.file)
    for ln in range(m.line, m.last_line + 1):
        key = "%s:%d" % (base, ln)
        known = known or key in cov["lines"]
        out.update(cov["reach"].get(key, []))
    return sorted(out) if known else None


# --------------------------------------------------------------------------
# The run

class Config:
    pass


def prepare_tree(cfg, root, k, variants, log):
    path = os.path.join(cfg.workdir, "w%d" % k)
    os.makedirs(path, exist_ok=True)
    for v in variants:
        dst = os.path.join(path, "build", v)
        seed = os.path.join(root, "build", v)
        if not os.path.exists(dst) and os.path.isdir(seed):
            shutil.copytree(seed, dst, symlinks=True)
    sync_tree(root, path)
    tree = Tree(path, cfg.make)
    for v in variants:
        rc, out, secs = tree.build(v)
        if rc != 0:
            raise SystemExit("mutation: the unmutated %s build fails in %s:\n%s"
                             % (v, path, out[-3000:]))
        log("w%d: %s build up to date (%.0f s)" % (k, v, secs))
    return tree


class Baseline:
    """Scenarios that pass unmutated, per tier (checked lazily, once)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ok = {}

    def known(self, tier, scen):
        with self.lock:
            return self.ok.get((tier, scen))

    def set(self, tier, scen, v):
        with self.lock:
            self.ok[(tier, scen)] = v


def judge(cfg, tree, runner, m, text, reach):
    """Builds and runs one mutant in |tree|; returns its record."""
    rec = {"id": m.id, "file": m.file, "line": m.line, "operator": m.op,
           "function": m.func, "description": m.desc}
    old, new = m.diff(text)
    rec["old"], rec["new"] = old.strip(), new.strip()
    t0 = time.monotonic()
    state = tree.stash(m.file, os.path.join(runner.tmp, "stash"))
    try:
        tree.stash_outputs(state, "native")
        tree.write(m.file, m.apply(text))
        rc, out, bsecs = tree.build("native")
        rec["build_seconds"] = round(bsecs, 1)
        if rc != 0:
            err = [l for l in out.splitlines() if "error" in l][:1]
            rec.update(status="unbuildable", detail=(err[0] if err else
                                                     out[-200:]).strip())
            return rec
        r = reaching(reach(), m)
        rec["reach"] = r
        names = scenario_names(tree.path)
        if r is None or cfg.whole_suite:
            # Those that execute the line first: a kill ends the run early.
            first = set(r or [])
            scen = [s for s in names if s in first] + \
                [s for s in names if s not in first]
        else:
            # A scenario that never executes the mutated line runs exactly
            # the code it runs on the unmutated tree, where it passes.
            scen = r
        if not scen:
            rec.update(status="survived",
                       detail="no scenario executes the mutated line")
            return rec
        tiers = [("native", scen)]
        if cfg.tsan:
            tiers.append(("tsan", scen))
        if cfg.sched:
            tiers.append(("sched", [s for s in (r if r is not None else names)
                                    if 2 <= cfg.threads.get(s, 0) <= 3]))
        race = m.op in RACE_OPS and (cfg.tsan or cfg.sched)
        for tier, run_scen in tiers:
            if not run_scen:
                continue
            if tier != "native":
                tree.stash_outputs(state, tier)
                rc, out, bs = tree.build(tier)
                rec["build_seconds"] = round(rec["build_seconds"] + bs, 1)
                if rc != 0:
                    rec.update(status="unbuildable",
                               detail="%s build: %s" % (tier, out[-200:]))
                    return rec
            v, killer, msg, secs = runner.suite(tier, run_scen)
            rec.setdefault("tiers", {})[tier] = {
                "verdict": v, "scenarios": len(run_scen),
                "scenario": killer, "seconds": round(secs, 1)}
            if v != "pass":
                rec["tiers"][tier]["detail"] = msg
            if v == "pass":
                continue
            if "status" not in rec:
                # A hang natively is its own kind of kill; a later tier's
                # hang is that tier's kill.
                rec.update(status="timeout" if v == "timeout"
                           and tier == "native" else "killed-" + tier,
                           killer=killer, detail=msg)
            # A dropped lock or a weakened order must be found by a race
            # detector or a controlled schedule too, not only by luck in
            # a free-running one: for them the detector tiers run after
            # a native kill, until one kills.
            if tier != "native" or not race:
                if race:
                    rec["race"] = tier
                return rec
        if "status" in rec:
            rec["race"] = None
            return rec
        rec["status"] = "survived"
        return rec
    finally:
        tree.restore(state)
        rec["seconds"] = round(time.monotonic() - t0, 1)


def verify_killers(cfg, tree, runner, recs, baseline, log):
    """A scenario that killed a mutant must pass on the unmutated tree
    (same tier and settings); a mutant whose killer does not is counted
    as survived (said in its detail), and a race kill (RACE_OPS) by such
    a scenario does not count either."""
    def passes(tier, scen):
        if not scen or scen.startswith("("):
            return True
        ok = baseline.known(tier, scen)
        if ok is None:
            v, _k, _m, _s = runner.suite(tier, [scen])
            ok = v == "pass"
            baseline.set(tier, scen, ok)
            if not ok:
                log("warning: %s fails %s on the unmutated tree"
                    % (scen, tier))
        return ok

    for rec in recs:
        st = rec.get("status", "")
        if st.startswith("killed-"):
            tier, scen = st[7:], rec.get("killer")
            if not passes(tier, scen):
                rec["status"] = "survived"
                rec["detail"] = ("killed only by %s, which fails unmutated "
                                 "too" % scen)
                rec.pop("race", None)
        race = rec.get("race")
        if race and race != st[7:]:
            scen = rec["tiers"][race].get("scenario")
            if not passes(race, scen):
                rec["race"] = None
                rec["race_detail"] = ("%s killed it only by %s, which fails "
                                      "unmutated too" % (race, scen))


KILLS = ("killed-native", "killed-tsan", "killed-sched", "timeout")


def kill_tier(status):
    return "native" if status == "timeout" else status[7:]


def check_expected(cfg, tree, runner, m, text, exp):
    """--expect: a mutant that the recorded run killed must be killed again,
    in the same tier (and, for RACE_OPS, by the recorded race tier too):
    first by the scenario that killed it then, else by the whole suite in
    that tier.  Returns its record; "status" is "as expected" or
    "FAILED"."""
    rec = {"id": m.id, "file": m.file, "line": m.line, "operator": m.op,
           "function": m.func, "description": m.desc,
           "expected": exp["status"], "checks": []}
    old, new = m.diff(text)
    rec["old"], rec["new"] = old.strip(), new.strip()
    want = [(kill_tier(exp["status"]), exp.get("killer"))]
    race = exp.get("race")
    if race and race != want[0][0]:
        want.append((race, exp["tiers"][race].get("scenario")))
    t0 = time.monotonic()
    state = tree.stash(m.file, os.path.join(runner.tmp, "stash"))
    names = set(scenario_names(tree.path))
    failed = []
    try:
        tree.write(m.file, m.apply(text))
        for tier, killer in want:
            tree.stash_outputs(state, tier)
            rc, out, _bs = tree.build(tier)
            if rc != 0:
                failed.append("%s: does not build: %s" % (tier, out[-200:]))
                continue
            first = [killer] if killer in names else None
            v, k, msg, secs = runner.suite(tier, first)
            if v == "pass" and first is not None:
                v, k, msg, secs = runner.suite(tier)
            rec["checks"].append({"tier": tier, "expected_killer": killer,
                                  "verdict": v, "killer": k, "detail": msg,
                                  "seconds": round(secs, 1)})
            if v == "pass":
                failed.append("%s: survived the whole suite (the recorded "
                              "run: killed by %s)" % (tier, killer))
    finally:
        tree.restore(state)
        rec["seconds"] = round(time.monotonic() - t0, 1)
    rec["status"] = "FAILED" if failed else "as expected"
    if failed:
        rec["detail"] = "; ".join(failed)
    return rec


def load_expected(path):
    """The recorded run's records by stable key (see Mutant.stable), and
    its settings."""
    with open(path) as fh:
        doc = json.load(fh)
    return ({r["stable"]: r for r in doc.get("mutants", []) if "stable" in r},
            doc.get("settings", {}))


def run_expected(cfg, trees, runners, muts, texts, expected, jpath,
                 t_start, log):
    """The --expect run: check_expected for each mutant on the workers;
    writes the records to |jpath|; 0 if all were killed as recorded."""
    q = queue.Queue()
    for m in muts:
        q.put(m)
    recs, lock = [], threading.Lock()

    def worker(k):
        while True:
            try:
                m = q.get_nowait()
            except queue.Empty:
                return
            rec = check_expected(cfg, trees[k], runners[k], m,
                                 texts[m.file], expected[m.skey])
            with lock:
                recs.append(rec)
            log("%d/%d %s (recorded: %s%s) %s (%.1f s)%s" % (
                len(recs), len(muts), m.id, expected[m.skey]["status"],
                " by " + expected[m.skey]["killer"]
                if expected[m.skey].get("killer") else "", rec["status"],
                rec["seconds"], ": " + rec["detail"]
                if rec.get("detail") else ""))

    with concurrent.futures.ThreadPoolExecutor(len(trees)) as ex:
        for f in [ex.submit(worker, k) for k in range(len(trees))]:
            f.result()
    tms = os.times()
    bad = [r for r in recs if r["status"] != "as expected"]
    with open(jpath, "w") as fh:
        json.dump({"format": "sslstress-mutation-check", "version": 1,
                   "seconds": round(time.monotonic() - t_start, 1),
                   "cpu_seconds": round(tms.children_user
                                        + tms.children_system + tms.user
                                        + tms.system, 1),
                   "mutants": sorted(recs, key=lambda r: r["id"])}, fh,
                  indent=1, sort_keys=True)
    log("%d of %d sampled mutants killed again as recorded%s"
        % (len(recs) - len(bad), len(recs),
           "; NOT: " + ", ".join(r["id"] for r in bad) if bad else ""))
    return 1 if bad else 0


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Mutation analysis of minissl against the scenario suite.")
    ap.add_argument("--list", action="store_true",
                    help="print the mutants (id, description, change) and exit")
    ap.add_argument("--only", action="append", default=[],
                    help="run only this mutant id (repeatable)")
    ap.add_argument("--operators", help="comma-separated operators (%s)"
                    % ",".join(OPERATORS))
    ap.add_argument("--files", help="comma-separated lib/src file names")
    ap.add_argument("--sample", type=int, help="a reproducible sample of N")
    ap.add_argument("--seed", type=int, default=1,
                    help="sample seed and sslstress --seed (default 1); with "
                    "--expect the sample's only (the runs take the recorded "
                    "run's seed and budgets)")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=240,
                    help="seconds for one suite run before it counts as a "
                    "hang (default 240)")
    ap.add_argument("--iterations", type=int,
                    help="native: iterations per scenario (default: each "
                    "file's own)")
    ap.add_argument("--tsan-iterations", type=int, default=200,
                    help="TSan: iterations per scenario (default 200)")
    ap.add_argument("--sched-schedules", type=int, default=20000,
                    help="dfs: at most this many schedules per scenario "
                    "(default 20000)")
    ap.add_argument("--sched-seconds", type=int, default=2,
                    help="dfs: time per scenario (default 2)")
    ap.add_argument("--whole-suite", action="store_true",
                    help="run every scenario in the native and TSan tiers "
                    "(those that execute the mutated line first), not only "
                    "those that execute it")
    ap.add_argument("--no-tsan", action="store_true")
    ap.add_argument("--no-sched", action="store_true")
    ap.add_argument("--workdir", default=os.path.join(ROOT, "build",
                                                      "mutation"))
    ap.add_argument("--json", help="results (default WORKDIR/results.json)")
    ap.add_argument("--report", help="write the markdown report here")
    ap.add_argument("--resume", action="store_true",
                    help="reuse verdicts from --json for unchanged mutants")
    ap.add_argument("--equivalent", default=os.path.join(
        ROOT, "scripts", "mutation-equivalent.txt"))
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite --report from --json without running")
    ap.add_argument("--expect", metavar="FILE",
                    help="check against a recorded run (make mutation-sample "
                    "gives doc/mutation-results.json): the mutants are drawn "
                    "from those FILE records as killed, and each must be "
                    "killed again in the same tier; exit 1 if one is not")
    a = ap.parse_args(argv)
    # Runs happen inside the trees: every path the script hands them is
    # absolute.
    a.workdir = os.path.abspath(a.workdir)
    if a.json:
        a.json = os.path.abspath(a.json)

    ops = set(a.operators.split(",")) if a.operators else None
    if ops and not ops <= set(OPERATORS):
        ap.error("unknown operator(s): %s" % ", ".join(sorted(ops - set(OPERATORS))))
    files = set(a.files.split(",")) if a.files else None
    muts, texts, stale = generate(ROOT, files, ops)
    for s in stale:
        print("mutation: stale rule: %s" % s, file=sys.stderr)
    total = len(muts)
    if a.only:
        want = set(a.only)
        muts = [m for m in muts if m.id in want]
        missing = want - {m.id for m in muts}
        if missing:
            ap.error("no such mutant: %s" % ", ".join(sorted(missing)))
    expected = None
    if a.expect:
        if not os.path.exists(a.expect):
            print("mutation: %s: no recorded run (make mutation writes it)"
                  % a.expect, file=sys.stderr)
            return 1
        expected, recorded = load_expected(a.expect)
        unrec = [m for m in muts if m.skey not in expected]
        if unrec:
            print("mutation: warning: %d of %d mutants have no recorded "
                  "outcome in %s (lib/src changed since that run: `make "
                  "mutation` measures them), e.g. %s"
                  % (len(unrec), len(muts), a.expect,
                     ", ".join(m.id for m in unrec[:3])), file=sys.stderr)
        muts = [m for m in muts
                if expected.get(m.skey, {}).get("status") in KILLS]
        if not muts:
            print("mutation: %s records no killed mutant of this lib/src"
                  % a.expect, file=sys.stderr)
            return 1
    if a.sample is not None and a.sample < len(muts):
        pick = sorted(random.Random(a.seed).sample(range(len(muts)), a.sample))
        muts = [muts[i] for i in pick]
    if a.list:
        for m in muts:
            old, new = m.diff(texts[m.file])
            print("%s\t%s\n  - %s\n  + %s" % (m.id, m.desc, old.strip(),
                                              new.strip()))
        print("%d mutants" % len(muts), file=sys.stderr)
        return 0

    os.makedirs(a.workdir, exist_ok=True)
    jpath = a.json or os.path.join(a.workdir, "results.json")
    if a.report_only:
        with open(jpath) as fh:
            doc = json.load(fh)
        write_report(a.report or os.path.join(a.workdir, "report.md"), doc,
                     load_annotations(a.equivalent), texts)
        return 0

    cfg = Config()
    cfg.make = os.environ.get("MAKE", "make")
    cfg.seed, cfg.timeout, cfg.workdir = a.seed, a.timeout, a.workdir
    if expected is not None:
        # The check reruns the recorded run's runs: its sslstress seed and
        # budgets (--seed chose the sample).
        cfg.seed = recorded.get("seed", cfg.seed)
        a.tsan_iterations = recorded.get("tsan_iterations", a.tsan_iterations)
        a.sched_schedules = recorded.get("sched_schedules", a.sched_schedules)
        a.sched_seconds = recorded.get("sched_seconds", a.sched_seconds)
        if isinstance(recorded.get("native"), list):
            a.iterations = int(recorded["native"][1])
    cfg.native_args = ["--iterations", str(a.iterations)] if a.iterations \
        else []
    cfg.tsan, cfg.sched = not a.no_tsan, not a.no_sched
    cfg.whole_suite = a.whole_suite
    cfg.tsan_iterations = a.tsan_iterations
    cfg.sched_schedules, cfg.sched_seconds = a.sched_schedules, a.sched_seconds
    info = scenario_info(ROOT)
    cfg.threads = {s: v[0] for s, v in info.items()}
    # the declared names that sslstress reports -> the suite's names
    cfg.by_decl = {}
    for s, v in info.items():
        cfg.by_decl.setdefault(v[1], s)
    lock = threading.Lock()
    t_start = time.monotonic()

    def log(msg):
        with lock:
            print("[%6.0fs] %s" % (time.monotonic() - t_start, msg), flush=True)

    thash = tree_hash(ROOT)
    census = atomic_census(ROOT)
    settings = {"seed": a.seed, "native": cfg.native_args or "file's own",
                "timeout": a.timeout, "tsan": cfg.tsan,
                "tsan_iterations": a.tsan_iterations, "sched": cfg.sched,
                "sched_schedules": a.sched_schedules,
                "sched_seconds": a.sched_seconds,
                "whole_suite": a.whole_suite}
    prev = {}
    if a.resume and os.path.exists(jpath):
        with open(jpath) as fh:
            old = json.load(fh)
        if old.get("tree") == thash and old.get("settings") == settings:
            prev = {r["key"]: r for r in old.get("mutants", []) if "key" in r}
    todo = [m for m in muts if m.key(texts[m.file]) not in prev]
    log("%d mutants in all, %d selected, %d to run (%d reused); load "
        "average %.1f on %d CPUs" % (total, len(muts), len(todo),
                                     len(muts) - len(todo), os.getloadavg()[0],
                                     os.cpu_count() or 0))

    variants = ["native"] + (["tsan"] if cfg.tsan else []) + \
        (["sched"] if cfg.sched else [])
    if expected is not None:
        need = set()
        for m in todo:
            e = expected[m.skey]
            need.add(kill_tier(e["status"]))
            if e.get("race"):
                need.add(e["race"])
        variants = [v for v in variants if v in need]
    jobs = max(1, min(a.jobs, len(todo) or 1))
    t_prep = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        trees = list(ex.map(lambda k: prepare_tree(cfg, ROOT, k, variants,
                                                   log), range(jobs)))
    runners = [Runner(cfg, t, os.path.join(cfg.workdir, "tmp%d" % k))
               for k, t in enumerate(trees)]
    for r in runners:
        os.makedirs(r.tmp, exist_ok=True)
    if expected is not None:
        return run_expected(cfg, trees, runners, todo, texts, expected,
                            jpath, t_start, log)
    # The unmutated suite must pass natively (and under TSan), else every
    # mutant would look killed.
    base = {}
    # A sample relies on verify_killers (each killer passes unmutated).
    whole = a.sample is None and not a.only
    for tier in (["native"] + (["tsan"] if cfg.tsan else [])) if whole else []:
        v, killer, msg, secs = runners[0].suite(tier)
        base[tier] = round(secs, 1)
        log("unmutated %s suite: %s in %.1f s" % (tier, v, secs))
        if v != "pass":
            print("mutation: the unmutated tree fails the %s suite (%s: %s)"
                  % (tier, killer, msg), file=sys.stderr)
            return 1
    reach_box, reach_lock = [], threading.Lock()

    def reach():
        """The coverage map, computed on first use (cached on disk)."""
        with reach_lock:
            if not reach_box:
                t = time.monotonic()
                reach_box.append(compute_reach(cfg, ROOT, log))
                reach_box.append(time.monotonic() - t)
            return reach_box[0]
    if todo:
        reach()
    prep_secs = time.monotonic() - t_prep

    results = {k: v for k, v in prev.items()}
    baseline = Baseline()
    q = queue.Queue()
    for m in todo:
        q.put(m)
    done = [0]

    def save():
        recs = [results[m.key(texts[m.file])] for m in muts
                if m.key(texts[m.file]) in results]
        doc = {"format": "sslstress-mutation", "version": 1,
               "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
               "host": "%s, %d CPUs" % (platform.node(), os.cpu_count() or 0),
               "command": " ".join([os.path.relpath(sys.argv[0], ROOT)]
                                   + (argv if argv is not None
                                      else sys.argv[1:])),
               "tree": thash, "settings": settings, "total": total,
               "selected": len(muts), "sample": a.sample,
               "jobs": jobs, "prepare_seconds": round(prep_secs, 1),
               "baseline_seconds": base,
               "seconds": round(time.monotonic() - t_start, 1),
               "stale_rules": stale, "atomics": census, "mutants": recs}
        doc["load"] = load_summary(recs)
        tms = os.times()
        doc["cpu_seconds"] = round(tms.children_user + tms.children_system
                                   + tms.user + tms.system, 1)
        tmp = jpath + ".tmp"
        with open(tmp, "w") as fh:
            write_json(fh, doc)
        os.replace(tmp, jpath)
        return doc

    def worker(k):
        tree, runner = trees[k], runners[k]
        while True:
            try:
                m = q.get_nowait()
            except queue.Empty:
                return
            text = texts[m.file]
            rec = judge(cfg, tree, runner, m, text, reach)
            verify_killers(cfg, tree, runner, [rec], baseline, log)
            rec["key"] = m.key(text)
            rec["stable"] = m.skey
            rec["load"] = round(os.getloadavg()[0], 1)
            if rec["status"] != "survived" and isinstance(rec.get("reach"),
                                                            list):
                rec["reach"] = len(rec["reach"])   # survivors keep names
            with lock:
                results[rec["key"]] = rec
                done[0] += 1
                n = done[0]
            log("%d/%d %s %s%s (%.1f s)" % (
                n, len(todo), m.id, rec["status"],
                " by " + rec["killer"] if rec.get("killer") else "",
                rec["seconds"]))
            with lock:
                save()

    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for f in [ex.submit(worker, k) for k in range(jobs)]:
            f.result()
    stale_builds = ["%s %s" % (os.path.basename(t.path), v)
                    for t in trees for v in variants if not t.up_to_date(v)]
    if stale_builds:
        print("mutation: after the run, not the unmutated build: %s"
              % ", ".join(stale_builds), file=sys.stderr)
        return 1
    doc = save()
    summary(doc, load_annotations(a.equivalent))
    if a.report:
        write_report(a.report, doc, load_annotations(a.equivalent), texts)
        log("report: %s" % os.path.relpath(a.report, ROOT))
    log("results: %s" % os.path.relpath(jpath, ROOT))
    if stale:
        print("mutation: %d hand-located rule(s) no longer match lib/src "
              "(see above): update COW_RULES/STRUCT_COPIES" % len(stale),
              file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------
# Reports

def write_json(fh, doc):
    """The results, one mutant per line (diffs of two runs stay short)."""
    head = {k: v for k, v in doc.items() if k != "mutants"}
    text = json.dumps(head, indent=1, sort_keys=True)
    fh.write(text[:-2] + ',\n "mutants": [\n')
    fh.write(",\n".join(json.dumps(r, sort_keys=True)
                        for r in doc["mutants"]))
    fh.write("\n ]\n}\n")


def load_summary(recs):
    """The 1-minute load average seen as each mutant ended: min, median,
    max."""
    v = sorted(r["load"] for r in recs if "load" in r)
    if not v:
        return None
    return {"min": v[0], "median": v[len(v) // 2], "max": v[-1],
            "cpus": os.cpu_count() or 0}


def load_annotations(path):
    """id -> ('equivalent' | 'killed' | 'open', text).  A line that is not
    one of the three forms stops the run (a typo must not silently leave
    a survivor unexplained)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as fh:
        for no, ln in enumerate(fh, 1):
            ln = ln.rstrip("\n")
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            mid, _sep, rest = ln.partition("\t")
            rest = rest.strip()
            m = re.match(r"(equivalent|killed by|open)\s*:\s*(\S.*)", rest)
            if m is None or not re.fullmatch(r"[\w.]+:\d+:[\w-]+:\d+",
                                             mid.strip()):
                raise SystemExit("%s:%d: error: expected ID<TAB>equivalent: "
                                 "ARGUMENT, ID<TAB>killed by: SCENARIO or "
                                 "ID<TAB>open: CLASS" % (path, no))
            out[mid.strip()] = ({"equivalent": "equivalent",
                                 "killed by": "killed",
                                 "open": "open"}[m.group(1)], m.group(2))
    return out


def tally(recs, ann):
    c = {"killed-native": 0, "killed-tsan": 0, "killed-sched": 0,
         "timeout": 0, "survived": 0, "unbuildable": 0, "equivalent": 0}
    for r in recs:
        st = r["status"]
        if st == "survived" and ann.get(r["id"], ("",))[0] == "equivalent":
            st = "equivalent"
        c[st] = c.get(st, 0) + 1
    killed_n = c["killed-native"] + c["timeout"]
    killed = killed_n + c["killed-tsan"] + c["killed-sched"]
    nonequiv = killed + c["survived"]
    return c, killed_n, killed, nonequiv


def pct(a, b):
    return "%.1f%%" % (100.0 * a / b) if b else "-"


def summary(doc, ann):
    recs = doc["mutants"]
    c, kn, k, ne = tally(recs, ann)
    print("mutants run: %d; unbuildable %d; equivalent %d; killed natively "
          "%d (%s), +TSan %d (%s), +sched %d (%s); survived %d"
          % (len(recs), c["unbuildable"], c["equivalent"], kn, pct(kn, ne),
             kn + c["killed-tsan"], pct(kn + c["killed-tsan"], ne), k,
             pct(k, ne), c["survived"]))


def md_escape(s):
    return (s or "").replace("|", "\\|").replace("\n", " ")


OPERATOR_DOC = [
    ("order", "a memory order weakened one step (seq_cst to acq_rel, "
     "acq_rel to release and to acquire, release and acquire to relaxed; "
     "fences and the implicit seq_cst of `atomic_*` without `_explicit` "
     "included; relaxed has no weaker step): where the operation is "
     "written, and at each call site of a function that performs it "
     "(`ms_ref_down`), through a weakened copy of that function used at "
     "that call site only"),
    ("drop-upref", "an up_ref removed (`X509_up_ref`, `SSL_SESSION_up_ref`, "
     "`ms_ref_up`, ...); where its value is used, it is taken as 1"),
    ("drop-free", "a free or release removed outside error paths "
     "(`SSL_free`, `ms_free`, `sk_*_pop_free`, `*_cleanup`, `*_destroy`, "
     "`ms_obj_retire`; `ms_ref_down` taken as \"others still hold it\")"),
    ("drop-err-free", "the same on an error path: after an `err`/`fail` "
     "label, or in a block that ends in a failure return or a goto"),
    ("drop-lock", "a lock acquire removed (`ms_ssl_lock`, `MS_LOCK`, "
     "`BIO_LOCK`, `PAIR_LOCK`, `CACHE_LOCK`)"),
    ("drop-unlock", "a lock release removed (the same wrappers)"),
    ("drop-lock-pair", "a lock and every unlock of the same mutex after it "
     "in its function removed: the critical section runs unprotected, as "
     "code that forgot the lock altogether runs it (dropping the lock "
     "alone also releases a mutex nobody holds)"),
    ("skip-copy", "in a copy (SSL_dup: `dup_locked`, `ms_ssl_new_from`; the "
     "settings copy `ms_cfg_copy` and its helpers, field by field, the "
     "fields of its struct assignment included; the session copy "
     "`SSL_SESSION_dup` and `new_session`; `X509_VERIFY_PARAM_set1`; "
     "`SSL_copy_session_id`; `ms_ex_dup`, `X509_NAME_dup`, "
     "`OPENSSL_sk_dup`): one field copy left out (an assignment, a memcpy, "
     "a copy loop, a guarded copy, a copy helper taken as done)"),
    ("share", "in a copy: a deep copy replaced by the original's own "
     "pointer, so that the two objects share one buffer (the shape of "
     "CVE-2015-3196)"),
    ("ref-cmp", "a comparison of a reference count shifted by one (`> 0` to "
     "`> 1` and `>= 0`, `== 1` to `== 0` and `== 2`, ...)"),
    ("cow", "a copy-on-write turned into an in-place update of a shared "
     "object: the handshake filling in the SSL's current (shared) session "
     "instead of a new one, a resumed server writing the client's "
     "certificate into the cached session, SSL_SESSION_set_timeout writing "
     "into a shared session, SSL_clear marking the shared session not "
     "resumable instead of taking it out of the cache"),
]


def write_report(path, doc, ann, texts):
    """doc/mutation.md: what is measured and how, then the run's figures
    and every survivor."""
    recs = doc["mutants"]
    c, kn, k, ne = tally(recs, ann)
    kt = kn + c["killed-tsan"]
    s = doc["settings"]
    L = []
    add = L.append
    add("# Mutation analysis of minissl")
    add("")
    add("Do the scenarios notice the bugs nobody seeded?  `make mutation` "
        "(scripts/mutation.py, Python 3, standard library only) makes "
        "mutants of minissl's sources, one small change each of the kinds "
        "that real reference-counting, copy and locking bugs take, and runs "
        "the scenario suite against each: natively, then the survivors "
        "under ThreadSanitizer, then under controlled scheduling.  This "
        "page is written by that run; every figure in it is from the run "
        "described under [The measurement](#the-measurement).")
    add("")
    add("```sh")
    add("make mutation                   # the whole set; rewrites this page "
        "and doc/mutation-results.json")
    add("make mutation-sample            # 10 mutants (MUTATION_SAMPLE, "
        "MUTATION_SEED), for make check")
    add("scripts/mutation.py --list      # every mutant: id, description, "
        "the line before and after")
    add("scripts/mutation.py --only cfg.c:117:skip-copy:29   # one mutant")
    add("scripts/mutation.py --sample 20 --seed 7 --operators drop-lock,"
        "drop-unlock --files dup.c,ssl.c")
    add("```")
    add("")
    add("`--jobs N` (default 2) workers, `--resume` keeps the verdicts of "
        "the mutants that did not change, `--report-only` rewrites this "
        "page from the JSON; `--help` lists the budgets.")
    add("")
    add("## Mutants")
    add("")
    add("Each mutant is one textual change at one place of `lib/src/*.c` "
        "or of a header with code in it (`refcount.h`, `internal.h`), with "
        "a stable id `FILE:LINE:OPERATOR:N` (N counts the mutants of one "
        "operator on one line) and a description.")
    add("")
    add("| operator | the change |")
    add("|---|---|")
    for op, text in OPERATOR_DOC:
        add("| %s | %s |" % (op, text))
    add("")
    cen = doc.get("atomics")
    if cen:
        cc = cen["counts"]
        nr = cen["not_relaxed"]
        add("Memory orders: the code the native build runs has %d atomic "
            "operations and fences (`atomic_*`): %s.  Relaxed has no weaker "
            "step, so the order mutants are those of %s, each weakened where "
            "it is written (all its callers at once) and, through a "
            "weakened copy of the function that performs it, at each call "
            "site of that function alone (`ms_ref_down` at every object "
            "type's free: %d order mutants in all)."
            % (sum(cc.values()), ", ".join("%d %s" % (n, o) for o, n in
                                           sorted(cc.items(),
                                                  key=lambda x: -x[1])),
               ", ".join("%s (%s)" % (o, ", ".join(w)) for o, w in
                         sorted(nr.items())) or "none",
               sum(1 for r in recs if r["operator"] == "order")))
        add("")
    add("Never mutated: comments and preprocessor lines; the code that "
        "only the fault and sched builds compile or run (`fault.c`, "
        "`faults.h`, `sched.c`, `sched_hook.h`, `ms_fault_*` helpers, the "
        "conditions `MS_FAULT(...)` and the bodies of `if (MS_FAULT(...))`, "
        "`#ifdef MINISSL_SCHED`/`MINISSL_FAULTS` blocks); yield-point and "
        "Valgrind annotations (`MS_SCHED_*`, `MS_HAPPENS_*`).  The body of "
        "`if (!MS_FAULT(x)) CALL` is native code and is mutated: dropping "
        "the up_refs of dup.c, ssl.c and sesscache.c written so is what "
        "the seeded faults `dup_session_noref`, `ssl_new_ctx_noref` and "
        "`cache_get_noref` do, which scenarios/bugs/ reproduces; here the "
        "suite itself must catch them.")
    add("")
    add("## How a mutant is judged")
    add("")
    add("Each worker keeps one persistent copy of the tree "
        "(`build/mutation/wN`, seeded from the worktree's `build/`).  A "
        "mutant is written into it, `make` rebuilds only the objects that "
        "depend on the file, and afterwards the file, those objects, the "
        "library and the binary are put back byte for byte with their old "
        "times (checked: the file reads back as before, and `make -q` "
        "finds every build up to date at the end of the run).  Then, "
        "stopping at the first tier that kills:")
    add("")
    add("1. **build** (`make VARIANT=native`): a mutant that does not "
        "compile is *unbuildable* and counted apart;")
    add("2. **native**: `build/native/sslstress run -q --no-color --seed %s "
        "--max-failures 1 SCENARIOS` with %s; killed by a non-zero exit "
        "(a failed expectation, a leak, one of minissl's own checks, a "
        "crash, a hang the harness's watchdog reports) or by no verdict "
        "within %d s;" % (s["seed"], "each file's own iterations"
                         if s["native"] == "file's own"
                         else " ".join(s["native"]), s["timeout"]))
    if s["tsan"]:
        add("3. **TSan**, the survivors: `build/tsan/sslstress` (rebuilt "
            "with the mutant), the same scenarios with `--iterations %d`, "
            "in the environment of `scripts/detector-env.sh first` (the "
            "first report ends the run: `halt_on_error=1`, exit 66);"
            % s["tsan_iterations"])
    if s["sched"]:
        add("4. **controlled scheduling**, the survivors: "
            "`build/sched/sslstress --schedule dfs:preemptions=2` on those "
            "scenarios that have 2 or 3 threads, at most %d schedules and "
            "%d s per scenario (most are exhausted well within it)."
            % (s["sched_schedules"], s["sched_seconds"]))
    add("")
    add("SCENARIOS are the scenarios that execute the mutated line: gcov "
        "coverage of the unmutated tree, one scenario at a time with the "
        "same seed and budget (cached per scenario under "
        "`build/mutation/reach/`, by a hash of lib/, stress/ and the "
        "scenario file).  A scenario that never executes the line runs "
        "the same code as on the unmutated tree, where the whole suite "
        "passes, so it cannot kill the mutant; a mutant that no scenario "
        "executes survives without a run (*not reached* below).  A mutant "
        "none of whose lines gcov counts runs every scenario; "
        "`--whole-suite` runs every scenario for every mutant (those that "
        "execute the line first).%s  A kill counts only if the killing "
        "scenario passes on the unmutated tree in the same tier and "
        "settings (checked once per scenario and tier)."
        % (" This run used `--whole-suite`." if s.get("whole_suite")
           else ""))
    add("")
    add("The score is killed / non-equivalent: non-equivalent mutants are "
        "those that build and are not argued equivalent in "
        "`scripts/mutation-equivalent.txt`, whose lines read "
        "`ID<TAB>equivalent: ARGUMENT` (nothing the contract lets a caller "
        "observe can tell the mutant apart) or `ID<TAB>killed by: "
        "SCENARIO` (a scenario written since that kills it; the next run "
        "measures it).  The survivor tables show them in their last "
        "column.")
    add("")
    add("## The measurement")
    add("")
    first = "" if doc.get("sample") else "A run of the whole set. "
    add("%sCommand: `%s`, %s, on %s." % (first, doc["command"], doc["date"],
                                         doc["host"]))
    add("")
    secs = doc["seconds"]
    per = [r["seconds"] for r in recs if "seconds" in r]
    add("- mutants: %d generated, %d judged%s" % (
        doc["total"], len(recs),
        " (a sample: --sample %s --seed %s)" % (doc["sample"], s["seed"])
        if doc.get("sample") else ""))
    add("- time: %.1f min in all with %d workers: %.1f min preparing (the "
        "trees' builds, the unmutated suite natively (%s s) and under TSan "
        "(%s s), coverage), then %.1f s per mutant on average"
        % (secs / 60.0, doc["jobs"], doc["prepare_seconds"] / 60.0,
           doc["baseline_seconds"].get("native", "-"),
           doc["baseline_seconds"].get("tsan", "-"),
           sum(per) / len(per) if per else 0))
    ld = doc.get("load")
    if ld:
        add("- the machine was shared with other jobs: 1-minute load "
            "average %s to %s (median %s) on %d CPUs as the mutants ended"
            % (ld["min"], ld["max"], ld["median"], ld["cpus"]))
    if doc.get("cpu_seconds"):
        add("- CPU time (user + system) of the run and all its children: "
            "%.1f min, so at least %.1f min of wall time on 2 idle cores "
            "(the wall time above includes what other jobs on the machine "
            "took from it)"
            % (doc["cpu_seconds"] / 60.0, doc["cpu_seconds"] / 120.0))
    if doc.get("stale_rules"):
        add("- stale hand-located rules (the code moved): %s"
            % "; ".join(doc["stale_rules"]))
    add("")
    add("## Score")
    add("")
    add("Score: **%s** of the %d non-equivalent mutants killed (%d of %d "
        "mutants built; %d argued equivalent)."
        % (pct(k, ne), ne, len(recs) - c["unbuildable"], len(recs),
           c["equivalent"]))
    add("")
    add("| | non-equivalent | killed | score |")
    add("|---|---|---|---|")
    add("| natively (%d of them by a hang) | %d | %d | %s |" % (
        c["timeout"], ne, kn, pct(kn, ne)))
    if s["tsan"]:
        add("| + TSan | %d | %d | %s |" % (ne, kt, pct(kt, ne)))
    if s["sched"]:
        add("| + controlled scheduling | %d | %d | %s |" % (ne, k,
                                                          pct(k, ne)))
    add("")
    race = [r for r in recs if r["operator"] in RACE_OPS
            and r["status"] != "unbuildable"]
    if race and (s["tsan"] or s["sched"]):
        by = {"tsan": 0, "sched": 0}
        for r in race:
            if r.get("race") in by:
                by[r["race"]] += 1
        rest = [r for r in race if not r.get("race")]
        add("Dropped locks and weakened orders (%s) must be found by a race "
            "detector or a controlled schedule, not only by luck in a "
            "free-running one: for them the TSan and controlled tiers run "
            "even after a native kill, until one kills.  Of %d such "
            "mutants: %d killed by TSan, %d by controlled scheduling, %d by "
            "neither%s."
            % (", ".join(sorted(RACE_OPS)), len(race), by["tsan"],
               by["sched"], len(rest),
               ": " + ", ".join("`%s` (%s%s)" % (
                   r["id"], r["status"],
                   "; " + ann[r["id"]][0] + ": " + ann[r["id"]][1]
                   if r["id"] in ann else "") for r in rest)
               if rest else ""))
        add("")
    surv = [r for r in recs if r["status"] == "survived"
            and ann.get(r["id"], ("",))[0] != "equivalent"]
    unreached = [r for r in surv if r.get("reach") == []]
    add("Built: %d of %d (%d unbuildable); argued equivalent: %d; "
        "survived: %d, of which %d are executed by no scenario."
        % (len(recs) - c["unbuildable"], len(recs), c["unbuildable"],
           c["equivalent"], len(surv), len(unreached)))
    add("")
    for title, key in (("operator", "operator"), ("file", "file")):
        add("## Per %s" % title)
        add("")
        add("| %s | mutants | unbuildable | equivalent | native | +TSan "
            "| +sched | survived (not reached) | score |" % title)
        add("|---|---|---|---|---|---|---|---|---|")
        groups = {}
        for r in recs:
            g = os.path.basename(r[key]) if key == "file" else r[key]
            groups.setdefault(g, []).append(r)
        order = OPERATORS if key == "operator" else sorted(groups)
        for g in order:
            if g not in groups:
                continue
            cc, gkn, gk, gne = tally(groups[g], ann)
            nr = sum(1 for r in groups[g] if r in unreached)
            add("| %s | %d | %d | %d | %d | %d | %d | %d (%d) | %s |" % (
                g, len(groups[g]), cc["unbuildable"], cc["equivalent"], gkn,
                cc["killed-tsan"], cc["killed-sched"], cc["survived"], nr,
                pct(gk, gne)))
        add("")
    allsurv = [r for r in recs if r["status"] == "survived"]
    add("## Survivors (%d)" % len(allsurv))
    add("")
    add("Every mutant that no tier killed, by operator.  `reach`: how many "
        "scenarios execute the line, and the first of them (*none*: no "
        "scenario does).  The last column comes from "
        "scripts/mutation-equivalent.txt; empty: open.")
    add("")
    for op in OPERATORS:
        rs = [r for r in allsurv if r["operator"] == op]
        if not rs:
            continue
        add("### %s (%d)" % (op, len(rs)))
        add("")
        add("| mutant | function | change | reach | killed by / equivalent |")
        add("|---|---|---|---|---|")
        for r in sorted(rs, key=lambda r: (r["file"], r["line"], r["id"])):
            a = ann.get(r["id"])
            note = "" if a is None else {"equivalent": "equivalent: ",
                                         "killed": "killed by: ",
                                         "open": "open: "}[a[0]] + a[1]
            reach = r.get("reach")
            rtxt = "all (no line data)" if reach is None else (
                "*none*" if not reach else "%d: %s" % (
                    len(reach), ", ".join(reach[:2])
                    + (", ..." if len(reach) > 2 else "")))
            add("| `%s` | %s | `%s` → `%s` | %s | %s |" % (
                r["id"], r.get("function", ""), md_escape(r["old"]),
                md_escape(r["new"]), rtxt, md_escape(note)))
        add("")
    if not doc.get("sample"):
        surv_ids = {r["id"] for r in allsurv}
        stale = sorted(i for i in ann if i not in surv_ids)
        if stale:
            add("Annotations in scripts/mutation-equivalent.txt that match no "
                "survivor of this run (the mutant is killed now, or its line "
                "moved): %s." % ", ".join("`%s`" % i for i in stale))
            add("")
    unb = [r for r in recs if r["status"] == "unbuildable"]
    if unb:
        add("## Unbuildable (%d)" % len(unb))
        add("")
        add("| mutant | compiler |")
        add("|---|---|")
        for r in unb:
            add("| `%s` | %s |" % (r["id"],
                                   md_escape(r.get("detail", ""))[:160]))
        add("")
    kills = {}
    for r in recs:
        st = r["status"]
        if st.startswith("killed-") or st == "timeout":
            tier = "native" if st == "timeout" else st[7:]
            row = kills.setdefault(r.get("killer") or "?", {})
            row[tier] = row.get(tier, 0) + 1
    if kills:
        add("## Which scenarios kill")
        add("")
        add("The scenario that killed each mutant first (in the order the "
            "run tried them), per tier; doc/mutation-results.json has every "
            "mutant's verdict, killer, first failure and times.")
        add("")
        add("| scenario | native | TSan | sched |")
        add("|---|---|---|---|")
        for scen in sorted(kills, key=lambda x: (-sum(kills[x].values()), x)):
            row = kills[scen]
            add("| %s | %s | %s | %s |" % (scen, row.get("native", ""),
                                           row.get("tsan", ""),
                                           row.get("sched", "")))
        add("")
    with open(path, "w") as fh:
        fh.write("\n".join(L))


if __name__ == "__main__":
    sys.exit(main())
