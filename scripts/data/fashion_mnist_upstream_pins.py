#!/usr/bin/python3
"""Spec section 8 data sources: the authors' Fashion-MNIST .gz files, derived from Debian's package and checked.

Debian's package ships the authors' gzip streams with a normalised header (dh_strip_nondeterminism: no file
name, time stamp set to the package's date). Putting the original header back (FNAME = the file name without
.gz, the authors' time stamps, XFL 0, OS 3 as Debian kept them) gives files whose MD5 must equal the ones in the
authors' README; their SHA-256 are the upstream pins of epg.data.DatasetRegistry.FASHION_MNIST.

The two time stamps were found by a search over 2017 (the README's MD5 of t10k-labels matched at one second,
the others within seconds of it). Usage: python3 fashion_mnist_upstream_pins.py [DIR]
(DIR: the package's files, default /usr/share/datasets/fashion-mnist or ~/.cache/epg/datasets/fashion-mnist).
"""
import hashlib
import os
import struct
import sys

# name: (authors' mtime, MD5 from the authors' README, SHA-256 pinned in DatasetRegistry)
FILES = {
    "train-images-idx3-ubyte.gz": (1504176606, "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                                   "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
    "train-labels-idx1-ubyte.gz": (1504176606, "25c81989df183df01b3e8a0aad5dffbe",
                                   "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
    "t10k-images-idx3-ubyte.gz": (1504176627, "bef4ecab320f06d8554ea6380940ec79",
                                  "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
    "t10k-labels-idx1-ubyte.gz": (1504176627, "bb300cfdad3c16e7a12a480ee83cd310",
                                  "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
}


def upstream_bytes(debian: bytes, name: str, mtime: int) -> bytes:
    magic, method, flags = debian[:2], debian[2], debian[3]
    if magic != b"\x1f\x8b" or method != 8 or flags != 0:
        raise SystemExit(f"{name}: not a header-normalised gzip file (flags {flags})")
    xfl, os_code = debian[8], debian[9]
    header = b"\x1f\x8b\x08\x08" + struct.pack("<I", mtime) + bytes([xfl, os_code])
    return header + name[:-3].encode() + b"\0" + debian[10:]


def main() -> int:
    candidates = sys.argv[1:] or ["/usr/share/datasets/fashion-mnist",
                                  os.path.expanduser("~/.cache/epg/datasets/fashion-mnist")]
    folder = next((d for d in candidates if os.path.isdir(d)), None)
    if folder is None:
        raise SystemExit("no folder with Debian's Fashion-MNIST files among " + ", ".join(candidates))
    bad = 0
    for name, (mtime, md5, sha256) in FILES.items():
        with open(os.path.join(folder, name), "rb") as f:
            data = upstream_bytes(f.read(), name, mtime)
        got_md5, got_sha = hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest()
        ok = got_md5 == md5 and got_sha == sha256
        bad += not ok
        print(f"{name}: {len(data)} bytes, MD5 {got_md5} {'=' if got_md5 == md5 else '!='} README, "
              f"SHA-256 {got_sha} {'=' if got_sha == sha256 else '!='} pinned")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
