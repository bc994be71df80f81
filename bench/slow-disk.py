#!/usr/bin/python3
"""A read-only FUSE pass-through that is as slow as one spinning disk (bench `cold`, slow disk).

Usage: /usr/bin/python3 bench/slow-disk.py SOURCE MOUNTPOINT [--seek-ms 8] [--mb-per-s 150]
       [--stats FILE] [--faults FILE]

Model (one disk arm): requests are served one at a time, in the order the kernel queued them. A data read that does
not continue the previous one (the same file, starting where the last read ended) first pays a
seek of --seek-ms (8 ms: average seek plus half a rotation of a 7,200 rpm drive); each read then
pays its transfer time at --mb-per-s. Reading a folder's entries pays one seek (its blocks live
elsewhere). Attributes (stat) are free: a disk keeps inode tables in its cache and the kernel
caches them too. The kernel's page cache is bypassed per open (no `kernel_cache`), so every scan
reads through the model; the source itself should be in the page cache, so only the model counts.

--faults FILE (the fault suite, issue 15) makes files fail on demand: FILE holds a JSON object from
file names to errno names, e.g. {"song.wav": "EIO"}, read again at every open and read, so a test can
make a file unreadable (EACCES, which root's chmod cannot do) or the disk fail (EIO, which needs
device-mapper otherwise) while a stream is reading it. A missing or unreadable FILE means no fault.

On SIGTERM/SIGINT it unmounts and writes its counters as JSON to --stats (seeks, reads, bytes).
Needs fusepy (Debian: python3-fusepy, for /usr/bin/python3) and /dev/fuse; run as root.
"""

import argparse
import errno
import json
import os
import threading
import time

try:
    from fusepy import FUSE, FuseOSError, Operations
except ImportError:  # the module's name on PyPI installs
    from fuse import FUSE, FuseOSError, Operations


class SlowDisk(Operations):
    """Pass-through of SOURCE with the seek model above."""

    def __init__(self, source, seek_s, bytes_per_s, faults=None):
        self.source = source
        self.faults = faults
        self.seek_s = seek_s
        self.bytes_per_s = bytes_per_s
        self.arm = threading.Lock()
        self.last = None  # (fh, end offset) of the last read
        self.stats = {"seeks": 0, "reads": 0, "bytes": 0, "readdirs": 0, "busy_s": 0.0}

    def _real(self, path):
        return os.path.join(self.source, path.lstrip("/"))

    def _fail_if_told(self, path):
        """Raises the errno the --faults file names for this file's name, if it names one."""
        if not self.faults:
            return
        try:
            with open(self.faults) as f:
                table = json.load(f)
        except (OSError, ValueError):
            return
        name = table.get(os.path.basename(path)) if isinstance(table, dict) else None
        if isinstance(name, str) and isinstance(getattr(errno, name, None), int):
            raise FuseOSError(getattr(errno, name))

    def _serve(self, seek, nbytes):
        """Holds the arm for one request's seek and transfer time (called with self.arm held)."""
        cost = (self.seek_s if seek else 0.0) + nbytes / self.bytes_per_s
        if seek:
            self.stats["seeks"] += 1
        self.stats["busy_s"] += cost
        time.sleep(cost)

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._real(path))
        except OSError as e:
            raise FuseOSError(e.errno)
        keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime",
                "st_ctime", "st_ino")
        out = {k: getattr(st, k) for k in keys}
        out["st_mtime"] = st.st_mtime_ns / 1e9
        return out

    def readdir(self, path, fh):
        with self.arm:
            self.stats["readdirs"] += 1
            self._serve(True, 4096)
            self.last = None
        try:
            return [".", ".."] + os.listdir(self._real(path))
        except OSError as e:
            raise FuseOSError(e.errno)

    def readlink(self, path):
        return os.readlink(self._real(path))

    def open(self, path, flags):
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise FuseOSError(errno.EROFS)
        self._fail_if_told(path)
        try:
            return os.open(self._real(path), os.O_RDONLY)
        except OSError as e:
            raise FuseOSError(e.errno)

    def read(self, path, size, offset, fh):
        self._fail_if_told(path)
        with self.arm:
            data = os.pread(fh, size, offset)
            self._serve(self.last != (fh, offset), len(data))
            self.last = (fh, offset + len(data))
            self.stats["reads"] += 1
            self.stats["bytes"] += len(data)
        return data

    def release(self, path, fh):
        os.close(fh)
        return 0

    def statfs(self, path):
        st = os.statvfs(self._real(path))
        keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files",
                "f_flag", "f_frsize", "f_namemax")
        return {k: getattr(st, k) for k in keys}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source")
    ap.add_argument("mountpoint")
    ap.add_argument("--seek-ms", type=float, default=8.0)
    ap.add_argument("--mb-per-s", type=float, default=150.0)
    ap.add_argument("--stats", help="write the counters here (JSON) on exit")
    ap.add_argument("--faults", help="JSON file of names to errno names (see above)")
    a = ap.parse_args()
    if a.seek_ms < 0 or a.mb_per_s <= 0:
        ap.error("--seek-ms must be >= 0 and --mb-per-s > 0")
    if not os.path.isdir(a.source) or not os.path.isdir(a.mountpoint):
        ap.error("SOURCE and MOUNTPOINT must be existing folders")
    fs = SlowDisk(os.path.realpath(a.source), a.seek_ms / 1000, a.mb_per_s * 1e6, a.faults)
    try:
        # One thread: requests are served in the order the kernel queued them. With several,
        # two read-ahead requests of one file raced for the arm and were sometimes served out of
        # order, a seek that a real disk's queue (sorted by position) would not make.
        FUSE(fs, a.mountpoint, foreground=True, nothreads=True, ro=True, fsname="slowdisk")
    finally:
        if a.stats:
            with open(a.stats, "w") as f:
                json.dump(fs.stats, f)


if __name__ == "__main__":
    main()
