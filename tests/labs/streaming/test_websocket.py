import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.streaming.limits import CHAT_MESSAGE_MAX_CHARS, WS_MAX_MESSAGE_BYTES
from labs.streaming.websocket import (
    ChatMessageError,
    Frame,
    FrameError,
    Opcode,
    accept_key,
    apply_mask,
    close_code_info,
    decode_close_payload,
    decode_frame,
    describe_frame,
    encode_close_payload,
    encode_frame,
    is_valid_client_key,
    is_valid_room_name,
    parse_chat_message,
    room_group_name,
)

# Timing belongs in bench/: a loaded CI machine must not turn slow examples into failures.
no_deadline = settings(deadline=None)

RFC_MASK = bytes([0x37, 0xFA, 0x21, 0x3D])


def test_accept_key_matches_the_rfc_6455_example():
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_client_keys_must_be_base64_of_16_bytes():
    assert is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ==")
    assert not is_valid_client_key("dGhlIHNhbXBsZQ==")
    assert not is_valid_client_key("not base64!")


def test_rfc_examples_for_unmasked_and_masked_hello():
    unmasked = encode_frame(Frame(Opcode.TEXT, b"Hello"))
    masked = encode_frame(Frame(Opcode.TEXT, b"Hello", mask_key=RFC_MASK))
    assert unmasked == bytes([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    assert masked == bytes([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])


def test_rfc_examples_for_extended_payload_lengths():
    assert encode_frame(Frame(Opcode.BINARY, bytes(256)))[:4] == bytes([0x82, 0x7E, 0x01, 0x00])
    header = encode_frame(Frame(Opcode.BINARY, bytes(65536)))[:10]
    assert header == bytes([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])


def test_fragmented_text_message_frames_per_rfc():
    first = encode_frame(Frame(Opcode.TEXT, b"Hel", fin=False))
    second = encode_frame(Frame(Opcode.CONTINUATION, b"lo"))
    assert first == bytes([0x01, 0x03, 0x48, 0x65, 0x6C])
    assert second == bytes([0x80, 0x02, 0x6C, 0x6F])


@no_deadline
@given(
    payload=st.binary(max_size=70_000),
    opcode=st.sampled_from([Opcode.TEXT, Opcode.BINARY, Opcode.CONTINUATION]),
    fin=st.booleans(),
    mask_key=st.binary(min_size=4, max_size=4),
)
def test_client_frames_round_trip_with_masking(payload, opcode, fin, mask_key):
    wire = encode_frame(Frame(opcode, payload, fin=fin, mask_key=mask_key))
    decoded = decode_frame(wire, from_client=True, max_payload=100_000)
    assert decoded is not None
    frame, used = decoded
    assert used == len(wire)
    assert (frame.opcode, frame.payload, frame.fin, frame.mask_key) == (
        opcode,
        payload,
        fin,
        mask_key,
    )


@no_deadline
@given(st.binary(max_size=300))
def test_server_frames_round_trip_unmasked(payload):
    wire = encode_frame(Frame(Opcode.BINARY, payload))
    frame, used = decode_frame(wire, from_client=False)
    assert frame.payload == payload and not frame.masked and used == len(wire)


def test_masking_is_its_own_inverse_and_changes_the_bytes_on_the_wire():
    assert apply_mask(apply_mask(b"secret", RFC_MASK), RFC_MASK) == b"secret"
    assert b"Hello" not in encode_frame(Frame(Opcode.TEXT, b"Hello", mask_key=RFC_MASK))


def test_an_unmasked_client_frame_and_a_masked_server_frame_are_protocol_errors():
    with pytest.raises(FrameError) as unmasked:
        decode_frame(encode_frame(Frame(Opcode.TEXT, b"x")), from_client=True)
    with pytest.raises(FrameError) as masked:
        decode_frame(encode_frame(Frame(Opcode.TEXT, b"x", mask_key=RFC_MASK)), from_client=False)
    assert unmasked.value.close_code == masked.value.close_code == 1002


def test_incomplete_frames_ask_for_more_bytes():
    wire = encode_frame(Frame(Opcode.TEXT, b"Hello", mask_key=RFC_MASK))
    assert all(decode_frame(wire[:n], from_client=True) is None for n in range(len(wire)))


def test_oversized_payload_is_refused_with_1009_before_it_arrives():
    header = bytes([0x82, 0xFF]) + (WS_MAX_MESSAGE_BYTES + 1).to_bytes(8, "big") + RFC_MASK
    with pytest.raises(FrameError) as error:
        decode_frame(header, from_client=True)
    assert error.value.close_code == 1009


@pytest.mark.parametrize(
    "wire",
    [
        bytes([0x83, 0x80]) + RFC_MASK,  # reserved opcode 0x3
        bytes([0xC1, 0x80]) + RFC_MASK,  # RSV1 without an extension
        bytes([0x09, 0x80]) + RFC_MASK,  # fragmented ping
        bytes([0x89, 0xFE, 0x00, 0x7E]) + RFC_MASK,  # 126-byte ping
        bytes([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]),  # 64-bit length with the top bit set
    ],
)
def test_malformed_frames_are_protocol_errors(wire):
    with pytest.raises(FrameError) as error:
        decode_frame(wire, from_client=True)
    assert error.value.close_code == 1002


def test_control_frames_cannot_be_encoded_too_long():
    with pytest.raises(FrameError):
        encode_frame(Frame(Opcode.PING, bytes(126)))


def test_close_payload_round_trip_and_wire_rules():
    assert decode_close_payload(encode_close_payload(1000, "bye")) == (1000, "bye")
    assert decode_close_payload(b"") == (None, "")
    with pytest.raises(ValueError):
        encode_close_payload(1006)  # reported by the API, never sent
    with pytest.raises(FrameError):
        decode_close_payload((1005).to_bytes(2, "big"))
    with pytest.raises(FrameError) as bad_utf8:
        decode_close_payload((1000).to_bytes(2, "big") + b"\xff")
    assert bad_utf8.value.close_code == 1007
    with pytest.raises(ValueError):
        encode_close_payload(1000, "x" * 124)


@pytest.mark.parametrize(
    ("code", "name", "sendable"),
    [
        (1000, "Normal Closure", True),
        (1001, "Going Away", True),
        (1002, "Protocol Error", True),
        (1003, "Unsupported Data", True),
        (1006, "Abnormal Closure", False),
        (1007, "Invalid Frame Payload Data", True),
        (1008, "Policy Violation", True),
        (1009, "Message Too Big", True),
        (1011, "Internal Error", True),
        (3001, "Registered", True),
        (4000, "Private Use", True),
        (4999, "Private Use", True),
        (1004, "Reserved", False),
        (999, "Reserved", False),
        (5000, "Reserved", False),
    ],
)
def test_close_codes_have_names_and_know_whether_they_go_on_the_wire(code, name, sendable):
    info = close_code_info(code)
    assert (info.name, info.sendable) == (name, sendable)
    assert info.meaning_en and info.meaning_zh


def test_frame_log_rows_describe_what_is_on_the_wire():
    row = describe_frame(Frame(Opcode.TEXT, b"Hello", mask_key=RFC_MASK))
    assert row == {
        "fin": True,
        "opcode": "text",
        "masked": True,
        "mask_key": "37fa213d",
        "payload_length": 5,
        "wire_length": 11,
        "text": "Hello",
    }
    close = describe_frame(Frame(Opcode.CLOSE, encode_close_payload(1001, "bye")))
    assert (close["close_code"], close["close_reason"]) == (1001, "bye")


# --- Chat messages -----------------------------------------------------------------------------


def test_a_valid_chat_message_is_stripped_and_returned():
    assert parse_chat_message('{"message": "  hi  "}').text == "hi"


def test_htmx_headers_key_is_ignored():
    raw = json.dumps({"message": "hi", "HEADERS": {"HX-Request": "true"}})
    assert parse_chat_message(raw).text == "hi"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"binary", "binary"),
        ("{", "invalid_json"),
        ("[" * 50_000, "invalid_json"),
        ('{"message": ' + "1" * 5000 + "}", "invalid_json"),
        ('["hi"]', "not_object"),
        ("{}", "missing_message"),
        ('{"message": 5}', "not_string"),
        ('{"message": "   "}', "empty"),
        (json.dumps({"message": "x" * (CHAT_MESSAGE_MAX_CHARS + 1)}), "too_long"),
        ("x" * (WS_MAX_MESSAGE_BYTES + 1), "too_large"),
        (json.dumps({"message": "a\x00b"}), "control_chars"),
    ],
)
def test_bad_chat_messages_get_a_clear_error(raw, code):
    with pytest.raises(ChatMessageError) as error:
        parse_chat_message(raw)
    assert error.value.code == code
    assert error.value.message("en") and error.value.message("zh-hans")


def test_json_errors_say_where():
    with pytest.raises(ChatMessageError) as error:
        parse_chat_message('{"message": }')
    assert "column 13" in error.value.message("en")


@no_deadline
@given(st.text(max_size=200))
def test_chat_validator_never_raises_anything_else(raw):
    with contextlib.suppress(ChatMessageError):
        parse_chat_message(raw)


def test_room_names_map_to_valid_channels_group_names():
    assert room_group_name("lobby-1") == "streaming.chat.lobby-1"
    assert not is_valid_room_name("a b")
    assert not is_valid_room_name("x" * 33)
    assert not is_valid_room_name("")
    with pytest.raises(ValueError):
        room_group_name("../etc")
