"""The appliance's command line as a user types it: cameras, apps and their versions, status, token."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import panorama

pytest.importorskip("cryptography", reason="the appliance needs cryptography (pip install 'panoramasdk[appliance]')")

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "cli-Secret-77"


def test_cameras_add_list_remove(private_panorama_home):
    added = panorama("cameras", "add", "lobby", "rtsp://10.1.2.3:554/live", "--user", "admin",
                     env={"PANORAMA_CAMERA_PASSWORD": PASSWORD})
    assert added.returncode == 0, added.stderr
    assert "password stored encrypted" in added.stdout and PASSWORD not in added.stdout
    listed = panorama("cameras", "list", "--json")
    cameras = json.loads(listed.stdout)
    assert [(c["name"], c["url"], c["has_password"], c["status"]["state"]) for c in cameras] == \
        [("lobby", "rtsp://10.1.2.3:554/live", True, "idle")]
    assert PASSWORD not in listed.stdout + panorama("cameras", "list").stdout
    bad = panorama("cameras", "add", "two words", "rtsp://h/x")
    assert bad.returncode == 2 and "camera name 'two words' is not valid" in bad.stderr
    assert panorama("cameras", "remove", "lobby").returncode == 0
    gone = panorama("cameras", "remove", "lobby")
    assert gone.returncode == 2 and "camera 'lobby' not found" in gone.stderr


def test_apps_versions_deploy_rollback_delete(private_panorama_home):
    assert panorama("cameras", "add", "entrance", "rtsp://10.1.2.3/live").returncode == 0
    created = panorama("apps", "create", ROOT / "examples" / "people_counter", "--camera", "entrance")
    assert created.returncode == 0, created.stderr
    assert "application 'people-counter': version" in created.stdout and "threshold=0.5" in created.stdout
    updated = panorama("apps", "update", "people-counter", "--param", "threshold=0.75", "--deploy")
    assert updated.returncode == 0, updated.stderr
    assert "threshold=0.75" in updated.stdout and "deployed" in updated.stdout
    same = panorama("apps", "update", "people-counter", "--param", "threshold=0.75")
    assert same.returncode == 2 and "nothing changed" in same.stderr
    versions = json.loads(panorama("apps", "versions", "people-counter", "--json").stdout)
    assert [v["manifest"]["parameters"]["threshold"] for v in versions] == [0.5, 0.75]
    first = versions[0]["version"]
    rolled = panorama("apps", "rollback", "people-counter", first)
    assert rolled.returncode == 0 and f"version {first} deployed" in rolled.stdout
    assert "starts when panorama serve runs" in rolled.stdout  # no supervisor here
    status = json.loads(panorama("apps", "status", "--json").stdout)
    assert status[0]["name"] == "people-counter" and status[0]["deployed_version"] == first
    assert panorama("apps", "clone", "people-counter", "pc-copy").returncode == 0
    only = panorama("apps", "delete", "pc-copy", "--version", json.loads(
        panorama("apps", "versions", "pc-copy", "--json").stdout)[0]["version"])
    assert only.returncode == 1 and "only version" in only.stderr
    assert panorama("apps", "delete", "pc-copy").returncode == 0
    in_use = panorama("cameras", "remove", "entrance")
    assert in_use.returncode == 1 and "used by the deployed application(s) people-counter" in in_use.stderr
    missing = panorama("apps", "deploy", "nope")
    assert missing.returncode == 2 and "application 'nope' not found" in missing.stderr


def test_status_and_token(private_panorama_home):
    status = panorama("status")
    assert status.returncode == 0, status.stderr
    assert "supervisor: not running" in status.stdout and "0 cameras, 0 models, 0 applications" in status.stdout
    token = panorama("token").stdout.strip()
    assert token == (private_panorama_home / "api-token").read_text().strip() and len(token) >= 40
    assert (private_panorama_home / "api-token").stat().st_mode & 0o777 == 0o600
