#!/usr/bin/env python3
"""swarm-reduce.py: shrinks a failing scenario (one herd swarm kept) to
a small one that still fails the same way, the first step to a golden
case (docs/testing.md).

    scripts/swarm-reduce.py swarm-618.ini --seed 1 -o small.ini
    scripts/swarm-reduce.py swarm-618.ini --seed 1 --match 'HA VM .* down'
    scripts/swarm-reduce.py swarm-1790.ini --seed 1 --crash

It runs `herd sim CANDIDATE --seed R --check-invariants` on candidates and
keeps a change while the run still reports a violation whose message
matches --match (default: the original violation's message with names
and numbers left open), or, with --crash, while the run still crashes.
Changes tried until none helps: drop a whole group ([action], [fault],
[vms], [hosts], ...), drop one key, lower a count to 1 or to half.
Candidates that do not load are rejected like any other that passes.
--require REGEX also keeps only candidates whose output matches REGEX,
--avoid REGEX only those whose output does not (to keep one cause among
several that give the same message)."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

VIOLATION = re.compile(r"invariant violated at [0-9.]+ s \(seed \d+\): (.*)")


def parse(text):
    groups = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s[0] in ";#":
            continue
        if s.startswith("["):
            groups.append((s, []))
        elif groups:
            groups[-1][1].append(s)
    return groups


def render(groups):
    return "\n".join(h + "\n" + "".join(k + "\n" for k in keys)
                     for h, keys in groups)


def loose(message):
    """The message as a pattern: names such as web-3 and numbers open."""
    out = re.escape(message)
    out = re.sub(r"[A-Za-z][A-Za-z0-9_.]*\\-\d+", r"\\S+", out)
    out = re.sub(r"\d+(\\\.\d+)?", r"[0-9.]+", out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--seed", required=True, help="the run seed that fails")
    ap.add_argument("--match", help="regex the violation must match")
    ap.add_argument("--crash", action="store_true",
                    help="keep candidates whose run crashes")
    ap.add_argument("--require", help="regex the output must match")
    ap.add_argument("--avoid", help="regex the output must not match")
    ap.add_argument("--herd", default=os.environ.get("HERD", "build/herd"))
    ap.add_argument("-o", "--output", help="default: SCENARIO-min.ini")
    args = ap.parse_args()
    out = args.output or re.sub(r"\.ini$", "", args.scenario) + "-min.ini"
    tmpdir = tempfile.mkdtemp(prefix="swarm-reduce-")
    candidate = os.path.join(tmpdir, os.path.basename(out))
    state = {"match": re.compile(args.match) if args.match else None}

    def run(groups):
        with open(candidate, "w") as f:
            f.write(render(groups))
        p = subprocess.run([args.herd, "sim", candidate, "--seed", args.seed,
                            "--check-invariants", "--quiet"],
                           capture_output=True, text=True, timeout=300)
        return p.returncode, p.stdout + p.stderr

    def fails(groups):
        code, output = run(groups)
        if args.require and not re.search(args.require, output):
            return False
        if args.avoid and re.search(args.avoid, output):
            return False
        if args.crash:
            return code < 0 or code == 134
        m = VIOLATION.search(output)
        if code != 1 or m is None:
            return False
        if state["match"] is None:
            state["match"] = re.compile(loose(m.group(1)))
            print("violation:", m.group(1))
        return bool(state["match"].search(m.group(1)))

    with open(args.scenario) as f:
        groups = parse(f.read())
    if not fails(groups):
        sys.exit("%s does not fail that way with --seed %s"
                 % (args.scenario, args.seed))
    changed = True
    while changed:
        changed = False
        for i in reversed(range(len(groups))):
            if groups[i][0] != "[scenario]" and i < len(groups):
                cand = groups[:i] + groups[i + 1:]
                if fails(cand):
                    groups, changed = cand, True
        for gi in range(len(groups)):
            for j in reversed(range(len(groups[gi][1]))):
                head, keys = groups[gi]
                cand = list(groups)
                cand[gi] = (head, keys[:j] + keys[j + 1:])
                if fails(cand):
                    groups, changed = cand, True
        for gi in range(len(groups)):
            for j, key in enumerate(groups[gi][1]):
                m = re.match(r"count = (\d+)$", key)
                if not m or int(m.group(1)) <= 1:
                    continue
                for n in (1, int(m.group(1)) // 2):
                    cand = list(groups)
                    keys = list(groups[gi][1])
                    keys[j] = "count = %d" % n
                    cand[gi] = (groups[gi][0], keys)
                    if fails(cand):
                        groups, changed = cand, True
                        break
    with open(out, "w") as f:
        f.write(render(groups))
    os.remove(candidate)
    os.rmdir(tmpdir)
    print("%s: %d lines (herd sim %s --seed %s --check-invariants)"
          % (out, sum(1 + len(k) for _, k in groups), out, args.seed))


if __name__ == "__main__":
    main()
