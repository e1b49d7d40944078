"""Drives two mounts of one container as two machines would, for ManyMachinesTests.

  two_machines.py writers A B existing|new   two handles change one file, A closes first
  two_machines.py replaced-read A B SIZE     A reads a file while B replaces it midway

Prints one JSON line with what each side saw (close results as errno names).
"""
import errno
import hashlib
import json
import os
import sys


def close_result(fd):
    try:
        os.close(fd)
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]


def writers(a, b, kind):
    flags = os.O_WRONLY | os.O_TRUNC | (os.O_CREAT if kind == "new" else 0)
    fa = os.open(a, flags, 0o644)
    fb = os.open(b, flags, 0o644)
    os.write(fa, b"A" * 1000)
    os.write(fb, b"B" * 2000)
    first = close_result(fa)
    second = close_result(fb)
    print(json.dumps({"first": first, "second": second}))


def replaced_read(a, b, size):
    size = int(size)
    step = 1 << 20
    got = hashlib.sha256()
    read = 0
    error = None
    with open(a, "rb", buffering=0) as reader:
        while read < 4 * step:
            chunk = reader.read(step)
            got.update(chunk)
            read += len(chunk)
        # the other machine replaces the file now, with other bytes of the same size
        with open(b, "wb") as writer:
            block = bytes([0x5A]) * step
            for _ in range(size // step):
                writer.write(block)
        try:
            while True:
                chunk = reader.read(step)
                if not chunk:
                    break
                got.update(chunk)
                read += len(chunk)
        except OSError as e:
            error = errno.errorcode[e.errno]
    print(json.dumps({"read": read, "sha256": got.hexdigest(), "error": error}))


if __name__ == "__main__":
    if sys.argv[1] == "writers":
        writers(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        replaced_read(sys.argv[2], sys.argv[3], sys.argv[4])
