"""The browser live view: ViewServer over real OutputChains, fetched over real HTTP on loopback."""
from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request

import cv2
import numpy as np
import pytest
from panoramasdk._native import core
from panoramasdk.output import ViewServer


class Producer:
    """Submits frames to a chain from a thread, as the app loop does, until stopped."""

    def __init__(self, chain, width=320, height=240, fps=50.0):
        self.chain, self.size, self.period = chain, (height, width), 1.0 / fps
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.count = 0

    def _run(self):
        while not self.stop_event.is_set():
            img = np.full((*self.size, 3), (self.count * 7) % 256, np.uint8)
            self.chain.submit(img, [(0.1, 0.1, 0.5, 0.5)], [(f"frame {self.count}", 0.02, 0.9)])
            self.count += 1
            time.sleep(self.period)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(5)


@pytest.fixture
def served():
    chain = core.OutputChain(_view_options("video_out[0]"))
    server = ViewServer("127.0.0.1", 0)
    server.add_output(0, chain)
    server.start()
    host, port = server.address
    assert port != 0
    yield chain, f"http://{host}:{port}"
    chain.close()
    server.stop()


def _view_options(name: str) -> core.OutputOptions:
    o = core.OutputOptions()
    o.view = True
    o.view_max_fps = 20.0
    o.name = name
    return o


def _get(url: str, timeout: float = 10.0):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.status, resp.headers, resp.read()


def test_snapshot_is_a_decodable_jpeg_of_the_frame_size(served):
    chain, base = served
    with Producer(chain):
        status, headers, body = _get(base + "/snapshot/0.jpg")
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape == (240, 320, 3)
    # The overlay is in the view: the rectangle's green outline at its top-left corner.
    b, g, r = image[24, 60].astype(int)
    assert g > 200 and b < 80 and r < 80


def test_snapshot_of_a_stalled_output_is_its_last_frame(served):
    chain, base = served
    chain.submit(np.full((100, 200, 3), 30, np.uint8), [], [])
    status, _, body = _get(base + "/snapshot/0.jpg")  # nobody watched when the frame came
    assert status == 200
    assert cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR).shape == (100, 200, 3)


def _read_parts(resp, count: int, boundary: str) -> list[bytes]:
    """Reads `count` JPEG parts of a multipart/x-mixed-replace body."""
    parts = []
    while len(parts) < count:
        line = resp.readline()
        assert line, "stream ended early"
        if line.strip() != f"--{boundary}".encode():
            continue
        headers = {}
        while True:
            line = resp.readline().strip()
            if not line:
                break
            name, value = line.decode().split(":", 1)
            headers[name.strip().lower()] = value.strip()
        assert headers["content-type"] == "image/jpeg"
        parts.append(resp.read(int(headers["content-length"])))
    return parts


def test_stream_delivers_frames_with_boundaries(served):
    chain, base = served
    host, port = base.removeprefix("http://").split(":")
    with Producer(chain):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/stream/0.mjpg")
        resp = conn.getresponse()
        assert resp.status == 200
        content_type = resp.getheader("Content-Type")
        assert content_type.startswith("multipart/x-mixed-replace")
        boundary = content_type.split("boundary=")[1]
        parts = _read_parts(resp, 3, boundary)
        conn.close()  # a client that leaves mid-stream
    for jpeg in parts:
        assert cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR).shape == (240, 320, 3)
    assert len(set(parts)) >= 2  # the frames change


def test_a_stalled_client_does_not_hold_up_the_chain(served):
    chain, base = served
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", "/stream/0.mjpg")
    resp = conn.getresponse()  # then never read the body
    start = time.monotonic()
    for i in range(150):
        chain.submit(np.random.default_rng(i).integers(0, 255, (240, 320, 3), np.uint8), [], [])
    assert time.monotonic() - start < 20
    deadline = time.monotonic() + 10
    while chain.stats()["frames_composed"] < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert chain.stats()["frames_composed"] == 150
    resp.close()
    conn.close()


def test_unknown_outputs_and_pages_are_404(served):
    _, base = served
    for path in ("/snapshot/3.jpg", "/stream/1.mjpg", "/nothing", "/stream/x.mjpg"):
        with pytest.raises(urllib.error.HTTPError) as info:
            _get(base + path)
        assert info.value.code == 404


def test_index_lists_every_output():
    chains = [core.OutputChain(_view_options(f"video_out[{i}]")) for i in range(2)]
    with ViewServer("127.0.0.1", 0) as server:
        for i, chain in enumerate(chains):
            server.add_output(i, chain)
        host, port = server.address
        status, headers, body = _get(f"http://{host}:{port}/")
    for chain in chains:
        chain.close()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<img src="/stream/0.mjpg"' in page and '<img src="/stream/1.mjpg"' in page
    assert "video_out[1]" in page


def test_closing_the_output_ends_its_streams(served):
    chain, base = served
    host, port = base.removeprefix("http://").split(":")
    chain.submit(np.zeros((48, 64, 3), np.uint8), [], [])
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", "/stream/0.mjpg")
    resp = conn.getresponse()
    boundary = resp.getheader("Content-Type").split("boundary=")[1]
    assert len(_read_parts(resp, 1, boundary)) == 1
    chain.close()  # the output ends (as when the app stops): the stream finishes cleanly
    start = time.monotonic()
    rest = resp.read()
    assert time.monotonic() - start < 5
    assert rest.rstrip().endswith(f"--{boundary}--".encode())
    conn.close()


def test_server_stop_ends_open_streams():
    chain = core.OutputChain(_view_options("video_out[0]"))
    server = ViewServer("127.0.0.1", 0)
    server.add_output(0, chain)
    server.start()
    host, port = server.address
    with Producer(chain, fps=20.0):
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/stream/0.mjpg")
        resp = conn.getresponse()
        boundary = resp.getheader("Content-Type").split("boundary=")[1]
        _read_parts(resp, 1, boundary)
        start = time.monotonic()
        server.stop()
        server.stop()  # idempotent
        resp.read()  # returns once the handler has finished the stream
        assert time.monotonic() - start < 5
        conn.close()
    chain.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://{host}:{port}/", timeout=2)
