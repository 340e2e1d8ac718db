"""Rebuild every file in datasets/ from code, byte for byte, and rewrite datasets/manifest.json.

    python3 tasks.py datasets
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from helpers.data import files  # noqa: E402

if __name__ == "__main__":
    manifest = files.regenerate()
    for filename, entry in manifest["files"].items():
        print(f"{filename:32s} {entry['bytes']:>10,d} bytes  sha256 {entry['sha256'][:16]}...")
    print(f"wrote {len(manifest['files'])} files and {files.MANIFEST_NAME} in {files.DATA_DIR}")
