#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Paired throughput ratios with a stratified bootstrap interval.

Reads round results, one per line: "<boot> <cycle> <label> <value>...",
where the values are columns (ops counted in equal-length rounds); a
value "-" was not measured (a transfer that stalled).  For a comparison
of label A against label B on column k, the rounds of A and B in the same
boot and cycle form a pair when both have column k.  The ratio is sum(A) / sum(B) over
all pairs; its 95% interval comes from resampling pairs with replacement
within each boot (boots are kept as strata), percentile method.

usage: ratio.py [--seed N] [--resamples N] FILE... -- NAME:COL:A:B...
prints: "<NAME> <ratio> <lo> <hi> <pairs>" per comparison, and
        "boot <b> <NAME> <ratio> <pairs>" per boot and comparison.
"""
import random
import sys
from collections import defaultdict


def load(paths):
    rounds = defaultdict(dict)      # (boot, cycle) -> label -> [values]
    for path in paths:
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) < 4:
                    continue
                boot, cycle, label = fields[0], int(fields[1]), fields[2]
                rounds[(boot, cycle)][label] = [
                    None if v == '-' else float(v) for v in fields[3:]]
    return rounds


def pairs_by_boot(rounds, col, a, b):
    boots = defaultdict(list)
    for (boot, _cycle), labels in sorted(rounds.items()):
        if a in labels and b in labels:
            x, y = labels[a][col], labels[b][col]
            if x is not None and y is not None:
                boots[boot].append((x, y))
    return boots


def ratio(pairs):
    den = sum(p[1] for p in pairs)
    return sum(p[0] for p in pairs) / den if den else float('nan')


def bootstrap(boots, resamples, rng):
    stats = []
    strata = [p for p in boots.values() if p]
    for _ in range(resamples):
        num = den = 0.0
        for pairs in strata:
            n = len(pairs)
            for _ in range(n):
                x, y = pairs[rng.randrange(n)]
                num += x
                den += y
        stats.append(num / den if den else float('nan'))
    stats.sort()
    lo = stats[int(0.025 * (resamples - 1))]
    hi = stats[int(0.975 * (resamples - 1))]
    return lo, hi


def main(argv):
    seed, resamples = 1, 5000
    while argv and argv[0].startswith('--') and argv[0] != '--':
        opt = argv.pop(0)
        if opt == '--seed':
            seed = int(argv.pop(0))
        elif opt == '--resamples':
            resamples = int(argv.pop(0))
        else:
            sys.exit('ratio.py: unknown option ' + opt)
    if '--' not in argv:
        sys.exit(__doc__)
    sep = argv.index('--')
    rounds = load(argv[:sep])
    status = 0
    for spec in argv[sep + 1:]:
        name, col, a, b = spec.split(':')
        boots = pairs_by_boot(rounds, int(col), a, b)
        allpairs = [p for pairs in boots.values() for p in pairs]
        if not allpairs:
            print(f'{name} nan nan nan 0')
            status = 1
            continue
        rng = random.Random(seed)
        lo, hi = bootstrap(boots, resamples, rng)
        print(f'{name} {ratio(allpairs):.4f} {lo:.4f} {hi:.4f} '
              f'{len(allpairs)}')
        for boot, pairs in sorted(boots.items()):
            print(f'boot {boot} {name} {ratio(pairs):.4f} {len(pairs)}')
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
