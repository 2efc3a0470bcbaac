"""The appliance's data folder: cameras with encrypted passwords, applications as immutable versions,
deploy and roll back, concurrent writers and what a crash leaves behind."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("cryptography", reason="the appliance needs cryptography (pip install 'panoramasdk[appliance]')")

from panoramasdk.appliance.parts import Appliance  # noqa: E402
from panoramasdk.errors import InvalidArgumentError, NotFoundError, StateError  # noqa: E402

PASSWORD = "Xy9-very-secret-pw"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def appliance(private_panorama_home) -> Appliance:
    return Appliance.open()


@pytest.fixture
def app_folder(tmp_path) -> Path:
    folder = tmp_path / "counter"
    folder.mkdir()
    (folder / "app.py").write_text("print('hello')\n")
    (folder / "helper.py").write_text("X = 1\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "helper.cpython-311.pyc").write_bytes(b"\0junk")
    (folder / "panorama-app.json").write_text(json.dumps({"name": "counter", "parameters": {"threshold": 0.5}}))
    return folder


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_camera_password_is_encrypted_at_rest_and_never_returned(appliance, private_panorama_home):
    added = appliance.cameras.add("lobby", f"rtsp://admin:{PASSWORD}@10.0.0.9:554/live")
    assert added["url"] == "rtsp://10.0.0.9:554/live"  # the credentials moved out of the URL
    assert added["username"] == "admin" and added["has_password"]
    assert PASSWORD not in json.dumps(appliance.cameras.list()) + json.dumps(appliance.cameras.get("lobby"))
    # Neither the database (with its WAL) nor any other file holds the password in clear.
    assert PASSWORD.encode() not in _all_bytes(private_panorama_home)
    key = private_panorama_home / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(private_panorama_home.stat().st_mode) == 0o700
    # Only the supervisor's call decrypts it; a new process with the same key does too.
    assert Appliance.open().cameras.connection("lobby").password == PASSWORD


def test_camera_key_readable_by_others_is_refused(appliance, private_panorama_home):
    appliance.cameras.add("lobby", "rtsp://10.0.0.9/live", "admin", PASSWORD)
    os.chmod(private_panorama_home / "secret.key", 0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        Appliance.open().cameras.connection("lobby")


def test_camera_errors_name_what_is_wrong(appliance):
    with pytest.raises(InvalidArgumentError, match="camera name 'a b'"):
        appliance.cameras.add("a b", "rtsp://host/x")
    with pytest.raises(InvalidArgumentError, match="scheme 'ftp' is not supported"):
        appliance.cameras.add("cam", "ftp://host/x")
    with pytest.raises(InvalidArgumentError, match="has no host"):
        appliance.cameras.add("cam", f"rtsp://user:{PASSWORD}@/x")
    appliance.cameras.add("cam", "rtsp://host/x")
    with pytest.raises(InvalidArgumentError, match="already exists"):
        appliance.cameras.add("cam", "rtsp://host/y")
    with pytest.raises(NotFoundError, match="known cameras: cam"):
        appliance.cameras.remove("nope")


def test_versions_are_content_hashed_and_immutable(appliance, app_folder):
    first = appliance.apps.create(app_folder)
    assert first["seq"] == 1 and len(first["version"]) == 12
    folder = appliance.apps.version_dir("counter", first["version"])
    assert sorted(p.name for p in folder.iterdir()) == ["app.py", "helper.py", "panorama-app.json"]  # no caches
    assert stat.S_IMODE((folder / "app.py").stat().st_mode) == 0o444
    with pytest.raises(InvalidArgumentError, match=f"version {first['version']}: nothing changed"):
        appliance.apps.new_version("counter", app_folder)
    # A parameter change is a new version made from the old one, which stays as it was.
    second = appliance.apps.new_version("counter", parameters={"threshold": 0.7})
    assert second["version"] != first["version"] and second["parent"] == first["version"]
    assert appliance.apps.manifest("counter", first["version"]).parameters == {"threshold": 0.5}
    assert appliance.apps.manifest("counter", second["version"]).parameters == {"threshold": 0.7}
    # New code: a third version; the same code again later is recognised.
    (app_folder / "app.py").write_text("print('hello, world')\n")
    third = appliance.apps.new_version("counter", app_folder)
    assert third["seq"] == 3
    assert appliance.apps.verify("counter", third["version"]) == ""


def test_deploy_rollback_clone_and_delete(appliance, app_folder):
    v1 = appliance.apps.create(app_folder)["version"]
    v2 = appliance.apps.new_version("counter", parameters={"threshold": 0.9})["version"]
    with pytest.raises(StateError, match="no earlier deployment"):
        appliance.apps.rollback("counter")
    appliance.apps.deploy("counter", v1)
    assert appliance.apps.deploy("counter")["deployed_version"] == v2  # default: the newest
    app = appliance.apps.rollback("counter")
    assert app["deployed_version"] == v1 and app["desired"] == "running"
    assert [h["action"] for h in app["history"]] == ["deploy", "deploy", "rollback"]
    with pytest.raises(StateError, match="is deployed"):
        appliance.apps.delete_version("counter", v1)
    appliance.apps.delete_version("counter", v2)
    with pytest.raises(StateError, match="only version"):
        appliance.apps.delete_version("counter", v1)
    clone = appliance.apps.clone("counter", "counter-b")
    assert clone["manifest"]["name"] == "counter-b" and clone["seq"] == 1
    assert appliance.apps.manifest("counter-b", clone["version"]).parameters == {"threshold": 0.5}
    appliance.apps.delete("counter")
    with pytest.raises(NotFoundError, match="known applications: counter-b"):
        appliance.apps.get("counter")
    assert not (appliance.home.apps_dir / "counter").exists()


def test_changed_version_folder_is_detected_and_never_deployed(appliance, app_folder):
    version = appliance.apps.create(app_folder)["version"]
    target = appliance.apps.version_dir("counter", version) / "app.py"
    os.chmod(target, 0o644)
    target.write_text("import os; os.system('rm -rf /')\n")
    with pytest.raises(StateError, match="was changed after it was made"):
        appliance.apps.deploy("counter", version)
    assert appliance.apps.get("counter")["deployed_version"] is None


def test_manifest_errors_name_the_field(tmp_path, appliance):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "app.py").write_text("")
    for manifest, message in (({"entry": "../x.py"}, "'entry' must be a relative path"),
                              ({"parameters": {"t": [1]}}, "'parameters.t' must be"),
                              ({"cameras": "lobby"}, "'cameras' must be a list"),
                              ({"colour": "red"}, "unknown field")):
        (folder / "panorama-app.json").write_text(json.dumps(manifest))
        with pytest.raises(InvalidArgumentError, match=message):
            appliance.apps.create(folder)
    (folder / "panorama-app.json").write_text("{not json")
    with pytest.raises(InvalidArgumentError, match="not valid JSON"):
        appliance.apps.create(folder)
    (folder / "panorama-app.json").write_text(json.dumps({"entry": "main.py"}))
    with pytest.raises(InvalidArgumentError, match="no entry file 'main.py'"):
        appliance.apps.create(folder)
    assert appliance.apps.list() == []  # nothing half-made


_WRITER = textwrap.dedent("""
    import sys
    from panoramasdk.appliance.parts import Appliance
    a = Appliance.open()
    for i in range(int(sys.argv[2])):
        a.cameras.add(f"{sys.argv[1]}-{i}", f"rtsp://10.0.0.{i % 250}/live", "user", "pw-" + str(i))
    print("done")
""")


def _writer(prefix: str, count: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"))
    return subprocess.Popen([sys.executable, "-c", _WRITER, prefix, str(count)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_concurrent_writers_lose_nothing(appliance):
    writers = [_writer(f"w{n}", 40) for n in range(3)]
    for w in writers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    names = {c["name"] for c in appliance.cameras.list()}
    assert names == {f"w{n}-{i}" for n in range(3) for i in range(40)}
    assert appliance.db.integrity_problems() == []
    assert appliance.cameras.connection("w2-39").password == "pw-39"


def test_power_cut_mid_write_leaves_a_sound_database(appliance, app_folder):
    appliance.apps.create(app_folder)
    writer = _writer("cut", 100000)
    time.sleep(1.5)  # well into its writes
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    reopened = Appliance.open()
    assert reopened.db.integrity_problems() == []
    count = len(reopened.cameras.list())
    assert count > 0
    reopened.cameras.add("after", "rtsp://10.0.0.1/live")
    assert len(reopened.cameras.list()) == count + 1


def test_repair_removes_what_an_interrupted_change_left(appliance, app_folder):
    version = appliance.apps.create(app_folder)["version"]
    versions = appliance.home.apps_dir / "counter" / "versions"
    (versions / ".staging-abc123").mkdir()  # copy in progress at the crash
    (versions / "0123456789ab").mkdir()  # moved into place, row never committed
    (appliance.home.apps_dir / "ghost").mkdir()  # an application deleted halfway
    removed = {p.name for p in appliance.apps.repair()}
    assert removed == {".staging-abc123", "0123456789ab", "ghost"}
    assert appliance.apps.verify("counter", version) == ""
    assert sorted(p.name for p in versions.iterdir()) == [version]
