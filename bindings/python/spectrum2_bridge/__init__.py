"""Write Spectrum 2 backends in Python: subclass Backend and run it under spectrum2_json_backend."""
from .backend import SPECTRUM_TYPES, Backend, BridgeLogHandler
from .enums import ConnectionErrorCode, ParticipantFlag, StatusType
from .message import Message

__all__ = ["Backend", "BridgeLogHandler", "ConnectionErrorCode", "Message", "ParticipantFlag", "SPECTRUM_TYPES",
           "StatusType"]
__version__ = "0.1.0"
