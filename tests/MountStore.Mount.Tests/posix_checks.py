#!/usr/bin/env python3
"""POSIX behaviour that programs rely on, checked on a directory by the calls a program makes.

Usage: posix_checks.py GROUP DIR [mount]      (GROUP: mmap, unlinked, utimens, special, all)

Each group runs the system calls exactly as a program would (through Python's os, mmap and
socket modules, and ctypes for utimensat's UTIME_OMIT), against DIR. It prints one line per
check and exits 1 at the first one that fails, naming it. Run it on a local disk to see that the
checks themselves are right: every one passes there. With "mount", what only a mount of an
object store does is checked too (device nodes refused with EPERM: an object store cannot hold
one, and root can make them on a local disk).
"""
import ctypes
import ctypes.util
import errno
import mmap
import os
import random
import socket
import stat
import sys

CHECKS = []
MOUNT_ONLY = len(sys.argv) > 3 and sys.argv[3] == "mount"


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print(f"ok   {what}")


def group(function):
    CHECKS.append(function)
    return function


# ---------------------------------------------------------------- helpers

class Twin:
    """The same operations on the file under test and on a reference file in memory."""

    def __init__(self, path, seed):
        self.path = path
        self.random = random.Random(seed)
        self.reference = bytearray()
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)

    def data(self, length):
        return bytes(self.random.getrandbits(8) for _ in range(length)) if length < 4096 else self.random.randbytes(length)

    def _grow(self, size):
        if len(self.reference) < size:
            self.reference.extend(b"\0" * (size - len(self.reference)))

    def write(self, start, end):
        payload = self.data(end - start + 1)
        os.pwrite(self.fd, payload, start)
        self._grow(end + 1)
        self.reference[start:end + 1] = payload

    def truncate(self, size):
        os.ftruncate(self.fd, size)
        del self.reference[size:]
        self._grow(size)

    def map_write(self, start, end):
        """A write through a shared writable mapping, as fsx does it: grow the file first when the write ends past it."""
        if end + 1 > len(self.reference):
            self.truncate(end + 1)
        page = start - start % mmap.PAGESIZE
        payload = self.data(end - start + 1)
        with mmap.mmap(self.fd, end + 1 - page, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=page) as m:
            m[start - page:end + 1 - page] = payload
            m.flush()
        self.reference[start:end + 1] = payload

    def map_read(self, start, end):
        page = start - start % mmap.PAGESIZE
        with mmap.mmap(self.fd, end + 1 - page, mmap.MAP_SHARED, mmap.PROT_READ, offset=page) as m:
            got = m[start - page:end + 1 - page]
        check(got == bytes(self.reference[start:end + 1]), f"a mapped read of {start:#x}..{end:#x} gives what was written")

    def copy_range(self, length, source, destination):
        copied = os.copy_file_range(self.fd, self.fd, length, source, destination)
        check(copied == length, f"copy_file_range copied {copied:#x} of {length:#x} bytes")
        chunk = bytes(self.reference[source:source + length])
        self._grow(destination + length)
        self.reference[destination:destination + length] = chunk

    def reopen(self):
        os.close(self.fd)
        self.fd = os.open(self.path, os.O_RDWR)

    def verify(self, step):
        size = os.fstat(self.fd).st_size
        check(size == len(self.reference), f"after {step}: size {size:#x} is {len(self.reference):#x}")
        got = os.pread(self.fd, size + 1, 0)
        wanted = bytes(self.reference)
        first = next((i for i in range(min(len(got), len(wanted))) if got[i] != wanted[i]), None)
        where = f" (a read of {size + 1:#x} bytes gave {len(got):#x})" if first is None else f" (first difference at {first:#x}: {got[first:first + 8].hex()} instead of {wanted[first:first + 8].hex()})"
        check(got == wanted, f"after {step}: every byte is what was written{where}")

    def close(self):
        os.close(self.fd)


def same_time(got, wanted):
    """Equal to the nanosecond, or to the 100 ns (the mount's resolution, as NTFS's)."""
    return got in (wanted, wanted - wanted % 100)


def libc():
    library = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return library


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


UTIME_NOW = (1 << 30) - 1
UTIME_OMIT = (1 << 30) - 2
AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100


def utimensat(path, atime, mtime, flags=0):
    """utimensat(2) itself: each time is (seconds, nanoseconds), or UTIME_OMIT / UTIME_NOW as the nanoseconds."""
    times = (Timespec * 2)(Timespec(*atime), Timespec(*mtime))
    if libc().utimensat(AT_FDCWD, os.fsencode(path), times, flags) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), path)


# ---------------------------------------------------------------- the groups

@group
def mmap_writes(directory):
    """The sequence that killed a program with SIGBUS (issue 14), then the file after close and reopen."""
    twin = Twin(os.path.join(directory, "mapped.bin"), seed=14)
    twin.map_write(0x4582, 0x3ce24)
    twin.verify("a mapped write to a new file")
    twin.write(0xc6baa, 0xe1a7e)
    twin.verify("a write past the end")
    twin.map_read(0x1000, 0x3cfff)
    twin.reopen()
    twin.verify("close and reopen")
    twin.truncate(0x13eb69)
    twin.copy_range(0x2f76, 0xe8081, 0x1af364)
    twin.verify("copy_file_range past the end")
    twin.write(0x18cd90, 0x1a2ce9)
    twin.map_write(0x25e2d2, 0x273b47)
    twin.verify("a mapped write that grows the file")
    twin.map_write(0xdaf08, 0xf02a0)
    twin.verify("a mapped write inside the file")
    twin.truncate(0x5000)
    twin.map_write(0x100, 0x4fff)
    twin.verify("a mapped write after shrinking")
    twin.close()
    with open(twin.path, "rb") as again:
        check(again.read() == bytes(twin.reference), "the file read afresh holds every byte")


@group
def unlinked_open_files(directory):
    """An open file keeps working after unlink, as POSIX says; the name is gone at once."""
    path = os.path.join(directory, "temporary.bin")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b"scratch data")
    os.unlink(path)
    check(os.fstat(fd).st_nlink == 0, "fstat of an open, unlinked file gives nlink 0")
    check(os.fstat(fd).st_size == 12, "and the size written")
    check(not os.path.exists(path), "the name is gone")
    os.close(fd)

    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b"written before unlink")
    os.unlink(path)
    check(os.pread(fd, 100, 0) == b"written before unlink", "pread of an open, unlinked file returns what was written")
    os.pwrite(fd, b"after", 0)
    check(os.pread(fd, 100, 0) == b"afteren before unlink", "and it can still be written and read")
    os.close(fd)
    check(not os.path.exists(path), "nothing is stored under the name when the last handle closes")

    # a stored file, opened for reading, then unlinked: its bytes stay readable
    with open(path, "wb") as f:
        f.write(b"stored" * 1000)
    fd = os.open(path, os.O_RDONLY)
    os.unlink(path)
    check(os.pread(fd, 6000, 0) == b"stored" * 1000, "a stored file opened before unlink reads whole after it")
    os.close(fd)
    check(not os.path.exists(path), "and is gone once closed")

    # a new file under the name while the old one is open and unlinked: each keeps its own bytes
    with open(path, "wb") as f:
        f.write(b"old")
    old = os.open(path, os.O_RDONLY)
    os.unlink(path)
    with open(path, "wb") as f:
        f.write(b"new")
    check(os.pread(old, 10, 0) == b"old", "the unlinked file still reads its own bytes")
    os.close(old)
    with open(path, "rb") as f:
        check(f.read() == b"new", "the new file under the name survives the old one's last close")
    os.unlink(path)


@group
def utimens(directory):
    """utimensat: UTIME_OMIT, atime and mtime each as set, nanoseconds, symlinks, far times."""
    path = os.path.join(directory, "times.txt")
    with open(path, "w") as f:
        f.write("t")
    utimensat(path, (1_600_000_000, 111_111_111), (1_500_000_000, 222_222_200))
    s = os.stat(path)
    check(same_time(s.st_mtime_ns, 1_500_000_000_222_222_200), f"mtime is kept below the second ({s.st_mtime_ns})")
    check(same_time(s.st_atime_ns, 1_600_000_000_111_111_111), f"atime is kept, later than mtime ({s.st_atime_ns})")

    utimensat(path, (0, UTIME_OMIT), (1_400_000_000, 5))
    s = os.stat(path)
    check(same_time(s.st_atime_ns, 1_600_000_000_111_111_111), "UTIME_OMIT leaves atime as it was")
    check(same_time(s.st_mtime_ns, 1_400_000_000_000_000_005), f"and mtime is set ({s.st_mtime_ns})")
    utimensat(path, (1_300_000_000, 0), (0, UTIME_OMIT))
    s = os.stat(path)
    check(same_time(s.st_mtime_ns, 1_400_000_000_000_000_005), "UTIME_OMIT leaves mtime as it was")
    check(s.st_atime_ns == 1_300_000_000_000_000_000, "and atime is set, earlier than mtime")

    for seconds in (4_102_444_800, 13_569_465_600, -86_400 * 365, -1):  # 2100, 2400, 1969, 1969-12-31T23:59:59
        utimensat(path, (seconds, 0), (seconds, 0))
        check(os.stat(path).st_mtime_ns == seconds * 10**9, f"mtime {seconds} round trips")

    target = os.path.join(directory, "target.txt")
    link = os.path.join(directory, "link-to-target")
    with open(target, "w") as f:
        f.write("x")
    os.symlink("target.txt", link)
    utimensat(link, (1_234_567_890, 0), (1_234_567_890, 0))  # follows the link
    check(os.stat(target).st_mtime_ns == 1_234_567_890 * 10**9, "utimensat through a symlink sets the target's times")
    os.unlink(link)
    os.unlink(target)

    with open(path, "r+") as f:
        os.utime(f.fileno(), ns=(1_700_000_000_000_000_000, 1_700_000_000_500_000_000))
    check(os.stat(path).st_mtime_ns == 1_700_000_000_500_000_000, "futimens on an open file is kept after close")
    os.unlink(path)


@group
def special_files(directory):
    """Fifos and UNIX-domain sockets can be made in the tree; device nodes cannot."""
    fifo = os.path.join(directory, "a.fifo")
    os.mkfifo(fifo, 0o640)
    s = os.lstat(fifo)
    check(stat.S_ISFIFO(s.st_mode), "mkfifo makes a fifo")
    check(stat.S_IMODE(s.st_mode) == 0o640 & ~current_umask(), f"with its mode ({oct(s.st_mode)})")
    pid = os.fork()
    if pid == 0:  # the writer end, in a child, as a pipeline would
        with open(fifo, "wb") as w:
            w.write(b"through the fifo")
        os._exit(0)
    with open(fifo, "rb") as r:
        check(r.read() == b"through the fifo", "a fifo carries bytes from writer to reader")
    os.waitpid(pid, 0)
    os.unlink(fifo)

    node = os.path.join(directory, "n.fifo")
    os.mknod(node, 0o600 | stat.S_IFIFO)
    check(stat.S_ISFIFO(os.lstat(node).st_mode), "mknod S_IFIFO makes a fifo")
    os.unlink(node)

    address = os.path.join(directory, "s.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(1)
    check(stat.S_ISSOCK(os.lstat(address).st_mode), "bind of a UNIX socket makes a socket")
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(address)
    connection, _ = server.accept()
    client.sendall(b"hello")
    check(connection.recv(5) == b"hello", "and programs talk through it")
    for s in (client, connection, server):
        s.close()
    try:
        os.open(address, os.O_RDONLY)
        check(False, "open of a socket fails")
    except OSError as e:
        check(e.errno == errno.ENXIO, f"open of a socket fails with ENXIO ({errno.errorcode.get(e.errno)})")
    os.unlink(address)

    if MOUNT_ONLY:
        try:
            os.mknod(os.path.join(directory, "null"), 0o600 | stat.S_IFCHR, os.makedev(1, 3))
            check(False, "a device node is refused")
        except OSError as e:
            check(e.errno == errno.EPERM, f"a device node is refused with EPERM ({errno.errorcode.get(e.errno)})")


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    wanted, directory = sys.argv[1], sys.argv[2]
    names = {"mmap": mmap_writes, "unlinked": unlinked_open_files, "utimens": utimens, "special": special_files}
    for function in CHECKS if wanted == "all" else [names[wanted]]:
        print(f"== {function.__name__}")
        try:
            function(directory)
        except (AssertionError, OSError) as e:
            print(f"FAIL {function.__name__}: {e}")
            sys.exit(1)


if __name__ == "__main__":
    main()
