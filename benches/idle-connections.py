#!/usr/bin/env python3
"""Opens COUNT SMTP connections to HOST:PORT, reads each one's greeting, and holds them idle.

    idle-connections.py HOST PORT COUNT

Prints `open N` (N connections greeted with 220) once all are open, then waits for a line on
standard input before closing them. Used by smtp-sink-side-by-side.sh to read the server's
memory while the connections are held. Needs `ulimit -n` above COUNT.
"""

import socket
import sys


def main(host, port, count):
    conns = []
    greeted = 0
    for _ in range(count):
        s = socket.create_connection((host, port), timeout=30)
        conns.append(s)
    for s in conns:
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = s.recv(512)
            if not chunk:
                break
            data += chunk
        greeted += data.startswith(b"220")
    print(f"open {greeted}", flush=True)
    sys.stdin.readline()
    for s in conns:
        s.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
