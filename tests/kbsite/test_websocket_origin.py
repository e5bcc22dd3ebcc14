import pytest
from channels.testing import WebsocketCommunicator

from kbsite.asgi import application


async def connect(origin: bytes | None):
    headers = [(b"host", b"127.0.0.1")]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.asyncio
async def test_a_same_site_origin_may_open_a_websocket():
    communicator, connected = await connect(b"http://127.0.0.1:8000")
    assert connected
    await communicator.send_to(text_data="ping")
    assert await communicator.receive_from() == "pong"
    await communicator.disconnect()


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null", None])
@pytest.mark.asyncio
async def test_foreign_null_and_missing_origins_are_refused(origin):
    communicator, connected = await connect(origin)
    assert not connected
    await communicator.disconnect()
