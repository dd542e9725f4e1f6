"""A TCP relay in front of a real PostgreSQL, for the tests of a database that goes away:
it forwards, then goes dark (every connection held open and never answered, new ones
accepted and never answered: a frozen server, or a network partition) or goes away (every
connection closed, new ones refused: a server that was stopped)."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from urllib.parse import urlsplit, urlunsplit


class Relay:
    """Forwards a port of 127.0.0.1 to the PostgreSQL of ``url``; :attr:`url` goes through
    it (same user, password and database)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self._listener = socket.create_server(("127.0.0.1", 0))
        port = self._listener.getsockname()[1]
        user, at, _ = parts.netloc.rpartition("@")
        self.url = urlunsplit(parts._replace(netloc=f"{user}{at}127.0.0.1:{port}"))
        self._state = "forward"  # then "dark" or "closed"
        self._pairs: dict[socket.socket, socket.socket] = {}
        self._held: list[socket.socket] = []  # accepted while dark: never read
        self._wake_r, self._wake_w = socket.socketpair()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._thread = threading.Thread(target=self._serve, name="relay", daemon=True)
        self._thread.start()

    def go_dark(self) -> None:
        """From now on nothing is forwarded either way, and nothing is closed."""
        self._tell("dark")

    def come_back(self) -> None:
        """Forward again, the connections held while dark included."""
        self._tell("forward")

    def go_away(self) -> None:
        """Close every connection and stop listening: the port refuses from now on."""
        if self._state != "closed":
            self._tell("closed")
            self._thread.join(5)

    close = go_away

    def _tell(self, state: str) -> None:
        self._state = state
        self._wake_w.send(b"!")

    def _serve(self) -> None:
        while True:
            for key, _ in self._selector.select():
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self._wake_r:
                    sock.recv(64)
                    if self._state == "closed":
                        self._close_all()
                        return
                    if self._state == "dark":  # stop reading either side
                        for pair in list(self._pairs):
                            with contextlib.suppress(KeyError):
                                self._selector.unregister(pair)
                        continue
                    for pair in list(self._pairs):  # forwarding again
                        with contextlib.suppress(KeyError, ValueError):
                            self._selector.register(pair, selectors.EVENT_READ)
                    held, self._held = self._held, []
                    for client in held:
                        self._pair(client)
                elif sock is self._listener:
                    self._accept()
                elif sock in self._pairs:  # (not closed with its other side just now)
                    self._forward(sock)

    def _accept(self) -> None:
        client, _ = self._listener.accept()
        if self._state == "dark":
            self._held.append(client)
            return
        self._pair(client)

    def _pair(self, client: socket.socket) -> None:
        server = socket.create_connection(self._target)
        self._pairs[client], self._pairs[server] = server, client
        self._selector.register(client, selectors.EVENT_READ)
        self._selector.register(server, selectors.EVENT_READ)

    def _forward(self, sock: socket.socket) -> None:
        other = self._pairs[sock]
        try:
            data = sock.recv(65536)
            if data:
                other.sendall(data)
                return
        except OSError:
            pass
        for one in (sock, other):  # one side closed: close the other
            with contextlib.suppress(KeyError):
                self._selector.unregister(one)
            self._pairs.pop(one, None)
            one.close()

    def _close_all(self) -> None:
        for sock in [self._listener, *self._pairs, *self._held, self._wake_r, self._wake_w]:
            with contextlib.suppress(OSError):
                sock.close()
        self._selector.close()


def blackhole() -> tuple[socket.socket, str]:
    """A port on 127.0.0.1 that accepts connections and never answers (nobody accepts them
    from the backlog): the socket, to close, and a PostgreSQL URL pointing at it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock, f"postgresql://quotebot:s3cret-pw@127.0.0.1:{sock.getsockname()[1]}/quotebot"
