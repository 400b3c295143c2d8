"""A man page in docs/man/ must document exactly the options the program's --help lists, carry the
project's version, and render without a warning from groff.

Run: python3 test_man_page.py MAN_PAGE PROGRAM VERSION

Options in --help: the entries of its option table ("  -h, --host arg   ...", "      --json ...")
and the forms with a placeholder its text names ("--json_backend.KEY=VALUE", a placeholder in
capitals). Options in the man page: the first line of each .TP paragraph of the OPTIONS section
("\\fB\\-h\\fR, \\fB\\-\\-host\\fR \\fIhost\\fR", "\\fB\\-\\-json_backend.\\fIkey\\fB=\\fIvalue\\fR", a
placeholder in italics). A placeholder in a name compares as "*": --json_backend.* in both. Each
entry is compared whole, so "-h, --host" in one and "--host" in the other is a difference too."""
import re
import shutil
import subprocess
import sys

# An option entry of cxxopts' table: indented, a short name or spaces, then the long name.
HELP_ENTRY = re.compile(r"^ {2}(?:(-[A-Za-z0-9]), | {4})(--[A-Za-z0-9][\w.-]*)")
# An option whose name ends in a placeholder in capitals, named in running text.
HELP_PLACEHOLDER = re.compile(r"(?<![\w-])(--[a-z][\w-]*\.)[A-Z]+\b")
# An option in a man page tag line, once the roff escapes are gone and placeholders are "*".
MAN_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][\w.-]*\*?)")


def help_options(text):
    entries = set()
    for line in text.splitlines():
        m = HELP_ENTRY.match(line)
        if m:
            entries.add(tuple(name for name in m.groups() if name))
    entries.update((prefix + "*",) for prefix in HELP_PLACEHOLDER.findall(text))
    return entries


def plain(tag_line):
    """The text of a tag line written with font escapes: italics (placeholders) become "*", the
    other font escapes, \\% and \\& go, \\- becomes -."""
    line = re.sub(r"\\fI.*?(?=\\f|$)", "*", tag_line)
    line = re.sub(r"\\f[BRP]|\\%|\\&", "", line)
    return line.replace("\\-", "-").replace('"', "")


def man_options(text):
    entries, errors = set(), []
    section, lines = None, text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(".SH"):
            section = line[3:].strip().strip('"')
        elif section == "OPTIONS" and line.startswith(".TP"):
            tag = lines[i + 1] if i + 1 < len(lines) else ""
            names = MAN_OPTION.findall(plain(tag))
            if names:
                entries.add(tuple(names))
            else:
                errors.append("line %d: a .TP paragraph in OPTIONS names no option: %r" % (i + 2, tag))
    if section is None:
        errors.append("no .SH sections")
    return entries, errors


def show(entry):
    return ", ".join(entry)


def main():
    page, program, version = sys.argv[1:4]
    failures = []
    with open(page, encoding="utf-8") as f:
        text = f.read()

    helped = subprocess.run([program, "--help"], check=True, stdout=subprocess.PIPE, text=True).stdout
    in_help = help_options(helped)
    if not in_help:
        failures.append("found no option in %s --help:\n%s" % (program, helped))
    in_man, errors = man_options(text)
    failures += errors
    for entry in sorted(in_help - in_man):
        failures.append("%s: --help lists %s, the man page's OPTIONS do not (add a .TP paragraph)"
                        % (page, show(entry)))
    for entry in sorted(in_man - in_help):
        failures.append("%s: the man page documents %s, --help does not list it" % (page, show(entry)))

    th = re.search(r'^\.TH\s+\S+\s+1\s+\S+\s+"([^"]*)"', text, re.M)
    if not th:
        failures.append("%s: no .TH line with a section 1 and a source in quotes" % page)
    elif th.group(1) != "spectrum2-json-bridge " + version:
        failures.append('%s: .TH says "%s", the project is spectrum2-json-bridge %s'
                        % (page, th.group(1), version))

    groff = shutil.which("groff")
    if groff is None:
        failures.append("groff is missing (scripts/install-deps installs groff-base)")
    else:
        r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", page], stderr=subprocess.PIPE, text=True)
        if r.returncode != 0 or r.stderr:
            failures.append("groff warns about %s:\n%s" % (page, r.stderr))

    for failure in failures:
        print("FAIL: " + failure)
    if failures:
        return 1
    print("%s: %d options, the same as in %s --help; version %s; groff is silent"
          % (page, len(in_man), program, version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
