"""The protocol's enums (proto/protocol.proto) as Python enums."""
import enum


class StatusType(enum.IntEnum):
    """Presence of a buddy, a room participant or the user. Travels as "STATUS_<NAME>"."""

    ONLINE = 0
    AWAY = 1
    FFC = 2  # free for chat
    XA = 3  # extended away
    DND = 4
    NONE = 5  # offline / left
    INVISIBLE = 6  # only ever sent by Spectrum

    @property
    def wire(self) -> str:
        return "STATUS_" + self.name

    @classmethod
    def parse(cls, value):
        """Accepts a StatusType, its number, or its wire name ("STATUS_AWAY")."""
        if isinstance(value, str):
            return cls[value[len("STATUS_"):] if value.startswith("STATUS_") else value]
        return cls(value)


class ConnectionErrorCode(enum.IntEnum):
    """The `error` of disconnected() (the protocol's ConnectionError enum, renamed so that it does
    not hide Python's built-in ConnectionError). NETWORK_ERROR (0) and OTHER_ERROR (16) make
    Spectrum log the user out and in again (up to three times); use another code for failures that
    will not go away by retrying."""

    NETWORK_ERROR = 0
    INVALID_USERNAME = 1
    AUTHENTICATION_FAILED = 2
    AUTHENTICATION_IMPOSSIBLE = 3
    NO_SSL_SUPPORT = 4
    ENCRYPTION_ERROR = 5
    NAME_IN_USE = 6
    INVALID_SETTINGS = 7
    CERT_NOT_PROVIDED = 8
    CERT_UNTRUSTED = 9
    CERT_EXPIRED = 10
    CERT_NOT_ACTIVATED = 11
    CERT_HOSTNAME_MISMATCH = 12
    CERT_FINGERPRINT_MISMATCH = 13
    CERT_SELF_SIGNED = 14
    CERT_OTHER_ERROR = 15
    OTHER_ERROR = 16


class ParticipantFlag(enum.IntFlag):
    """Bits of participant_changed's `flag`. Spectrum acts on MODERATOR, CONFLICT,
    NOT_AUTHORIZED and ROOM_NOT_FOUND."""

    NONE = 0
    MODERATOR = 1
    CONFLICT = 2
    BANNED = 4
    NOT_AUTHORIZED = 8
    ME = 16
    KICKED = 32
    ROOM_NOT_FOUND = 64
