"""The appliance's supervisor with real processes on real video: applications side by side, live statistics
and Prometheus metrics, and the faults of the issue (a killed process, an init() that raises, a crash, a
damaged version folder, a full disk under the log, a camera that goes away) each reported in the status
while the other applications keep running."""
from __future__ import annotations

import logging
import os
import re
import signal
import time
from types import SimpleNamespace

import httpx
import make_media
import pytest
from appliance_server import pid_alive
from cli_helpers import ROOT, panorama
from panoramasdk.appliance import app_logs, metrics
from panoramasdk.appliance.applications import ApplicationStore
from panoramasdk.appliance.cameras import CameraRegistry
from panoramasdk.appliance.home import ApplianceHome
from panoramasdk.appliance.secret_box import SecretBox
from panoramasdk.appliance.state_db import StateDB
from panoramasdk.appliance.supervisor import Supervisor, read_heartbeat
from panoramasdk.models.store import ModelStore
from panoramasdk.runtime import live_stats
from prometheus_client.parser import text_string_to_metric_families
from rtsp_fixtures import PATTERN_PATH, RTSP_PASSWORD, RTSP_USER, RtspServer, require_rtsp_server

PEOPLE_SSD = ROOT / "build" / "models" / "people-ssd.onnx"
PEOPLE_COUNTER = ROOT / "examples" / "people_counter"
NO_VIEW = {"view": False, "record": False}

APP_SOURCE = '''\
"""A supervised test application: counts frames; can fail in init() or crash after some frames."""
import os
import signal

import panoramasdk


class counter(panoramasdk.base):
    def interface(self):
        return {
            "parameters": (
                ("string", "fail", "'' counts frames, 'init' raises in init(), 'crash' dies by SIGSEGV", ""),
                ("int", "crash_after", "frames before the crash", 15),
            ),
            "inputs": (("media[]", "video_in", "Camera input stream"),),
            "outputs": (("media[video_in]", "video_out", "Camera output stream"),),
        }

    def init(self, parameters, inputs, outputs):
        self.p = parameters
        self.frames = 0
        if parameters.fail == "init":
            raise RuntimeError("the door sensor is missing")
        return True

    def entry(self, inputs, outputs):
        self.frames += 1
        if self.p.fail == "crash" and self.frames >= self.p.crash_after:
            os.kill(os.getpid(), signal.SIGSEGV)
        if self.frames % 10 == 0:
            print(f"counted {self.frames} frames")
        return True


def main():
    counter().run()


main()
'''


@pytest.fixture(scope="module")
def door_clip(tmp_path_factory):
    """90 s of a small test pattern at 10 fps: a camera that outlasts every test when played in real time."""
    return make_media.encode_test_clip(tmp_path_factory.mktemp("sv-media") / "door.mp4", width=160, height=120,
                                       fps=10, frames=900, gop=20)


@pytest.fixture
def appliance(private_panorama_home, tmp_path, monkeypatch):
    monkeypatch.setenv("PANORAMA_ORT_THREADS", "1")  # the children share 2 cores
    home = ApplianceHome.resolve(private_panorama_home)
    db = StateDB(home.db_path)
    app_dir = tmp_path / "counter-src"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(APP_SOURCE)
    return SimpleNamespace(home=home, db=db, apps=ApplicationStore(home, db),
                           cameras=CameraRegistry(db, SecretBox(home)), app_dir=app_dir)


@pytest.fixture
def start_supervisor(appliance):
    started = []

    def start(**timings) -> Supervisor:
        options = dict(poll_s=0.2, backoff_min_s=0.25, backoff_max_s=1.0, stop_grace_s=3.0, running_after_s=10.0)
        options.update(timings)
        sv = Supervisor(appliance.home, appliance.db, appliance.apps, appliance.cameras, **options)
        sv.start()
        started.append(sv)
        return sv

    yield start
    for sv in started:
        sv.stop()


def status(a, app: str) -> dict:
    """The application's status row; {} before the supervisor wrote one."""
    return a.db.query_one("SELECT * FROM app_status WHERE app = ?", (app,)) or {}


def stats(a, app: str):
    return live_stats.read(a.home.run_dir / f"{app}.stats.json")


def log_text(a, app: str) -> str:
    return "\n".join(app_logs.read_tail(a.home, app, 1000))


def wait_for(a, predicate, what: str, timeout_s: float = 40.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    logs = {app: log_text(a, app)[-1500:] for app in app_logs.app_log_names(a.home)}
    pytest.fail(f"no {what} within {timeout_s} s; status: {a.db.query('SELECT * FROM app_status')}; logs: {logs}")


def running(a, app: str, frame_sets: int = 1):
    """The status row once the application runs and has handled `frame_sets` frame sets."""
    row, live = status(a, app), stats(a, app)
    if row and row["state"] == "RUNNING" and live and live["pid"] == row["pid"] and live["frame_sets"] >= frame_sets:
        return row
    return None


def progress(a, app: str) -> int:
    return (stats(a, app) or {}).get("frame_sets", 0)


def samples(text: str) -> dict:
    """{(sample name, sorted label items): value} of a Prometheus exposition."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def sample(found: dict, metric: str, **labels) -> float:
    matches = [v for (n, items), v in found.items() if n == metric and set(labels.items()) <= set(items)]
    assert len(matches) == 1, f"{metric} {labels}: {len(matches)} samples in {[k for k in found if k[0] == metric]}"
    return matches[0]


def test_apps_run_side_by_side_and_faults_stay_with_their_app(appliance, start_supervisor, door_clip, sample_clip):
    a = appliance
    if not PEOPLE_SSD.exists():
        pytest.skip(f"{PEOPLE_SSD} is missing: make model")
    ModelStore(a.home.models_dir).add("people-ssd", PEOPLE_SSD)
    a.cameras.add("door", str(door_clip))
    a.cameras.add("lobby", str(sample_clip))
    a.apps.create(a.app_dir, "counter-a", cameras=["door"], outputs=NO_VIEW)
    a.apps.create(a.app_dir, "counter-b", cameras=["door"], outputs=NO_VIEW)
    a.apps.create(PEOPLE_COUNTER, "people", cameras=["lobby"])
    for app in ("counter-a", "counter-b", "people"):
        a.apps.deploy(app)
    sv = start_supervisor()
    assert read_heartbeat(a.home)["pid"] == os.getpid()

    for app in ("counter-a", "counter-b"):
        wait_for(a, lambda app=app: running(a, app, 10), f"{app} running 10 frame sets")
    wait_for(a, lambda: running(a, "people") and stats(a, "people")["models"]
             and stats(a, "people")["models"][0]["inferences"] >= 3, "3 inferences of the people counter")

    # Live statistics: the stream as the application sees it, the model's queue, latency and batch fill.
    door = stats(a, "counter-a")["streams"][0]
    assert door["uri"] == str(door_clip) and door["state"] == "streaming"
    assert 5 <= door["fps"] <= 15 and door["frames_decoded"] >= 10
    assert door["decoder"] == "libavcodec"  # the tests pin PANORAMA_DEVICE=cpu
    people = stats(a, "people")
    model = people["models"][0]
    assert model["name"] == "aws-panorama-sample-model" and model["batch_size"] == 1
    assert model["inference_mean_ms"] > 0 and model["batch_fill"] == 1.0 and model["failed"] == 0
    assert people["entry_mean_ms"] > model["inference_mean_ms"] * 0.5  # entry() waits for the inference
    view_port = status(a, "people")["view_port"]
    assert view_port and httpx.get(f"http://127.0.0.1:{view_port}/", timeout=10).status_code == 200

    found = samples(metrics.render(a.home, a.db, sv)[0].decode())
    for app in ("counter-a", "counter-b", "people"):
        assert sample(found, "panorama_app_up", app=app) == 1.0
        assert sample(found, "panorama_app_state", app=app, state="RUNNING") == 1.0
        assert sample(found, "panorama_app_restarts_total", app=app) == 0
    assert sample(found, "panorama_app_entry_seconds_count", app="counter-a") >= 10
    assert 5 <= sample(found, "panorama_stream_fps", app="counter-a", camera="0", name="door") <= 15
    assert sample(found, "panorama_stream_frames_decoded_total", app="counter-a") >= 10
    assert sample(found, "panorama_stream_up", app="people", name="lobby") == 1.0
    inference = dict(app="people", model="aws-panorama-sample-model")
    assert sample(found, "panorama_model_inference_seconds_count", **inference) >= 3
    mean_s = sample(found, "panorama_model_inference_seconds_sum", **inference) / \
        sample(found, "panorama_model_inference_seconds_count", **inference)
    assert 0.001 < mean_s < 10
    assert sample(found, "panorama_model_batch_fill_ratio", **inference) == 1.0

    # A killed process: ERROR with the reason, restarted; the others keep their process and their pace.
    pids = {app: status(a, app)["pid"] for app in ("counter-a", "counter-b", "people")}
    people_before = progress(a, "people")
    os.kill(pids["counter-a"], signal.SIGKILL)
    row = wait_for(a, lambda: (r := running(a, "counter-a")) and r["pid"] != pids["counter-a"] and r,
                   "counter-a running again")
    assert row["restarts"] == 1 and row["last_error"].startswith("killed by SIGKILL")
    assert re.search(rf"pid {pids['counter-a']} killed by SIGKILL after [\d.]+ s; restarting in 0.25 s",
                     log_text(a, "counter-a"))
    assert {app: status(a, app)["pid"] for app in ("counter-b", "people")} == \
        {"counter-b": pids["counter-b"], "people": pids["people"]}
    wait_for(a, lambda: progress(a, "people") > people_before, "the people counter going on")

    # A damaged version folder: ERROR naming the problem, never run, retried; the others untouched.
    version = status(a, "counter-b")["version"]
    entry = a.apps.version_dir("counter-b", version) / "app.py"
    entry.chmod(0o644)
    with open(entry, "a") as f:
        f.write("# changed behind the appliance's back\n")
    os.kill(pids["counter-b"], signal.SIGKILL)
    wait_for(a, lambda: "was changed after it was made" in status(a, "counter-b").get("last_error", ""),
             "counter-b reported as damaged")
    row = status(a, "counter-b")
    assert row["state"] == "ERROR" and row["pid"] is None and version in row["last_error"]
    time.sleep(1.0)  # retries come and fail again
    assert status(a, "counter-b")["state"] == "ERROR" and status(a, "counter-b")["pid"] is None
    assert len(re.findall(r"cannot start version .* was changed after it was made", log_text(a, "counter-b"))) >= 2
    assert status(a, "people")["pid"] == pids["people"] and status(a, "people")["restarts"] == 0

    # Deleting one application and stopping another: their processes end, nothing else moves.
    new_a = status(a, "counter-a")["pid"]
    a.apps.delete("counter-a")
    sv.wake()
    wait_for(a, lambda: not pid_alive(new_a), "counter-a's process gone")
    assert status(a, "counter-a") == {}
    assert status(a, "people")["pid"] == pids["people"] and pid_alive(pids["people"])
    people_before = progress(a, "people")
    wait_for(a, lambda: progress(a, "people") > people_before, "the people counter going on")
    a.apps.stop("people")
    sv.wake()
    wait_for(a, lambda: not pid_alive(pids["people"]) and status(a, "people")["state"] == "STOPPED", "people stopped")
    assert "stopped (the application was stopped): exited with code 0" in log_text(a, "people")

    sv.stop()
    assert read_heartbeat(a.home) is None
    assert {r["state"] for r in a.db.query("SELECT state FROM app_status")} == {"STOPPED"}


def test_init_failure_crash_and_full_disk_are_reported(appliance, start_supervisor, door_clip):
    a = appliance
    a.cameras.add("door", str(door_clip))
    a.apps.create(a.app_dir, "init-fails", cameras=["door"], outputs=NO_VIEW, parameters={"fail": "init"})
    a.apps.create(a.app_dir, "crashes", cameras=["door"], outputs=NO_VIEW, parameters={"fail": "crash"})
    a.apps.create(a.app_dir, "disk-full", cameras=["door"], outputs=NO_VIEW)
    a.apps.create(a.app_dir, "porch-watch", cameras=["porch"], outputs=NO_VIEW)  # a camera not added yet
    full_log = a.home.app_log("disk-full")
    full_log.parent.mkdir(parents=True, exist_ok=True)
    full_log.symlink_to("/dev/full")  # every write fails with ENOSPC, as on a full disk
    for app in ("init-fails", "crashes", "disk-full", "porch-watch"):
        a.apps.deploy(app)
    start_supervisor()

    # A launch that cannot be built: ERROR naming the missing camera, retried until it is there.
    wait_for(a, lambda: "camera 'porch' not found" in status(a, "porch-watch").get("last_error", ""),
             "porch-watch reported without its camera")
    assert status(a, "porch-watch")["state"] == "ERROR" and status(a, "porch-watch")["pid"] is None
    a.cameras.add("porch", str(door_clip))
    wait_for(a, lambda: running(a, "porch-watch"), "porch-watch running once its camera exists")

    # init() raising: exit code 1, the traceback in the status and the log, restarted with a growing wait.
    wait_for(a, lambda: status(a, "init-fails").get("restarts", 0) >= 3, "3 restarts of init-fails")
    row = status(a, "init-fails")
    assert row["last_error"].startswith("exited with code 1")
    assert "Traceback (most recent call last)" in row["last_error"]
    assert "RuntimeError: the door sensor is missing" in row["last_error"]
    text = log_text(a, "init-fails")
    assert "counter.init() raised" in text and "RuntimeError: the door sensor is missing" in text
    delays = [float(d) for d in re.findall(r"exited with code 1 after [\d.]+ s; restarting in ([\d.]+) s", text)]
    assert delays[:3] == [0.25, 0.5, 1.0], delays

    # A crash after some frames: killed by the signal, its output kept, restarted.
    wait_for(a, lambda: status(a, "crashes").get("restarts", 0) >= 1, "a restart of crashes")
    assert status(a, "crashes")["last_error"].startswith("killed by SIGSEGV")
    assert "counted 10 frames" in log_text(a, "crashes")

    # A log on a full disk: the application runs on, the status says why its log is missing.
    row = wait_for(a, lambda: running(a, "disk-full", 20), "disk-full running 20 frame sets")
    assert row["restarts"] == 0
    assert row["log_error"] == f"cannot write {full_log}: No space left on device"
    full_log.unlink()  # room again: the next line is written and the problem cleared
    wait_for(a, lambda: status(a, "disk-full")["log_error"] == "", "log_error cleared")
    wait_for(a, lambda: "counted" in log_text(a, "disk-full"), "disk-full's lines in its log")
    assert status(a, "disk-full")["state"] == "RUNNING" and status(a, "disk-full")["restarts"] == 0


@pytest.mark.rtsp
def test_camera_dropout_does_not_restart_the_app_and_the_password_stays_secret(appliance, start_supervisor, caplog):
    require_rtsp_server()
    caplog.set_level(logging.DEBUG, logger="panoramasdk")
    a = appliance
    with RtspServer(patterns=[PATTERN_PATH], user=RTSP_USER, password=RTSP_PASSWORD) as server:
        a.cameras.add("gate", server.url(PATTERN_PATH), username=RTSP_USER, password=RTSP_PASSWORD)
        a.apps.create(a.app_dir, "gatekeeper", cameras=["gate"], outputs=NO_VIEW)
        a.apps.deploy("gatekeeper")
        sv = start_supervisor()
        pid = wait_for(a, lambda: running(a, "gatekeeper", 10), "gatekeeper running 10 frame sets")["pid"]

        server.kill()  # the camera loses power
        stream = wait_for(a, lambda: (s := stats(a, "gatekeeper")["streams"][0])["state"] != "streaming" and s,
                          "the stream reported down")
        assert stream["state"] in ("reconnecting", "connecting") and stream["last_error"], stream
        time.sleep(1.0)
        server.restart()
        decoded = stream["frames_decoded"]
        wait_for(a, lambda: (s := stats(a, "gatekeeper")["streams"][0])["state"] == "streaming"
                 and s["frames_decoded"] > decoded + 10, "frames again after the camera came back")
        frame_sets = progress(a, "gatekeeper")
        wait_for(a, lambda: progress(a, "gatekeeper") > frame_sets + 5, "entry() called again")
        row = status(a, "gatekeeper")
        assert (row["state"], row["pid"], row["restarts"]) == ("RUNNING", pid, 0)
        found = samples(metrics.render(a.home, a.db, sv)[0].decode())
        assert sample(found, "panorama_stream_reconnects_total", app="gatekeeper", name="gate") >= 1
        assert sample(found, "panorama_stream_up", app="gatekeeper", name="gate") == 1.0
        sv.stop()

    # The password is in no log, no statistics file, no status row and no line the supervisor logged.
    written = [p for folder in (a.home.logs_dir, a.home.run_dir) for p in folder.rglob("*") if p.is_file()]
    assert any(p.name == "gatekeeper.log" for p in written) and any(p.name.endswith(".stats.json") for p in written)
    for path in written:
        assert RTSP_PASSWORD not in path.read_text(errors="replace"), path
    assert RTSP_PASSWORD not in str(a.db.query("SELECT * FROM app_status"))
    assert RTSP_PASSWORD not in caplog.text


def test_logs_command_prints_and_names_what_is_missing(appliance):
    a = appliance
    log = app_logs.AppLog(a.home.app_log("front"), max_bytes=400, backups=2)
    for i in range(30):
        log.write(f"line {i:02d} of the front door")  # 26 bytes a line: rotated about every 15 lines
    log.close()
    assert a.home.app_log("front").with_name("front.log.1").exists()
    assert app_logs.read_tail(a.home, "front", 20) == [f"line {i:02d} of the front door" for i in range(10, 30)]
    r = panorama("logs", "front", "-n", "3")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"line {i} of the front door" for i in (27, 28, 29)]
    r = panorama("logs", "back")
    assert r.returncode == 2 and "application 'back' has no log" in r.stderr and "front" in r.stderr


def test_follow_reads_new_lines_across_a_rotation(appliance):
    a = appliance
    log = app_logs.AppLog(a.home.app_log("front"), max_bytes=200, backups=2)
    log.write("before following")
    lines = app_logs.follow(a.home, "front", lines=1, poll_s=0.02)
    assert next(lines) == "before following"
    got = []
    for i in range(20):  # 20 x 21 bytes: two rotations while following
        log.write(f"followed line {i:04d}")
        got.append(next(lines))
    lines.close()
    log.close()
    assert got == [f"followed line {i:04d}" for i in range(20)]
