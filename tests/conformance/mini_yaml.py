"""The subset of YAML that suricata-verify's test.yaml files and insta's
.snap files use, read with the standard library only (PyYAML is not a Debian
package of the Python the tests run with, so it is not relied on).

Supported: block mappings and sequences (a sequence may sit at its key's
indentation), `- key: value` items, plain scalars (int, float, true/false,
yes/no, null, anything else a string) that may continue on more indented
lines, single- and double-quoted scalars (with \\uXXXX, \\xXX escapes), flow
sequences `[a, 'b', "c"]` that may span lines, `#` comments, and a `---`
front matter block (skipped). Anchors, tags, block scalars (|, >) and flow
mappings are not: they raise ValueError, so an unsupported file is reported
rather than misread.
"""
import json
import re

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
_NULLS = {"null", "~", ""}


def loads(text):
    lines = _logical_lines(text)
    if not lines:
        return None
    if lines[0][1].startswith("["):
        value, end = _scalar_with_continuations(lines, 0, -1, lines[0][1])
        if end != len(lines):
            raise ValueError("text after a top-level flow sequence")
        return value
    value, end = _parse_block(lines, 0, lines[0][0])
    if end != len(lines):
        raise ValueError(f"unexpected indentation at line: {lines[end][1]!r}")
    return value


def _strip_comment(line):
    """Drops a ` #` comment that is outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " :[,-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _logical_lines(text):
    """[(indent, content)], comments and blank lines dropped, a front matter
    block (`---` ... `---`) skipped."""
    raw = text.splitlines()
    if raw and raw[0].strip() == "---":
        closing = next((i for i in range(1, len(raw)) if raw[i].strip() == "---"), None)
        raw = raw[closing + 1:] if closing is not None else raw[1:]
    lines = []
    for line in raw:
        line = _strip_comment(line.rstrip())
        if not line.strip() or line.strip() == "---":
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise ValueError("tab in indentation")
        lines.append((len(line) - len(line.lstrip(" ")), line.strip()))
    return lines


def _is_item(content):
    return content == "-" or content.startswith("- ")


def _split_key(content):
    """'key: value' -> (key, value); None when the line is not a mapping entry."""
    if content[:1] in "'\"":
        end = content.find(content[0], 1)
        if end > 0 and content[end + 1:end + 2] == ":" and content[end + 2:end + 3] in ("", " "):
            return content[1:end], content[end + 2:].strip()
        return None
    if content.startswith("[") or content.startswith("{"):
        return None
    # A key ends at the first ": " (or a final ":"); values may hold colons.
    colon = content.find(": ")
    if colon < 0:
        if not content.endswith(":"):
            return None
        colon = len(content) - 1
    key = content[:colon].strip()
    return (key, content[colon + 1:].strip()) if key else None


def _parse_block(lines, i, indent):
    if _is_item(lines[i][1]):
        return _parse_sequence(lines, i, indent)
    return _parse_mapping(lines, i, indent)


def _parse_sequence(lines, i, indent):
    items = []
    while i < len(lines) and lines[i][0] == indent and _is_item(lines[i][1]):
        rest = lines[i][1][1:].lstrip()
        if not rest:
            if i + 1 < len(lines) and lines[i + 1][0] > indent:
                value, i = _parse_block(lines, i + 1, lines[i + 1][0])
            else:
                value, i = None, i + 1
        elif _is_item(rest) or _split_key(rest) is not None:
            # `- key: value`: a mapping (or nested sequence) whose first
            # line starts after the dash.
            column = indent + (len(lines[i][1]) - len(rest))
            lines = lines[:i] + [(column, rest)] + lines[i + 1:]
            value, i = _parse_block(lines, i, column)
        else:
            value, i = _scalar_with_continuations(lines, i, indent, rest)
        items.append(value)
    return items, i


def _parse_mapping(lines, i, indent):
    mapping = {}
    while i < len(lines) and lines[i][0] == indent and not _is_item(lines[i][1]):
        entry = _split_key(lines[i][1])
        if entry is None:
            raise ValueError(f"expected 'key: value', got {lines[i][1]!r}")
        key, rest = entry
        if rest:
            value, i = _scalar_with_continuations(lines, i, indent, rest)
        elif i + 1 < len(lines) and (lines[i + 1][0] > indent or
                                     (lines[i + 1][0] == indent and _is_item(lines[i + 1][1]))):
            value, i = _parse_block(lines, i + 1, lines[i + 1][0])
        else:
            value, i = None, i + 1
        mapping[key] = value
    return mapping, i


def _scalar_with_continuations(lines, i, indent, text):
    """A scalar that may go on over more indented lines (a plain scalar folds
    them with spaces; a flow sequence goes on until its brackets close)."""
    i += 1
    if text.startswith("["):
        while _bracket_depth(text) > 0 and i < len(lines):
            text += " " + lines[i][1]
            i += 1
        return _flow_sequence(text), i
    if text[:1] in "|>&*!{":
        raise ValueError(f"unsupported YAML construct: {text!r}")
    while i < len(lines) and lines[i][0] > indent and text[:1] not in "'\"":
        text += " " + lines[i][1]
        i += 1
    return _scalar(text), i


def _bracket_depth(text):
    depth, quote = 0, None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
    return depth


def _flow_sequence(text):
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        raise ValueError(f"bad flow sequence {text!r}")
    inner = text[1:-1]
    items, current, quote = [], "", None
    for ch in inner:
        if quote:
            current += ch
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            current += ch
        elif ch == ",":
            items.append(current)
            current = ""
        elif ch in "[]{}":
            raise ValueError("nested flow collections are not supported")
        else:
            current += ch
    if current.strip():
        items.append(current)
    return [_scalar(item.strip()) for item in items]


def _scalar(text):
    if text.startswith('"'):
        if not text.endswith('"') or len(text) < 2:
            raise ValueError(f"unterminated string {text!r}")
        body = re.sub(r"(?<!\\)((?:\\\\)*)\\x([0-9a-fA-F]{2})", r"\1\\u00\2", text[1:-1])
        return json.loads('"' + body + '"')
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise ValueError(f"unterminated string {text!r}")
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered in _NULLS:
        return None
    if lowered in _BOOLS:
        return _BOOLS[lowered]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text
