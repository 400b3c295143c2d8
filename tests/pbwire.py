"""Hand-rolled protobuf wire encoding for test tools that must write frames Spectrum's way, or
deliberately not (stdlib only: the tests do not depend on python3-protobuf)."""
import struct


def varint(n):
    n &= (1 << 64) - 1
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, value):
    """A varint field for ints, a length-delimited one for str and bytes."""
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(num << 3 | 2) + varint(len(data)) + data


def wrapper(type_, payload=None):
    """A WrapperMessage body."""
    return field(1, type_) + (field(2, payload) if payload is not None else b"")


def frame(body):
    """4-byte big-endian length + body."""
    return struct.pack("!I", len(body)) + body
