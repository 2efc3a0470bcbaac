"""The appliance as a new user meets it, through a real ``panorama serve``: add the RTSP camera, import the
sample model, create the people counter from examples/, deploy it, see boxes in its live output, change a
parameter (a new version), roll back, kill its process, delete it. No password anywhere it should not be."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the appliance needs fastapi (pip install 'panoramasdk[appliance]')")
cv2 = pytest.importorskip("cv2", reason="pip install opencv-python-headless")

import rtsp_fixtures  # noqa: E402
from appliance_server import ApplianceServer, pid_alive  # noqa: E402
from rtsp_fixtures import CLIP_PATH, RTSP_PASSWORD, RTSP_USER  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "build" / "models" / "people-ssd.onnx"
CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"
rtsp_file_server = rtsp_fixtures.rtsp_file_server

pytestmark = [pytest.mark.slow, pytest.mark.rtsp,
              pytest.mark.skipif(not MODEL.exists(), reason=f"{MODEL} missing: run make model")]


def green_box_pixels(image: np.ndarray) -> int:
    """Pixels of the compositor's box colour (pure green, kRect* in draw_math.hpp), JPEG-blurred."""
    b, g, r = image[..., 0].astype(int), image[..., 1].astype(int), image[..., 2].astype(int)
    return int(np.count_nonzero((g > 200) & (r < 90) & (b < 90)))


@pytest.fixture
def server(private_panorama_home):
    server = ApplianceServer(private_panorama_home)
    yield server
    assert server.close() in (0, -signal.SIGTERM), server.log_path.read_text()[-2000:]


def _snapshot(server, app: str):
    answer = server.client.get(f"/api/apps/{app}/snapshot/0.jpg")
    if answer.status_code != 200:
        return None
    return cv2.imdecode(np.frombuffer(answer.content, np.uint8), cv2.IMREAD_COLOR)


def _running(server, app: str, version: str):
    status = server.app_status(app)
    return status if status["state"] == "RUNNING" and status["version"] == version else None


def test_new_user_flow_through_the_api(server, rtsp_file_server, private_panorama_home):
    camera = rtsp_file_server(CLIP, loop=True, user=RTSP_USER, password=RTSP_PASSWORD)
    api = server.client
    responses = []

    def call(method, path, expected, **kwargs):
        answer = api.request(method, path, **kwargs)
        assert answer.status_code == expected, (method, path, answer.text)
        responses.append(answer.text)
        return answer.json() if answer.content else None

    assert httpx_status(server, "/api/status", token=None) == 401
    call("POST", "/api/cameras", 201, json={"name": "entrance", "url": camera.url(CLIP_PATH),
                                            "username": RTSP_USER, "password": RTSP_PASSWORD})
    call("POST", "/api/models", 201, json={"name": "people-ssd", "path": str(MODEL)})
    v1 = call("POST", "/api/apps", 201, json={"source": str(ROOT / "examples" / "people_counter"),
                                              "cameras": ["entrance"]})["version"]["version"]
    call("POST", "/api/apps/people-counter/deploy", 200, json={"version": v1})
    status = server.wait_for(lambda: _running(server, "people-counter", v1), "the people counter to run")
    first_pid = status["pid"]

    # The live output: the camera's frames with the boxes the application drew.
    image = server.wait_for(lambda: (img := _snapshot(server, "people-counter")) is not None and [img],
                            "a live frame")[0]
    assert image.shape == (576, 768, 3)
    boxes = server.wait_for(lambda: green_box_pixels(_snapshot(server, "people-counter")) > 500, "boxes drawn")
    raw = cv2.VideoCapture(str(CLIP)).read()[1]
    assert green_box_pixels(raw) < 50 and boxes
    with api.stream("GET", "/api/apps/people-counter/live/0.mjpg") as live:
        assert live.status_code == 200 and live.headers["content-type"].startswith("multipart/x-mixed-replace")
        first = b""
        for chunk in live.iter_raw():
            first += chunk
            if first.count(b"\xff\xd9") >= 1:  # one whole JPEG relayed
                break
        assert b"image/jpeg" in first and b"\xff\xd8" in first

    cameras = server.wait_for(lambda: [c for c in call("GET", "/api/cameras", 200) if c["status"]["fps"] > 1],
                              "the camera's fps")
    assert cameras[0]["status"]["apps"] == ["people-counter"]
    assert cameras[0]["status"]["decoder"] == "libavcodec"  # the tests pin PANORAMA_DEVICE=cpu
    logs = server.wait_for(lambda: "people detected" in api.get("/api/apps/people-counter/logs").text, "its log")
    assert logs
    metrics = api.get("/metrics").text
    assert 'app="people-counter"' in metrics

    # A parameter change makes a new version; deploying it replaces the process.
    v2 = call("POST", "/api/apps/people-counter/versions", 201,
              json={"parameters": {"threshold": 0.999}, "deploy": True})["version"]
    server.wait_for(lambda: _running(server, "people-counter", v2), "version 2 to run")
    server.wait_for(lambda: "people detected: 0" in api.get("/api/apps/people-counter/logs?lines=20").text,
                    "no one counted at threshold 0.999")
    # Roll back: version 1 runs again and finds people again.
    assert call("POST", "/api/apps/people-counter/rollback", 200, json={})["deployed_version"] == v1
    status = server.wait_for(lambda: _running(server, "people-counter", v1), "the rollback")

    # Killing the application's process: reported, then restarted.
    os.kill(status["pid"], signal.SIGKILL)
    restarted = server.wait_for(lambda: (s := server.app_status("people-counter"))["restarts"] == status["restarts"] + 1
                                and s["state"] == "RUNNING" and s, "the restart after a kill")
    assert restarted["pid"] not in (status["pid"], first_pid)
    assert "signal" in restarted["last_error"] or "SIGKILL" in restarted["last_error"]

    call("DELETE", "/api/apps/people-counter", 204)
    server.wait_for(lambda: not pid_alive(restarted["pid"]), "the process to stop after the delete")
    assert call("GET", "/api/status", 200)["counts"]["apps"] == 0

    # The password is nowhere: not in any answer, not in the data folder (database, logs, statistics).
    assert all(RTSP_PASSWORD not in text for text in responses)
    for path in private_panorama_home.rglob("*"):
        if path.is_file():
            assert RTSP_PASSWORD.encode() not in path.read_bytes(), path
    assert RTSP_PASSWORD not in server.log_path.read_text()


def httpx_status(server, path: str, token) -> int:
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(server.base_url + path, headers=headers).status_code
