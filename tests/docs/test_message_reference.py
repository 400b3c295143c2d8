"""docs/message-reference.md must be, byte for byte, what `spectrum2_json_backend --describe` prints.

Run: python3 test_message_reference.py BRIDGE_BINARY"""
import difflib
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOC = os.path.join(ROOT, "docs", "message-reference.md")


def main():
    binary = sys.argv[1]
    generated = subprocess.run([binary, "--describe"], check=True, stdout=subprocess.PIPE).stdout
    with open(DOC, "rb") as f:
        committed = f.read()
    if generated == committed:
        print("docs/message-reference.md is up to date")
        return 0
    diff = difflib.unified_diff(committed.decode("utf-8", "replace").splitlines(True),
                                generated.decode("utf-8", "replace").splitlines(True),
                                "docs/message-reference.md (committed)", "spectrum2_json_backend --describe")
    sys.stdout.writelines(diff)
    print("\ndocs/message-reference.md is out of date. Regenerate it from the source tree with:\n"
          "  build/spectrum2_json_backend --describe > docs/message-reference.md")
    return 1


if __name__ == "__main__":
    sys.exit(main())
