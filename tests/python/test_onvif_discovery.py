"""ONVIF discovery (panoramasdk.appliance.onvif_discovery) against real cameras: tests/tools/fake_onvif_camera.py.

WS-Discovery multicasts, so nothing here touches the host's network: the ``netns_run`` fixture starts this
file as a child under ``unshare -n``, in a private network namespace that holds only ``lo`` (given multicast
and the 224.0.0.0/4 route). There the child probes an empty network, starts two cameras (different names,
ports, profiles and credentials), probes, discovers, describes, provokes the failures, and prints what it
saw as JSON on stdout for the tests below. Needs root for the namespace; skips naming what is missing.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
CAMERA_SCRIPT = TOOLS / "fake_onvif_camera.py"
LO_SETUP = (["ip", "link", "set", "lo", "up"], ["ip", "link", "set", "lo", "multicast", "on"],
            ["ip", "route", "add", "224.0.0.0/4", "dev", "lo"])
PROBE_S = 1.5  # cameras answer after a random 0-0.5 s (wsdiscovery's APP_MAX_DELAY): room for a busy machine
CHILD_TIMEOUT_S = 60

FRONT = {"name": "Front door", "hardware": "FC-100", "user": "admin", "password": "Fr0nt-door-Secret",
         "stream": "rtsp://viewer:rtsp-Pa55@127.0.0.1:8554/stream", "resolution": (1280, 720),
         "sub_stream": "rtsp://127.0.0.1:8554/sub", "sub_resolution": (640, 360)}
YARD = {"name": "Yard gate", "hardware": "YG-2", "user": "operator", "password": "Yard-gate-Pa55word",
        "stream": "rtsp://127.0.0.1:8555/stream", "resolution": (1920, 1080)}
WRONG_PASSWORD = "wr0ng-Onvif-7731"


# ----------------------------------------------------------------------------- the child, inside the namespace


def _start_camera(camera: dict) -> subprocess.Popen:
    size = "{}x{}".format
    args = [sys.executable, str(CAMERA_SCRIPT), "--port", "0", "--user", camera["user"], "--password",
            camera["password"], "--name", camera["name"], "--hardware", camera["hardware"],
            "--stream-uri", camera["stream"], "--resolution", size(*camera["resolution"])]
    if "sub_stream" in camera:
        args += ["--sub-stream-uri", camera["sub_stream"], "--sub-resolution", size(*camera["sub_resolution"])]
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True)  # its log goes to our stderr


def _ready_xaddr(process: subprocess.Popen, name: str) -> str:
    line = process.stdout.readline().split()
    if not line or line[0] != "ready":
        raise RuntimeError(f"fake camera {name!r} did not start (exit {process.poll()}); its log is above")
    return line[1]


def _error(call) -> dict:
    try:
        call()
    except Exception as e:  # the tests check the type
        return {"type": type(e).__name__, "message": str(e)}
    return {"type": None, "message": ""}


def _timed(record: dict, key: str, call):
    start = time.monotonic()
    result = call()
    record[key] = round(time.monotonic() - start, 2)
    return result


def _child() -> None:
    import logging

    for command in LO_SETUP:
        subprocess.run(command, check=True)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")
    logging.getLogger("panoramasdk").setLevel(logging.DEBUG)  # every log line, to check none holds a password
    from panoramasdk.appliance import onvif_discovery as od

    seconds: dict = {}
    out: dict = {"seconds": seconds}
    out["empty"] = _timed(seconds, "empty_probe", lambda: [asdict(d) for d in od.probe(PROBE_S, interface="lo")])
    cameras = {"front": _start_camera(FRONT), "yard": _start_camera(YARD)}
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections (backlog), never answers
    try:
        out["xaddrs"] = {key: _ready_xaddr(p, key) for key, p in cameras.items()}
        out["probe"] = _timed(seconds, "probe", lambda: [asdict(d) for d in od.probe(PROBE_S, interface="lo")])
        found = _timed(seconds, "discover", lambda: od.discover(FRONT["user"], FRONT["password"], PROBE_S,
                                                                interface="lo"))
        out["discover"] = [[asdict(d), asdict(details) if details else None, error] for d, details, error in found]
        out["api_discover"] = _discover_through_the_api()
        out["describe_yard"] = asdict(od.describe_device(out["xaddrs"]["yard"], YARD["user"], YARD["password"]))
        out["errors"] = {
            "wrong_password": _error(lambda: od.describe_device(out["xaddrs"]["front"], FRONT["user"],
                                                                WRONG_PASSWORD)),
            "closed_port": _error(lambda: od.describe_device("http://127.0.0.1:9/onvif/device_service", "admin",
                                                             WRONG_PASSWORD, timeout_s=2.0)),
            "silent": _error(lambda: od.describe_device(
                f"http://127.0.0.1:{silent.getsockname()[1]}/onvif/device_service", "admin", WRONG_PASSWORD,
                timeout_s=0.5)),
        }
    finally:
        silent.close()
        for process in cameras.values():
            process.terminate()
        out["camera_exits"] = {key: p.wait(timeout=10) for key, p in cameras.items()}
    print(json.dumps(out))


def _discover_through_the_api() -> dict:
    """POST /api/cameras/discover of panorama serve's API (in process, over a throwaway data folder), then
    the first profile found added as a camera: what the console's Discover and Add buttons do."""
    import tempfile

    from fastapi.testclient import TestClient
    from panoramasdk.appliance.api.app import create_app
    from panoramasdk.appliance.home import ApplianceHome

    home = ApplianceHome.resolve(tempfile.mkdtemp(prefix="onvif-api-"))
    client = TestClient(create_app(home, token="test-token"), headers={"Authorization": "Bearer test-token"})
    found = client.post("/api/cameras/discover", json={"username": FRONT["user"], "password": FRONT["password"],
                                                       "timeout_s": PROBE_S, "interface": "lo"})
    front = next(d for d in found.json() if d["name"] == FRONT["name"])
    added = client.post("/api/cameras", json={"name": "front-door", "url": front["profiles"][0]["uri"],
                                              "username": FRONT["user"], "password": FRONT["password"]})
    return {"status": found.status_code, "found": found.json(), "text": found.text, "added": added.json()}


# ----------------------------------------------------------------------------- the tests, on the host


@functools.lru_cache(maxsize=1)
def _netns_unavailable() -> str | None:
    for tool, package in (("unshare", "util-linux"), ("ip", "iproute2")):
        if shutil.which(tool) is None:
            return f"{tool} not found (Debian package {package}): the ONVIF tests run in a private network namespace"
    if os.geteuid() != 0:
        return "not root: `unshare -n` (a private network namespace for the multicast probe) needs root"
    done = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True, text=True,
                          timeout=10)
    if done.returncode != 0:
        return f"`unshare -n ip link set lo up` failed here: {done.stderr.strip()}"
    return None


@pytest.fixture(scope="module")
def od():
    pytest.importorskip("wsdiscovery", reason="wsdiscovery is not installed: pip install 'panoramasdk[appliance]'")
    pytest.importorskip("onvif", reason="onvif-zeep is not installed: pip install 'panoramasdk[appliance]'")
    from panoramasdk.appliance import onvif_discovery

    return onvif_discovery


@pytest.fixture(scope="module")
def netns_run(od) -> dict:
    """What the child saw in its namespace; "stderr" holds every log line of it and of its cameras."""
    reason = _netns_unavailable()
    if reason:
        pytest.skip(reason)
    import panoramasdk

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(panoramasdk.__file__).parents[1]),
                                                      env.get("PYTHONPATH")]))
    # Its own session, so a hung run is killed with the cameras it started.
    child = subprocess.Popen(["unshare", "-n", sys.executable, __file__, "--netns-child"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        stdout, stderr = child.communicate(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        stdout, stderr = child.communicate()
        pytest.fail(f"the namespace child ran past {CHILD_TIMEOUT_S} s; its log:\n{stderr[-4000:]}")
    assert child.returncode == 0, f"the namespace child failed (exit {child.returncode}):\n{stderr[-4000:]}"
    result = json.loads(stdout)
    result["stderr"] = stderr
    return result


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_probe_of_an_empty_network_finds_nothing(netns_run):
    assert netns_run["empty"] == []


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_probe_finds_both_cameras_with_names_and_addresses(netns_run):
    xaddrs = netns_run["xaddrs"]
    by_name = {d["name"]: d for d in netns_run["probe"]}
    assert sorted(by_name) == ["Front door", "Yard gate"]  # the name scope, URL-decoded
    for camera, key in ((FRONT, "front"), (YARD, "yard")):
        device = by_name[camera["name"]]
        assert device["xaddrs"] == [xaddrs[key]]
        assert device["address"] == "127.0.0.1"
        assert device["hardware"] == camera["hardware"]
        assert "onvif://www.onvif.org/Profile/Streaming" in device["scopes"]
        assert device["epr"].startswith("urn:uuid:")
    assert by_name["Front door"]["epr"] != by_name["Yard gate"]["epr"]


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_discover_reads_each_profile_uri_and_resolution(netns_run):
    results = {device["name"]: (details, error) for device, details, error in netns_run["discover"]}
    details, error = results["Front door"]
    assert error is None
    assert details["xaddr"] == netns_run["xaddrs"]["front"]
    assert (details["manufacturer"], details["model"], details["firmware"], details["serial"]) == (
        "Panorama Test Cameras", "FC-100", "1.2.3", "SN-Front-door")
    assert details["profiles"] == [
        # the camera's main URI carries rtsp-user:pass: it comes back without them
        {"token": "main", "name": "MainStream", "uri": "rtsp://127.0.0.1:8554/stream", "width": 1280,
         "height": 720, "encoding": "H264"},
        {"token": "sub", "name": "SubStream", "uri": "rtsp://127.0.0.1:8554/sub", "width": 640, "height": 360,
         "encoding": "H264"},
    ]


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_discover_and_add_through_the_api(netns_run):
    api = netns_run["api_discover"]
    assert api["status"] == 200
    by_name = {d["name"]: d for d in api["found"]}
    assert set(by_name) == {"Front door", "Yard gate"}
    front = by_name["Front door"]
    assert front["error"] is None and front["model"] == "FC-100"
    assert [(p["uri"], p["width"], p["height"]) for p in front["profiles"]] == [
        ("rtsp://127.0.0.1:8554/stream", 1280, 720), ("rtsp://127.0.0.1:8554/sub", 640, 360)]
    assert by_name["Yard gate"]["profiles"] == [] and "refused the credentials" in by_name["Yard gate"]["error"]
    assert api["added"]["url"] == "rtsp://127.0.0.1:8554/stream" and api["added"]["has_password"]
    assert FRONT["password"] not in api["text"] + json.dumps(api["added"])


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_describe_with_the_other_cameras_credentials(netns_run):
    details = netns_run["describe_yard"]
    assert details["model"] == "YG-2"
    assert [(p["uri"], p["width"], p["height"]) for p in details["profiles"]] == [
        ("rtsp://127.0.0.1:8555/stream", 1920, 1080)]


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_refused_credentials_name_the_device_and_user_never_the_password(netns_run):
    results = {device["name"]: (details, error) for device, details, error in netns_run["discover"]}
    details, error = results["Yard gate"]  # discover() tried the front door's credentials on it
    assert details is None
    assert error == f"ONVIF device at {netns_run['xaddrs']['yard']} refused the credentials (user admin)"
    wrong = netns_run["errors"]["wrong_password"]
    assert wrong == {"type": "AuthenticationError", "message":
                     f"ONVIF device at {netns_run['xaddrs']['front']} refused the credentials (user admin)"}
    for password in (FRONT["password"], YARD["password"], WRONG_PASSWORD, "rtsp-Pa55"):
        assert password not in json.dumps(netns_run["discover"]) + json.dumps(netns_run["errors"])
        assert password not in netns_run["stderr"]  # no log line of the library or the cameras
    assert "WS-Discovery probe on lo: 2 ONVIF device(s)" in netns_run["stderr"]  # the logs were captured


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_unreachable_and_silent_devices(netns_run):
    closed = netns_run["errors"]["closed_port"]
    assert closed["type"] == "CameraConnectionError"
    assert closed["message"].startswith("ONVIF device at http://127.0.0.1:9/onvif/device_service cannot be reached "
                                        "(GetCapabilities): ")
    assert "Connection refused" in closed["message"]
    silent = netns_run["errors"]["silent"]
    assert silent["type"] == "DeadlineError"
    assert silent["message"].endswith("did not answer GetCapabilities within 0.5 s")


@pytest.mark.slow  # shares one namespace run of about 10 s
def test_cameras_stop_cleanly(netns_run):
    assert netns_run["camera_exits"] == {"front": 0, "yard": 0}


def test_bad_arguments_are_refused_before_any_traffic(od):
    from panoramasdk.errors import InvalidArgumentError, NotFoundError

    with pytest.raises(NotFoundError, match=r"network interface 'no-such-if0' not found; this host has .*lo"):
        od.probe(0.1, interface="no-such-if0")
    with pytest.raises(InvalidArgumentError, match="timeout_s must be a number of seconds above 0; got 0"):
        od.probe(0)
    with pytest.raises(InvalidArgumentError, match=r"ONVIF device address 'ftp://10.0.0.9/x' is not an http\(s\)"):
        od.describe_device("ftp://10.0.0.9/x", "admin", "pw")


def test_wsdl_folder_is_found_beside_the_onvif_package(od):
    import onvif

    folder = od.onvif_wsdl_dir()
    assert folder == Path(onvif.__file__).resolve().parent.parent / "wsdl"
    assert (folder / "devicemgmt.wsdl").is_file() and (folder / "media.wsdl").is_file()


if __name__ == "__main__" and sys.argv[1:] == ["--netns-child"]:
    _child()
