#!/usr/bin/env python3
"""Mutation analysis: does the scenario suite catch bugs nobody seeded?

Contract
  Generates mutants of minissl (lib/src/*.c and the headers with code in
  them), each ONE textual change at one place, with a stable id
  FILE:LINE:OPERATOR:N and a description, then judges each against the
  scenario suite, treating `sslstress` as a black box (its command line and
  its exit status: 0 all passed, anything else a failure found):

    1. native: `sslstress run -q --seed S --max-failures 1 scenarios/` with
       each file's own iterations; a non-zero exit, a crash or a hang of
       the whole run (--timeout) kills the mutant;
    2. survivors: the TSan build (`make VARIANT=tsan`), the same suite with
       --tsan-iterations per scenario, TSAN_OPTIONS halt_on_error=1
       exitcode=66 (scripts/tsan.supp);
    3. survivors: the controlled scheduler (`make VARIANT=sched`),
       `--schedule dfs:preemptions=2` on the 2- and 3-thread scenarios that
       execute the mutated line (gcov of the unmutated tree, one scenario
       at a time, cached by a hash of lib/, stress/ and scenarios/), bounded
       by --sched-schedules and --sched-seconds per scenario.

  A mutant that does not compile is "unbuildable" and counted apart.  A
  scenario that kills a mutant is first checked to pass on the unmutated
  tree (once per run and tier), so a flaky scenario cannot inflate the
  score.

Operators (--operators; `--list` prints every mutant without running):
  order          a memory order weakened one step (seq_cst->acq_rel,
                 acq_rel->release and ->acquire, release/acquire->relaxed,
                 fences included; an implicit seq_cst atomic gets one)
  drop-upref     an up_ref (X509_up_ref, SSL_SESSION_up_ref, ms_ref_up...)
                 removed
  drop-free      a free/release (SSL_free, ms_free, sk_*_pop_free,
                 ..._cleanup, ms_ref_down...) removed, outside error paths
  drop-err-free  the same on an error path (after an err/fail label, or in
                 an if-block that ends in a failure return or a goto)
  drop-lock      a lock acquire removed (ms_ssl_lock, MS_LOCK, BIO_LOCK,
                 CACHE_LOCK, pthread_mutex_lock, rwlocks)
  drop-unlock    a lock release removed
  skip-copy      in a copy function (SSL_dup, ms_cfg_copy and friends,
                 SSL_SESSION_dup, X509_VERIFY_PARAM_set1, ms_ex_dup,
                 new_session...): one field copy removed (an assignment, a
                 memcpy, a copy loop, a guarded copy block, a copy helper
                 call treated as done)
  share          in a copy function: a deep copy replaced by the source's
                 own pointer (the shape of CVE-2015-3196)
  ref-cmp        a comparison of a reference count shifted by one
  cow            a copy-on-write turned into an in-place update of a
                 shared object (hand-located rules, COW_RULES below)

  Not mutated: code that runs only in fault or sched builds (MS_FAULT(...)
  conditions and the bodies they guard, ms_fault_* helpers, fault.c,
  faults.h, sched.c, sched_hook.h, #ifdef MINISSL_SCHED / MINISSL_FAULTS
  blocks), yield-point and Valgrind annotations (MS_SCHED_*, MS_HAPPENS_*,
  CACHE_YIELD/NOTE), preprocessor lines (macro bodies), comments,
  pthread_mutex_destroy.  For `if (!MS_FAULT(f)) STMT`, STMT is native
  code and is mutated (that mutant is also fault f's shape).

Work: one persistent copy of the tree per worker under --workdir (default
build/mutation/wN), seeded from the worktree's build/ so that unchanged
objects are reused; a mutant is applied in place, `make` rebuilds only the
objects that depend on the file (-MMD), and afterwards the file, those
objects, their .d files, libminissl.a and the binary are restored
byte-for-byte with their old times, so the copy is exactly the unmutated
build again.

Output: --json (default build/mutation/results.json, rewritten after every
mutant; --resume reuses its verdicts for mutants whose id and change are
the same and whose tree hash matches) and --report (markdown; `make
mutation` writes doc/mutation.md).  Survivors are matched with
scripts/mutation-equivalent.txt (lines `ID<TAB>equivalent: ARGUMENT` or
`ID<TAB>killed by: SCENARIO`), which the report merges in.

Exit status: 0 the run completed (whatever the score), 1 the unmutated
tree fails the suite or a build of it fails, 2 usage error.
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
             "drop-lock", "drop-unlock", "skip-copy", "share", "ref-cmp",
             "cow"]
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
    ("cow", "sesscache.c", "SSL_SESSION_set_timeout",
     "if (ms_ref_load(&s->hdr.refs, \"SSL_SESSION\", s->hdr.id) > 1) {",
     "if (0 && ms_ref_load(&s->hdr.refs, \"SSL_SESSION\", s->hdr.id) > 1) {",
     "SSL_SESSION_set_timeout writes into a shared session instead of "
     "refusing"),
    ("cow", "statem.c", "SSL_clear",
     "SSL_CTX_remove_session(s->ctx, s->session);",
     "s->session->not_resumable = 1;",
     "SSL_clear marks the shared session not resumable in place instead of "
     "taking it out of the cache (openssl/openssl#20223's shape)"),
    ("share", "cfg.c", "ms_cfg_copy",
     "(dst->param = X509_VERIFY_PARAM_new()) == NULL",
     "(dst->param = (X509_VERIFY_PARAM *)src->param) == NULL",
     "the copy shares the original's X509_VERIFY_PARAM"),
]

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
                 "func", "last_line")

    def __init__(self, src, op, start, end, repl, desc, func):
        self.file, self.op = src.rel, op
        self.start, self.end, self.repl = start, end, repl
        self.desc = re.sub(r"\s+", " ", desc)
        self.func = func
        self.line = src.text.count("\n", 0, start) + 1
        self.last_line = src.text.count("\n", 0, end) + 1
        self.n = 0

    @property
    def id(self):
        return "%s:%d:%s:%d" % (os.path.basename(self.file), self.line,
                                self.op, self.n)

    def apply(self, text):
        return text[:self.start] + self.repl + text[self.end:]

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
        return hashlib.sha256((self.id + "\0" + old + "\0" + new)
                              .encode()).hexdigest()[:16]


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
    for rel in lib_files(root, files):
        with open(os.path.join(root, rel)) as fh:
            text = fh.read()
        texts[rel] = text
        src = Src(rel, text)
        ms = gen_file(src) + gen_rules(src, stale)
        # one change per place and operator: drop exact duplicates
        seen = set()
        for m in sorted(ms, key=lambda m: (m.start, m.op, m.end, m.repl)):
            k = (m.start, m.end, m.repl)
            if k in seen:
                continue
            seen.add(k)
            muts.append(m)
    count = {}
    for m in muts:
        k = (m.file, m.line, m.op)
        count[k] = count.get(k, 0) + 1
        m.n = count[k]
    if operators:
        muts = [m for m in muts if m.op in operators]
    return muts, texts, stale


# --------------------------------------------------------------------------
# Trees: persistent copies of the project, one per worker.

TREE_DIRS = ["lib", "stress", "scenarios"]
TREE_FILES = ["Makefile", "scripts/tsan.supp"]
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


def run_to_failure(cmd, cwd, timeout, env):
    """Runs an `sslstress run`, reading its output as it comes, and stops
    it at its first `FAILURE in NAME` report (a run that reports a failure
    exits 1: the rest of the suite cannot change the verdict).
    (status, output, seconds, (name, message) or None); status None on
    timeout, "failure" when stopped at a report."""
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
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            status = None
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
        rel, data, times, saved, _where = state
        src = os.path.join(self.path, rel)
        with open(src, "wb") as fh:
            fh.write(data)
        os.utime(src, ns=times)
        for p, q in saved:
            shutil.copy2(q, p)
            os.unlink(q)

    def write(self, rel, text):
        with open(os.path.join(self.path, rel), "w") as fh:
            fh.write(text)


# --------------------------------------------------------------------------
# Scenario runs

def scenario_names(root):
    d = os.path.join(root, "scenarios")
    return sorted(f[:-4] for f in os.listdir(d) if f.endswith(".scn"))


def thread_count(root, name):
    with open(os.path.join(root, "scenarios", name + ".scn")) as fh:
        return sum(1 for l in fh if l.startswith("thread "))


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

    def env(self, tier):
        e = dict(os.environ)
        e.pop("MINISSL_FAULT", None)
        e["NO_COLOR"] = "1"
        e["SSLSTRESS_LOG_DIR"] = os.path.join(self.tmp, "logs")
        if tier == "tsan":
            e["TSAN_OPTIONS"] = ("halt_on_error=1 exitcode=66 suppressions=%s"
                                 % os.path.join(self.tree.path,
                                                "scripts/tsan.supp"))
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

    def staged(self, tier, first):
        """The whole suite with the scenarios in |first| (those that
        execute the mutated line) before the others, so that the run stops
        early at a kill: (verdict, killer, message, seconds)."""
        names = scenario_names(self.tree.path)
        want = set(first or [])
        order = [s for s in names if s in want] + \
            [s for s in names if s not in want]
        return self.suite(tier, order)

    def suite(self, tier, scenarios=None):
        """(verdict, killer, message, seconds): verdict 'pass', 'killed',
        'timeout'."""
        c = self.cfg
        j = os.path.join(self.tmp, "run-%s.json" % tier)
        if os.path.exists(j):
            os.unlink(j)
        logs = os.path.join(self.tmp, "logs")
        shutil.rmtree(logs, ignore_errors=True)
        files = ["scenarios/"] if scenarios is None else \
            ["scenarios/%s.scn" % s for s in scenarios]
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
            return "killed", fl[0][0], what[:300], secs
        tail = out.strip().splitlines()[-1:] or [""]
        return "killed", "(none named)", ("%s: %s" % (msg, tail[0]))[:300], \
            secs


# --------------------------------------------------------------------------
# Reach: which scenarios execute each line of lib/ (gcov).

def compute_reach(cfg, root, log):
    h = tree_hash(root)
    cache = os.path.join(cfg.workdir, "reach-%s.json" % h)
    if os.path.exists(cache):
        with open(cache) as fh:
            return json.load(fh)
    cov = os.path.join(cfg.workdir, "cov")
    os.makedirs(cov, exist_ok=True)
    sync_tree(root, cov)
    log("reach: coverage build in %s" % cov)
    rc, out, _ = run([cfg.make, "--no-print-directory", "-s",
                      "BUILDDIR=build/cov", "CFLAGS=-O0 -g --coverage",
                      "LDFLAGS=--coverage", "build/cov/sslstress"], cov,
                     timeout=1800)
    if rc != 0:
        raise SystemExit("mutation: coverage build failed:\n" + out[-3000:])
    objdir = os.path.join(cov, "build/cov/lib/src")
    reach = {}
    t0 = time.monotonic()
    for name in scenario_names(root):
        for f in os.listdir(objdir):
            if f.endswith(".gcda"):
                os.unlink(os.path.join(objdir, f))
        rc, out, secs = run(["build/cov/sslstress", "run", "-q", "--no-fork",
                             "--no-color", "--seed", str(cfg.seed)]
                            + cfg.native_args
                            + ["scenarios/%s.scn" % name], cov,
                            timeout=cfg.timeout * 4, env=dict(
                                os.environ, NO_COLOR="1"))
        gcdas = sorted(f for f in os.listdir(objdir) if f.endswith(".gcda"))
        if not gcdas:
            continue
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
                    if ln.get("count", 0) > 0:
                        key = "%s:%d" % (fname, ln["line_number"])
                        s = reach.setdefault(key, [])
                        if not s or s[-1] != name:
                            s.append(name)
    log("reach: %d lines reached by some scenario (%.0f s)"
        % (len(reach), time.monotonic() - t0))
    with open(cache, "w") as fh:
        json.dump(reach, fh)
    return reach


def reaching(reach, m):
    """Scenarios that execute any line of mutant m (None: no data)."""
    if reach is None:
        return None
    out = set()
    base = os.path.basename(m.file)
    for ln in range(m.line, m.last_line + 1):
        out.update(reach.get("%s:%d" % (base, ln), []))
    return sorted(out)


# --------------------------------------------------------------------------
# The run

class Config:
    pass


def prepare_tree(cfg, root, k, variants, log):
    path = os.path.join(cfg.workdir, "w%d" % k)
    os.makedirs(path, exist_ok=True)
    for v in variants:
        dst = os.path.join(path, "build", v)
        seed = os.path.join(cfg.workdir, "w0", "build", v) if k > 0 else \
            os.path.join(root, "build", v)
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


def judge(cfg, tree, runner, m, text, reach, baseline, log):
    """Runs one mutant; returns its record."""
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
        tiers = [("native", None)]
        if cfg.tsan:
            tiers.append(("tsan", None))
        if cfg.sched:
            tiers.append(("sched", "reach"))
        r = reaching(reach(), m)
        for tier, scope in tiers:
            scen = None
            if scope == "reach":
                scen = [s for s in (r or [])
                        if 2 <= cfg.threads.get(s, 0) <= 3]
                rec["sched_scenarios"] = len(scen)
                if not scen:
                    continue
            if tier != "native":
                tree.stash_outputs(state, tier)
                rc, out, bs = tree.build(tier)
                rec["build_seconds"] += round(bs, 1)
                if rc != 0:
                    rec.update(status="unbuildable",
                               detail="%s build: %s" % (tier, out[-200:]))
                    return rec
            if tier == "sched":
                v, killer, msg, secs = runner.suite(tier, scen)
            else:
                v, killer, msg, secs = runner.staged(tier, r)
            rec.setdefault("tiers", {})[tier] = {
                "verdict": v, "scenario": killer, "seconds": round(secs, 1)}
            if v == "pass":
                continue
            rec.update(status="timeout" if v == "timeout" else
                       "killed-" + tier, killer=killer, detail=msg)
            return rec
        rec["status"] = "survived"
        rec["reach"] = r
        return rec
    finally:
        tree.restore(state)
        rec["seconds"] = round(time.monotonic() - t0, 1)


def verify_killers(cfg, tree, runner, recs, baseline, log):
    """A scenario that killed a mutant must pass on the unmutated tree
    (same tier and settings); a mutant whose killer does not is re-judged
    as 'flaky-killer' (reported, counted as survived)."""
    for rec in recs:
        st = rec.get("status", "")
        if not st.startswith("killed-"):
            continue
        tier, scen = st[7:], rec.get("killer")
        if not scen or scen.startswith("("):
            continue
        ok = baseline.known(tier, scen)
        if ok is None:
            v, _k, _m, _s = runner.suite(tier, [scen])
            ok = v == "pass"
            baseline.set(tier, scen, ok)
            if not ok:
                log("warning: %s fails %s on the unmutated tree" % (scen, tier))
        if not ok:
            rec["status"] = "survived"
            rec["detail"] = "killed only by %s, which fails unmutated too" % scen


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
                    help="sample seed and sslstress --seed (default 1)")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=120,
                    help="seconds for one suite run before it counts as a "
                    "hang (default 120)")
    ap.add_argument("--iterations", type=int,
                    help="native: iterations per scenario (default: each "
                    "file's own)")
    ap.add_argument("--tsan-iterations", type=int, default=1000)
    ap.add_argument("--sched-schedules", type=int, default=20000)
    ap.add_argument("--sched-seconds", type=int, default=5,
                    help="dfs time per scenario (default 5)")
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
    a = ap.parse_args(argv)

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
    cfg.native_args = ["--iterations", str(a.iterations)] if a.iterations \
        else []
    cfg.tsan, cfg.sched = not a.no_tsan, not a.no_sched
    cfg.tsan_iterations = a.tsan_iterations
    cfg.sched_schedules, cfg.sched_seconds = a.sched_schedules, a.sched_seconds
    cfg.threads = {s: thread_count(ROOT, s) for s in scenario_names(ROOT)}
    lock = threading.Lock()
    t_start = time.monotonic()

    def log(msg):
        with lock:
            print("[%6.0fs] %s" % (time.monotonic() - t_start, msg), flush=True)

    thash = tree_hash(ROOT)
    settings = {"seed": a.seed, "native": cfg.native_args or "file's own",
                "timeout": a.timeout, "tsan": cfg.tsan,
                "tsan_iterations": a.tsan_iterations, "sched": cfg.sched,
                "sched_schedules": a.sched_schedules,
                "sched_seconds": a.sched_seconds}
    prev = {}
    if a.resume and os.path.exists(jpath):
        with open(jpath) as fh:
            old = json.load(fh)
        if old.get("tree") == thash and old.get("settings") == settings:
            prev = {r["key"]: r for r in old.get("mutants", []) if "key" in r}
    todo = [m for m in muts if m.key(texts[m.file]) not in prev]
    log("%d mutants in all, %d selected, %d to run (%d reused)"
        % (total, len(muts), len(todo), len(muts) - len(todo)))

    variants = ["native"] + (["tsan"] if cfg.tsan else []) + \
        (["sched"] if cfg.sched else [])
    jobs = max(1, min(a.jobs, len(todo) or 1))
    t_prep = time.monotonic()
    trees = [prepare_tree(cfg, ROOT, k, variants, log) for k in range(jobs)]
    runners = [Runner(cfg, t, os.path.join(cfg.workdir, "tmp%d" % k))
               for k, t in enumerate(trees)]
    for r in runners:
        os.makedirs(r.tmp, exist_ok=True)
    # The unmutated suite must pass natively (and under TSan), else every
    # mutant would look killed.
    base = {}
    for tier in ["native"] + (["tsan"] if cfg.tsan else []):
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
               "stale_rules": stale, "mutants": recs}
        tmp = jpath + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(doc, fh, indent=1)
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
            rec = judge(cfg, tree, runner, m, text, reach, baseline, log)
            verify_killers(cfg, tree, runner, [rec], baseline, log)
            rec["key"] = m.key(text)
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
    doc = save()
    summary(doc, load_annotations(a.equivalent))
    if a.report:
        write_report(a.report, doc, load_annotations(a.equivalent), texts)
        log("report: %s" % os.path.relpath(a.report, ROOT))
    log("results: %s" % os.path.relpath(jpath, ROOT))
    return 0


# --------------------------------------------------------------------------
# Reports

def load_annotations(path):
    """id -> ('equivalent' | 'killed', text)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as fh:
        for ln in fh:
            ln = ln.rstrip("\n")
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            mid, _sep, rest = ln.partition("\t")
            rest = rest.strip()
            m = re.match(r"(equivalent|killed by)\s*:\s*(.*)", rest)
            if m:
                out[mid.strip()] = ("equivalent" if m.group(1) == "equivalent"
                                    else "killed", m.group(2))
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


def write_report(path, doc, ann, texts):
    recs = doc["mutants"]
    c, kn, k, ne = tally(recs, ann)
    kt = kn + c["killed-tsan"]
    L = []
    s = doc["settings"]
    L.append("# Mutation analysis of minissl")
    L.append("")
    L.append("Generated by `scripts/mutation.py` (`make mutation`); every "
             "figure below is from the run it describes.  Mutants are "
             "one-line-sized changes of `lib/src/` that real refcount, copy "
             "and locking bugs take; each is judged by the scenario suite "
             "natively, then (survivors) under ThreadSanitizer, then "
             "(survivors) under controlled scheduling.  Operators, tiers and "
             "the kill criterion are described in the script's header "
             "(`scripts/mutation.py --help`, and its top comment).")
    L.append("")
    L.append("## The run")
    L.append("")
    L.append("- command: `%s`" % doc["command"])
    L.append("- date: %s; host: %s; %d workers; the machine was shared with "
             "other jobs, so the times are pessimistic" % (
                 doc["date"], doc["host"], doc["jobs"]))
    L.append("- tree hash %s (lib/, stress/, scenarios/, Makefile)" % doc["tree"])
    L.append("- mutants generated: %d; judged in this run: %d%s" % (
        doc["total"], len(recs),
        " (a sample, --sample %s --seed %s)" % (doc["sample"], s["seed"])
        if doc.get("sample") else ""))
    nat = s["native"]
    L.append("- native budget: `sslstress run -q --seed %s --max-failures 1 "
             "scenarios/` with %s iterations per scenario; a run longer than "
             "%d s counts as a hang (killed); unmutated suite: %s s" % (
                 s["seed"], "each file's own" if nat == "file's own" else
                 " ".join(nat), s["timeout"],
                 doc["baseline_seconds"].get("native", "-")))
    if s["tsan"]:
        L.append("- TSan budget: build/tsan/sslstress, %d iterations per "
                 "scenario, TSAN_OPTIONS halt_on_error=1 exitcode=66; "
                 "unmutated suite: %s s" % (s["tsan_iterations"],
                                            doc["baseline_seconds"].get("tsan", "-")))
    if s["sched"]:
        L.append("- sched budget: build/sched/sslstress `--schedule "
                 "dfs:preemptions=2`, at most %d schedules and %d s per "
                 "scenario, on the 2- and 3-thread scenarios whose gcov "
                 "coverage (unmutated tree) includes the mutated line"
                 % (s["sched_schedules"], s["sched_seconds"]))
    secs = doc["seconds"]
    per = [r["seconds"] for r in recs if "seconds" in r]
    L.append("- time: %.1f min in all (%.1f min preparing: builds, baseline, "
             "coverage), %.1f s per mutant on average (%d workers)" % (
                 secs / 60.0, doc["prepare_seconds"] / 60.0,
                 sum(per) / len(per) if per else 0, doc["jobs"]))
    if doc.get("stale_rules"):
        L.append("- stale hand-located rules (the code moved): %s"
                 % "; ".join(doc["stale_rules"]))
    L.append("")
    L.append("## Score")
    L.append("")
    L.append("Killed / non-equivalent (non-equivalent = built and not argued "
             "equivalent in scripts/mutation-equivalent.txt).")
    L.append("")
    L.append("| | mutants | killed | score |")
    L.append("|---|---|---|---|")
    L.append("| natively (incl. %d hangs) | %d | %d | %s |" % (
        c["timeout"], ne, kn, pct(kn, ne)))
    L.append("| + TSan | %d | %d | %s |" % (ne, kt, pct(kt, ne)))
    L.append("| + controlled scheduling | %d | %d | %s |" % (ne, k, pct(k, ne)))
    L.append("")
    L.append("Unbuildable: %d; argued equivalent: %d; survived: %d." % (
        c["unbuildable"], c["equivalent"], c["survived"]))
    L.append("")
    for title, key in (("operator", "operator"), ("file", "file")):
        L.append("## Per %s" % title)
        L.append("")
        L.append("| %s | mutants | unbuildable | equivalent | native | +tsan "
                 "| +sched | survived | score |" % title)
        L.append("|---|---|---|---|---|---|---|---|---|")
        groups = {}
        for r in recs:
            groups.setdefault(os.path.basename(r[key]) if key == "file"
                              else r[key], []).append(r)
        order = OPERATORS if key == "operator" else sorted(groups)
        for g in order:
            if g not in groups:
                continue
            cc, gkn, gk, gne = tally(groups[g], ann)
            L.append("| %s | %d | %d | %d | %d | %d | %d | %d | %s |" % (
                g, len(groups[g]), cc["unbuildable"], cc["equivalent"], gkn,
                cc["killed-tsan"], cc["killed-sched"], cc["survived"],
                pct(gk, gne)))
        L.append("")
    surv = [r for r in recs if r["status"] == "survived"]
    L.append("## Survivors (%d)" % len(surv))
    L.append("")
    L.append("Every mutant that no tier killed, grouped by operator.  The last "
             "column is filled from scripts/mutation-equivalent.txt: the "
             "scenario that now kills it, or why no caller can tell it apart "
             "(`equivalent: ...`); empty = open.  `reach` = scenarios whose "
             "coverage includes the line (- = none executes it).")
    L.append("")
    for op in OPERATORS:
        rs = [r for r in surv if r["operator"] == op]
        if not rs:
            continue
        L.append("### %s (%d)" % (op, len(rs)))
        L.append("")
        L.append("| mutant | function | change | reach | killed by / equivalent |")
        L.append("|---|---|---|---|---|")
        for r in sorted(rs, key=lambda r: (r["file"], r["line"], r["id"])):
            a = ann.get(r["id"])
            note = "" if a is None else ("equivalent: " + a[1]
                                         if a[0] == "equivalent"
                                         else "killed by: " + a[1])
            reach = r.get("reach")
            rtxt = "?" if reach is None else (
                "-" if not reach else "%d: %s" % (
                    len(reach), ", ".join(reach[:3])
                    + (", ..." if len(reach) > 3 else "")))
            L.append("| `%s` | %s | `%s` → `%s` | %s | %s |" % (
                r["id"], r.get("function", ""), md_escape(r["old"]),
                md_escape(r["new"]), rtxt, md_escape(note)))
        L.append("")
    unb = [r for r in recs if r["status"] == "unbuildable"]
    if unb:
        L.append("## Unbuildable (%d)" % len(unb))
        L.append("")
        L.append("| mutant | compiler |")
        L.append("|---|---|")
        for r in unb:
            L.append("| `%s` | %s |" % (r["id"], md_escape(r.get("detail", ""))[:160]))
        L.append("")
    L.append("## Killed: which scenario, how fast")
    L.append("")
    L.append("| mutant | status | scenario | seconds | first failure |")
    L.append("|---|---|---|---|---|")
    for r in recs:
        if r["status"].startswith("killed") or r["status"] == "timeout":
            L.append("| `%s` | %s | %s | %s | %s |" % (
                r["id"], r["status"], r.get("killer", ""), r.get("seconds", ""),
                md_escape(r.get("detail", ""))[:120]))
    L.append("")
    with open(path, "w") as fh:
        fh.write("\n".join(L))


if __name__ == "__main__":
    sys.exit(main())
