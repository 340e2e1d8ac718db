"""Kernel start-up file used by the test suite: every network connection fails.

The tests point IPython at a profile whose start-up folder holds this file, so every notebook
kernel they start runs it first. Connections to loopback (which Jupyter itself uses) stay allowed;
any other address, and any DNS lookup of a non-local name, raises ``OSError``. A notebook that
tries to download anything therefore fails its test, proving the suite runs offline.
"""
import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "", None}


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what):
    raise OSError(f"network access is disabled in the test suite (attempted: {what}); "
                  "notebooks must run offline")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect to {address!r}")
    return _real_connect(self, address)


def _connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect to {address!r}")
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse(f"look up {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _connect
socket.socket.connect_ex = _connect_ex
socket.getaddrinfo = _getaddrinfo
socket.NETWORK_DISABLED_BY_TESTS = True
