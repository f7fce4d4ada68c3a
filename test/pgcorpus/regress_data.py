#!/usr/bin/env python3
"""Writes stand-ins for the regression suite's onek.data and tenk.data.

test_setup.sql loads tables onek and tenk1 from src/test/regress/data/, which
the corpus does not carry. Most later files query those two tables, so they get
rows of the same shape (the columns are functions of unique1, as upstream):
the values differ from upstream's, which does not matter here because both
servers load the same rows and only their outputs are compared with each
other. The other data files stay missing: their COPY fails alike on both.
usage: regress_data.py DATA_DIR
"""
import os
import random
import sys


def letters(n):
    # Four base-26 letters then "xx", the shape of upstream's name columns.
    out = ""
    for _ in range(4):
        out += chr(ord("A") + n % 26)
        n //= 26
    return out + "xx"


def rows(count, seed):
    unique1 = list(range(count))
    random.Random(seed).shuffle(unique1)
    for unique2, u in enumerate(unique1):
        yield [u, unique2, u % 2, u % 4, u % 10, u % 20, u % 100, u % 1000, u % 2000,
               u % 5000, u % 10000, (u % 100) * 2 + 1, (u % 100) * 2,
               letters(u), letters(unique2), ["AAAAxx", "HHHHxx", "OOOOxx", "VVVVxx"][unique2 % 4]]


def main():
    data = sys.argv[1]
    os.makedirs(data, exist_ok=True)
    for name, count, seed in (("onek.data", 1000, 1), ("tenk.data", 10000, 2)):
        with open(os.path.join(data, name), "w") as out:
            for row in rows(count, seed):
                out.write("\t".join(str(v) for v in row) + "\n")


main()
