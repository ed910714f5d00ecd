"""Zeek TSV logs read back for the test scripts: each data line as a dict
keyed by the #fields names (an absent file has no rows)."""
import os


def rows(path):
    if not os.path.exists(path):
        return []
    fields, out = None, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                fields = line.split("\t")[1:]
            elif line and not line.startswith("#") and fields:
                out.append(dict(zip(fields, line.split("\t"))))
    return out
