"""Keeps docs/spectrum-protocol.md in step with the code.

The doc's message-type table must say what the bridge's table says (dumped by dump_message_types),
the bindings' type tables must agree with it, and every link to a section of the doc, anywhere in
the repository, must name a heading that exists.

Run: python3 test_protocol_doc.py --dump build/tests/dump_message_types [-v]"""
import argparse
import importlib
import json
import os
import re
import subprocess
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOC_PATH = os.path.join(ROOT, "docs", "spectrum-protocol.md")
DUMP = os.environ.get("S2J_DUMP_MESSAGE_TYPES", os.path.join(ROOT, "build", "tests", "dump_message_types"))

TABLE_HEADING = "## Message types"
TABLE_COLUMNS = ["#", "type", "payload", "direction", "required fields", "what Spectrum does with it"]
DIRECTIONS = {"S→B", "B→S", "both", "none"}

# Written so that this file does not cite the doc itself.
CITATION = re.compile("spectrum-protocol" + r"\.md#([A-Za-z0-9_-]*)")
LOCAL_LINK = re.compile(r"\]\(#([^)]*)\)")

# The bridge answers PING itself and owns PONG and STATS: the bindings never see the first nor send
# the others.
BRIDGE_OWNED_FROM_SPECTRUM = {"ping"}
BRIDGE_OWNED_TO_SPECTRUM = {"pong", "stats"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def slug(heading):
    """The anchor GitHub gives a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def doc_anchors(text):
    anchors, seen, fenced = set(), {}, False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        base = slug(m.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchors.add(base if count == 0 else "%s-%d" % (base, count))
    return anchors


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def unquote(cell):
    return cell[1:-1] if len(cell) >= 2 and cell[0] == cell[-1] == "`" else cell


def doc_table(text):
    """The rows of the message-type table: dicts like the dump's (without json_name)."""
    lines = text.splitlines()
    start = lines.index(TABLE_HEADING)
    header = next(i for i in range(start, len(lines)) if lines[i].startswith("|"))
    if cells(lines[header]) != TABLE_COLUMNS:
        raise AssertionError("table header is %r, expected %r" % (cells(lines[header]), TABLE_COLUMNS))
    rows = []
    for line in lines[header + 2:]:
        if not line.startswith("|"):
            break
        c = cells(line)
        required = [] if c[4] == "—" else re.findall(r"`([^`]+)`", c[4])
        rows.append({"number": int(c[0]), "name": unquote(c[1]), "payload": unquote(c[2]), "direction": c[3],
                     "required": required, "does": c[5], "line": line})
    return rows


def json_name(enum_name):
    return enum_name[len("TYPE_"):].lower()


def run_dump():
    if not os.path.exists(DUMP):
        raise AssertionError("no dump program at %s (pass --dump PATH)" % DUMP)
    out = subprocess.run([DUMP], check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out.decode("utf-8"))


def js_block(source, start):
    """The text of `const NAME = {` ... `};` in a JS module."""
    begin = source.index(start)
    return source[begin:source.index("\n};", begin)]


def node_types():
    source = read(os.path.join(ROOT, "bindings", "node", "lib", "protocol.js"))
    block = js_block(source, "const TYPES = {")
    row = re.compile(r"^  (\w+): \{ number: (\d+), payload: (null|'[^']*'), "
                     r"fromSpectrum: (true|false), fromBackend: (true|false) \},$")
    types = {}
    for line in block.splitlines()[1:]:
        m = row.match(line)
        if not m:
            if line.strip() and not line.strip().startswith("//"):
                raise AssertionError("protocol.js TYPES: cannot read %r" % line)
            continue
        payload = None if m.group(3) == "null" else m.group(3).strip("'")
        types[m.group(1)] = {"number": int(m.group(2)), "payload": payload,
                             "fromSpectrum": m.group(4) == "true", "fromBackend": m.group(5) == "true"}
    return types


def node_messages():
    source = read(os.path.join(ROOT, "bindings", "node", "lib", "protocol.js"))
    block = js_block(source, "const MESSAGES = {")
    messages, current = {}, None
    for line in block.splitlines()[1:]:
        head = re.match(r"^  '?([\w.]+)'?: \{$", line)
        field = re.match(r"^    (\w+): \{ number: \d+, label: '(\w+)', type: '[^']+' \},$", line)
        if head:
            current = messages.setdefault(head.group(1), {})
        elif field and current is not None:
            current[field.group(1)] = field.group(2)
        elif line.strip() not in ("", "},") and not line.strip().startswith("//"):
            raise AssertionError("protocol.js MESSAGES: cannot read %r" % line)
    return messages


def repository_texts():
    """(relative path, text) of every text file of the source tree, build trees left out."""
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in (".git", "node_modules", "__pycache__")
                         and not d.startswith("build")
                         and not os.path.exists(os.path.join(top, d, "CMakeCache.txt")))
        for name in sorted(files):
            path = os.path.join(top, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if b"\0" in data:
                continue
            try:
                yield os.path.relpath(path, ROOT), data.decode("utf-8")
            except UnicodeDecodeError:
                continue


class ProtocolDocTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = read(DOC_PATH)
        cls.rows = doc_table(cls.doc)
        cls.by_name = {json_name(r["name"]): r for r in cls.rows}

    def test_table_is_read(self):
        # Guards the checks below against a parser that finds nothing.
        self.assertGreaterEqual(len(self.rows), 30)
        for row in self.rows:
            self.assertIn(row["direction"], DIRECTIONS, row["line"])
            self.assertTrue(row["name"].startswith("TYPE_"), row["line"])
        numbers = [r["number"] for r in self.rows]
        self.assertEqual(numbers, sorted(set(numbers)), "rows must be in order, each number once")

    def test_table_matches_code(self):
        dump = run_dump()
        self.assertGreaterEqual(len(dump), 30)
        code = {r["number"]: r for r in dump}
        doc = {r["number"]: r for r in self.rows}
        self.assertEqual(sorted(doc), sorted(code), "the doc must list exactly the code's types")
        for number, want in code.items():
            got = doc[number]
            for key in ("name", "payload", "direction", "required"):
                self.assertEqual(got[key], want[key], "type %d, %s: the doc says %r, the code %r\n  %s"
                                 % (number, key, got[key], want[key], got["line"]))
            self.assertEqual(json_name(got["name"]), want["json_name"])
            # The code's sentence (for --describe) links relative to docs/, the doc's to itself.
            does = want["spectrum_does"].replace("](spectrum-protocol" + ".md#", "](#")
            self.assertEqual(got["does"], does, "type %d: the doc's \"what Spectrum does\" differs from "
                             "src/core/message_reference.cpp" % number)

    def test_python_binding(self):
        sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
        sys.dont_write_bytecode = True  # leave the source tree as it was
        try:
            binding = importlib.import_module("spectrum2_bridge")
        finally:
            sys.path.pop(0)
        from_spectrum = {n for n, r in self.by_name.items() if r["direction"] in ("S→B", "both")}
        self.assertEqual(set(binding.SPECTRUM_TYPES), from_spectrum - BRIDGE_OWNED_FROM_SPECTRUM)
        self.assertEqual(len(binding.SPECTRUM_TYPES), len(set(binding.SPECTRUM_TYPES)))

    def test_node_binding_types(self):
        types = node_types()
        self.assertEqual(set(types), set(self.by_name), "protocol.js TYPES and the doc list different types")
        for name, node in types.items():
            row = self.by_name[name]
            where = "protocol.js TYPES.%s against the doc's row\n  %s" % (name, row["line"])
            self.assertEqual(node["number"], row["number"], where)
            payload = {"none": None, "removed": None, "raw XML": "raw"}.get(row["payload"], row["payload"])
            self.assertEqual(node["payload"], payload, where)
            self.assertEqual(node["fromSpectrum"],
                             row["direction"] in ("S→B", "both") and name not in BRIDGE_OWNED_FROM_SPECTRUM, where)
            self.assertEqual(node["fromBackend"],
                             row["direction"] in ("B→S", "both") and name not in BRIDGE_OWNED_TO_SPECTRUM, where)

    def test_node_binding_required_fields(self):
        messages = node_messages()
        self.assertGreaterEqual(len(messages), 15)
        for row in self.rows:
            if row["payload"] in ("none", "removed", "raw XML"):
                continue
            fields = messages[row["payload"]]
            required = [f for f, label in fields.items() if label == "required"]
            self.assertEqual(required, row["required"], "protocol.js MESSAGES.%s against the doc's row\n  %s"
                             % (row["payload"], row["line"]))

    def test_every_citation_names_a_section(self):
        anchors = doc_anchors(self.doc)
        self.assertIn("message-types", anchors)
        cited, missing = 0, []
        for path, text in repository_texts():
            links = CITATION.findall(text)
            if os.path.abspath(os.path.join(ROOT, path)) == DOC_PATH:
                links += LOCAL_LINK.findall(text)
            for anchor in links:
                cited += 1
                if anchor not in anchors:
                    missing.append("%s: #%s" % (path, anchor))
        self.assertEqual(missing, [], "citations of sections the doc does not have (it has: %s)"
                         % ", ".join(sorted(anchors)))
        self.assertGreaterEqual(cited, 10, "too few citations found: is the search broken?")

    def test_no_numbered_section_citations(self):
        # Sections are cited by anchor; section-sign numbers would point into some other document.
        found = [path for path, text in repository_texts() if "\u00a7" in text]
        self.assertEqual(found, [])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--dump")
    known, rest = parser.parse_known_args()
    if known.dump:
        DUMP = known.dump
    unittest.main(argv=[sys.argv[0]] + rest)
