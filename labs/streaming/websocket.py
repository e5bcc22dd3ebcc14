"""WebSocket (RFC 6455) helpers: the handshake key, frames, close codes, chat messages.

The real connection is handled by daphne and Channels; this module exists so the lab can *show*
the protocol (a frame log with masking keys and payload lengths) and so tests can check the
facts: the accept value is SHA-1 of the key plus a fixed GUID, client-to-server frames are always
masked and server-to-client frames never are, and 1006 is a status the API reports but no
endpoint ever sends.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from enum import IntEnum

from labs.streaming.limits import CHAT_MESSAGE_MAX_CHARS, ROOM_NAME_RE, WS_MAX_MESSAGE_BYTES

HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_key(client_key: str) -> str:
    """``Sec-WebSocket-Accept`` for a ``Sec-WebSocket-Key`` (RFC 6455 §4.2.2)."""
    digest = hashlib.sha1((client_key.strip() + HANDSHAKE_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid_client_key(client_key: str) -> bool:
    """The key must be base64 of exactly 16 bytes (RFC 6455 §4.1, §4.2.1)."""
    try:
        return len(base64.b64decode(client_key.strip(), validate=True)) == 16
    except (binascii.Error, ValueError):
        return False


# --- Frames ------------------------------------------------------------------------------------


class Opcode(IntEnum):
    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA

    @property
    def is_control(self) -> bool:
        return self >= 0x8


class FrameError(ValueError):
    """A frame the receiver must fail the connection for, with the close code to use."""

    def __init__(self, message: str, close_code: int = 1002) -> None:
        super().__init__(message)
        self.close_code = close_code


@dataclass(frozen=True)
class Frame:
    opcode: Opcode
    payload: bytes  # unmasked
    fin: bool = True
    mask_key: bytes | None = None  # 4 bytes when the frame is (to be) masked
    rsv: int = 0  # RSV1..RSV3 as a 3-bit number; 0 unless an extension is negotiated

    @property
    def masked(self) -> bool:
        return self.mask_key is not None


def apply_mask(payload: bytes, mask_key: bytes) -> bytes:
    """XOR with the 4-byte key repeated (RFC 6455 §5.3); masking and unmasking are the same."""
    if len(mask_key) != 4:
        raise ValueError("a masking key is 4 bytes")
    if not payload:
        return b""
    # One big-integer XOR instead of a Python loop: a 64 KiB payload takes microseconds.
    repeats = -(-len(payload) // 4)
    key = (mask_key * repeats)[: len(payload)]
    masked = int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")
    return masked.to_bytes(len(payload), "big")


def encode_frame(frame: Frame) -> bytes:
    """Serialise a frame, with the shortest payload-length form (RFC 6455 §5.2)."""
    opcode = Opcode(frame.opcode)
    if opcode.is_control and (len(frame.payload) > 125 or not frame.fin):
        raise FrameError("control frames carry at most 125 bytes and cannot be fragmented")
    if not 0 <= frame.rsv <= 7:
        raise ValueError("rsv is a 3-bit value")
    first = (0x80 if frame.fin else 0) | (frame.rsv << 4) | opcode
    length = len(frame.payload)
    mask_bit = 0x80 if frame.mask_key is not None else 0
    if length <= 125:
        header = bytes([first, mask_bit | length])
    elif length <= 0xFFFF:
        header = bytes([first, mask_bit | 126]) + length.to_bytes(2, "big")
    else:
        header = bytes([first, mask_bit | 127]) + length.to_bytes(8, "big")
    if frame.mask_key is None:
        return header + frame.payload
    return header + frame.mask_key + apply_mask(frame.payload, frame.mask_key)


def decode_frame(
    data: bytes,
    *,
    from_client: bool,
    max_payload: int = WS_MAX_MESSAGE_BYTES,
    allowed_rsv: int = 0,
) -> tuple[Frame, int] | None:
    """Decode the frame at the start of ``data``: ``(frame, bytes used)``, or ``None`` if more
    bytes are needed. ``from_client`` says who sent it: a server must fail the connection on an
    unmasked client frame, and a client on a masked server frame (RFC 6455 §5.1).

    Raises :class:`FrameError` with the close code the receiver should send.
    """
    if len(data) < 2:
        return None
    first, second = data[0], data[1]
    fin = bool(first & 0x80)
    rsv = (first >> 4) & 0x7
    if rsv & ~allowed_rsv:
        raise FrameError("reserved bits set without a negotiated extension")
    try:
        opcode = Opcode(first & 0x0F)
    except ValueError:
        raise FrameError(f"reserved opcode {first & 0x0F:#x}") from None
    masked = bool(second & 0x80)
    if masked != from_client:
        who = "client frames must be masked" if from_client else "server frames must not be masked"
        raise FrameError(who)
    length = second & 0x7F
    position = 2
    if length == 126:
        if len(data) < 4:
            return None
        length = int.from_bytes(data[2:4], "big")
        position = 4
    elif length == 127:
        if len(data) < 10:
            return None
        length = int.from_bytes(data[2:10], "big")
        if length >> 63:
            raise FrameError("the most significant bit of a 64-bit length must be 0")
        position = 10
    if opcode.is_control and (length > 125 or not fin):
        raise FrameError("control frames carry at most 125 bytes and cannot be fragmented")
    if length > max_payload:
        raise FrameError(f"payload of {length} bytes exceeds {max_payload}", close_code=1009)
    mask_key = None
    if masked:
        if len(data) < position + 4:
            return None
        mask_key = bytes(data[position : position + 4])
        position += 4
    end = position + length
    if len(data) < end:
        return None
    payload = bytes(data[position:end])
    if mask_key is not None:
        payload = apply_mask(payload, mask_key)
    return Frame(opcode=opcode, payload=payload, fin=fin, mask_key=mask_key, rsv=rsv), end


def describe_frame(frame: Frame) -> dict[str, object]:
    """A JSON-ready row for the lab's frame log."""
    row: dict[str, object] = {
        "fin": frame.fin,
        "opcode": frame.opcode.name.lower(),
        "masked": frame.masked,
        "mask_key": frame.mask_key.hex() if frame.mask_key else None,
        "payload_length": len(frame.payload),
        "wire_length": len(encode_frame(frame)),
    }
    if frame.opcode == Opcode.TEXT:
        row["text"] = frame.payload[:200].decode("utf-8", errors="replace")
    elif frame.opcode == Opcode.CLOSE:
        try:
            code, reason = decode_close_payload(frame.payload)
        except FrameError as error:
            row["error"] = str(error)
        else:
            row["close_code"], row["close_reason"] = code, reason
    return row


# --- Close codes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseCode:
    code: int
    name: str
    meaning_en: str
    meaning_zh: str
    sendable: bool  # may appear in a Close frame on the wire


_CLOSE_CODES = {
    c.code: c
    for c in (
        CloseCode(
            1000,
            "Normal Closure",
            "The purpose of the connection has been fulfilled.",
            "正常关闭：连接的目的已经完成。",
            True,
        ),
        CloseCode(
            1001,
            "Going Away",
            "The endpoint is leaving: server shutting down or the page navigated away.",
            "端点离开：服务器关闭，或浏览器离开了页面。",
            True,
        ),
        CloseCode(
            1002,
            "Protocol Error",
            "The peer broke the protocol (for example an unmasked client frame).",
            "协议错误：对端违反了协议（例如客户端帧没有掩码）。",
            True,
        ),
        CloseCode(
            1003,
            "Unsupported Data",
            "A data type the endpoint cannot accept (for example binary where only text is expected).",
            "不支持的数据类型（例如只接受文本却收到二进制）。",
            True,
        ),
        CloseCode(
            1005,
            "No Status Received",
            "Reported by the API when a Close frame had no status code; never sent on the wire.",
            "收到的 Close 帧没有状态码时由 API 报告；不会出现在线路上。",
            False,
        ),
        CloseCode(
            1006,
            "Abnormal Closure",
            "Reported by the API when the connection dropped without a Close frame; never sent on the wire.",
            "连接在没有 Close 帧的情况下断开时由 API 报告；不会出现在线路上。",
            False,
        ),
        CloseCode(
            1007,
            "Invalid Frame Payload Data",
            "Data inconsistent with the message type, such as invalid UTF-8 in a text message.",
            "数据与消息类型不符，例如文本消息里有非法 UTF-8。",
            True,
        ),
        CloseCode(
            1008,
            "Policy Violation",
            "The message violates the endpoint's policy (the lab uses it for rate limits).",
            "消息违反端点的策略（本实验用于限流）。",
            True,
        ),
        CloseCode(
            1009,
            "Message Too Big",
            "The message is too big to process.",
            "消息太大，无法处理。",
            True,
        ),
        CloseCode(
            1010,
            "Mandatory Extension",
            "The client expected the server to negotiate an extension it did not.",
            "客户端要求的扩展服务器没有协商。",
            True,
        ),
        CloseCode(
            1011,
            "Internal Error",
            "The server hit an unexpected condition.",
            "服务器遇到意外情况。",
            True,
        ),
        CloseCode(
            1015,
            "TLS Handshake",
            "Reported by the API when the TLS handshake failed; never sent on the wire.",
            "TLS 握手失败时由 API 报告；不会出现在线路上。",
            False,
        ),
    )
}


def close_code_info(code: int) -> CloseCode:
    """Name and meaning of any close code, including the ranges (RFC 6455 §7.4)."""
    if code in _CLOSE_CODES:
        return _CLOSE_CODES[code]
    if 3000 <= code <= 3999:
        return CloseCode(
            code,
            "Registered",
            "Registered with IANA for libraries, frameworks and applications.",
            "在 IANA 注册，供库、框架和应用使用。",
            True,
        )
    if 4000 <= code <= 4999:
        return CloseCode(
            code,
            "Private Use",
            "Private use: its meaning is agreed between the application's client and server.",
            "私有用途：含义由应用自己的客户端和服务器约定。",
            True,
        )
    return CloseCode(
        code,
        "Reserved",
        "Not a valid close code: reserved by RFC 6455 or outside 1000-4999.",
        "不是有效的关闭码：被 RFC 6455 保留，或不在 1000-4999 范围内。",
        False,
    )


def encode_close_payload(code: int, reason: str = "") -> bytes:
    if not close_code_info(code).sendable:
        raise ValueError(f"close code {code} must not be sent on the wire")
    encoded = reason.encode("utf-8")
    if len(encoded) > 123:  # 125-byte control payload minus the 2-byte code
        raise ValueError("close reason is longer than 123 bytes of UTF-8")
    return code.to_bytes(2, "big") + encoded


def decode_close_payload(payload: bytes) -> tuple[int | None, str]:
    """(code, reason) from a Close frame; ``(None, "")`` for an empty payload (API reports 1005)."""
    if not payload:
        return None, ""
    if len(payload) == 1:
        raise FrameError("a close payload of one byte cannot hold a status code")
    code = int.from_bytes(payload[:2], "big")
    if not close_code_info(code).sendable:
        raise FrameError(f"close code {code} is not allowed on the wire")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        raise FrameError("close reason is not valid UTF-8", close_code=1007) from None
    return code, reason


# --- The chat room -------------------------------------------------------------------------------


_CHAT_ERRORS = {
    "binary": ("Send text frames: the room speaks JSON.", "请发送文本帧：聊天室使用 JSON。"),
    "too_large": (
        f"The message is larger than {WS_MAX_MESSAGE_BYTES} bytes.",
        f"消息超过 {WS_MAX_MESSAGE_BYTES} 字节。",
    ),
    "invalid_json": ("The message is not valid JSON: {detail}.", "消息不是合法的 JSON：{detail}。"),
    "not_object": (
        'Send a JSON object such as {{"message": "hello"}}.',
        '请发送 JSON 对象，例如 {{"message": "你好"}}。',
    ),
    "missing_message": (
        'The object has no "message" field.',
        '对象里没有 "message" 字段。',
    ),
    "not_string": ('"message" must be a string.', '"message" 必须是字符串。'),
    "empty": ("The message is empty.", "消息为空。"),
    "too_long": (
        f"The message is longer than {CHAT_MESSAGE_MAX_CHARS} characters.",
        f"消息超过 {CHAT_MESSAGE_MAX_CHARS} 个字符。",
    ),
    "control_chars": (
        "The message contains control characters.",
        "消息包含控制字符。",
    ),
}

# Tab and newline are fine in a chat line; other C0/C1 controls and lone surrogates are not.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class ChatMessageError(ValueError):
    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, language: str = "en") -> str:
        en, zh = _CHAT_ERRORS[self.code]
        template = zh if language.lower().startswith("zh") else en
        return template.format(detail=self.detail)


@dataclass(frozen=True)
class ChatMessage:
    text: str


def parse_chat_message(raw: str | bytes | None) -> ChatMessage:
    """Validate one incoming room message: ``{"message": "..."}``.

    Other keys are ignored on purpose: htmx's ``ws`` extension adds a ``HEADERS`` object to
    every message it sends. Raises :class:`ChatMessageError` with a code and a readable message.
    """
    if raw is None or isinstance(raw, bytes):
        raise ChatMessageError("binary")
    # Characters never outnumber UTF-8 bytes, so the cheap check goes first.
    if len(raw) > WS_MAX_MESSAGE_BYTES or _utf8_length(raw) > WS_MAX_MESSAGE_BYTES:
        raise ChatMessageError("too_large")
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ChatMessageError(
            "invalid_json", f"{error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:  # [[[[...]]]] deeper than the interpreter's recursion limit
        raise ChatMessageError("invalid_json", "nested too deeply") from None
    except ValueError as error:  # an integer literal longer than Python's 4300-digit limit
        raise ChatMessageError("invalid_json", str(error)) from None
    if not isinstance(document, dict):
        raise ChatMessageError("not_object")
    if "message" not in document:
        raise ChatMessageError("missing_message")
    text = document["message"]
    if not isinstance(text, str):
        raise ChatMessageError("not_string")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ChatMessageError("empty")
    if len(text) > CHAT_MESSAGE_MAX_CHARS:
        raise ChatMessageError("too_long")
    if _CONTROL_RE.search(text):
        raise ChatMessageError("control_chars")
    return ChatMessage(text)


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def is_valid_room_name(name: str) -> bool:
    return ROOM_NAME_RE.fullmatch(name) is not None


def room_group_name(room: str) -> str:
    """The Channels group for a room; the room regex keeps it a valid group name."""
    if not is_valid_room_name(room):
        raise ValueError(f"invalid room name {room!r}")
    return f"streaming.chat.{room}"
