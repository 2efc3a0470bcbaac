"""The web console in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium, against a real `panorama serve` (subprocess, its supervisor running the applications) with the
RTSP test camera serving the pedestrian clip and the sample model.

One journey, as a new user would take it: sign in, read the status, add the camera through the form
(its password never in the page), import the model, create the people counter, deploy it, watch its live
output and log, read the metrics, change a parameter (a new version), roll back, clone, delete a version,
delete the application.
"""
from __future__ import annotations

import base64
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import panoramasdk
import pytest
import rtsp_fixtures
from rtsp_fixtures import CLIP_PATH, RTSP_PASSWORD, RTSP_USER
from test_onvif_discovery import CAMERA_SCRIPT, _netns_unavailable

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MODEL = ROOT / "build" / "models" / "people-ssd.onnx"
EXAMPLE = ROOT / "examples" / "people_counter"
CLIP = ROOT / "examples" / "assets" / "vtest-pedestrians-768x576-10fps.mp4"
CLIP_SIZE = (768, 576)
APP = "people-counter"
CAMERA = "entrance"
# Discovery multicasts, so its test runs in a private network namespace (never on the host's network), with
# a veth pair: the appliance probes from every address but loopback.
NETNS_CHILD_ENV = "PANORAMA_CONSOLE_NETNS_CHILD"
NETNS_ADDRESS = "10.99.0.1"
NETNS_SETUP = (["ip", "link", "set", "lo", "up"],
               ["ip", "link", "add", "cam0", "type", "veth", "peer", "name", "cam1"],
               ["ip", "addr", "add", f"{NETNS_ADDRESS}/24", "dev", "cam0"],
               ["ip", "link", "set", "cam1", "up"],
               ["ip", "link", "set", "cam0", "multicast", "on", "up"],
               ["ip", "route", "add", "224.0.0.0/4", "dev", "cam0"])
ONVIF_USER, ONVIF_PASSWORD = "admin", "Onvif-Pa55-in-form"

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} missing: apt-get install chromium chromium-driver",
                allow_module_level=True)
pytest.importorskip("selenium", reason="the browser test needs selenium (pip install selenium)")
pytest.importorskip("fastapi", reason="panorama serve needs the appliance packages (pip install "
                                      "'panoramasdk[appliance]')")

cv2 = pytest.importorskip("cv2", reason="pip install opencv-python-headless")

import httpx  # noqa: E402
from appliance_server import ApplianceServer  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

rtsp_file_server = rtsp_fixtures.rtsp_file_server
pytestmark = [pytest.mark.slow, pytest.mark.rtsp,
              pytest.mark.skipif(not MODEL.exists(), reason=f"{MODEL} missing: run make model")]


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    server = ApplianceServer(tmp_path_factory.mktemp("console") / "panorama-home")
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)  # Debian's chromium: Selenium Manager never downloads one
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


# ---- helpers over the page -------------------------------------------------------------------------
def wait(driver, condition, timeout: float = 15, what: str = ""):
    """Waits for condition(driver) to be truthy; on timeout says what was awaited and what the page showed."""
    def check(d):
        try:
            return condition(d)
        except StaleElementReferenceException:  # the view redrew under us: ask again
            return False

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(check)
    except Exception as exc:
        notice = driver.find_element(By.ID, "notice")
        shown = notice.text if notice.is_displayed() else "(no notice)"
        main = driver.find_element(By.ID, "main").text[:1500]
        raise AssertionError(f"waited {timeout} s for {what or condition}; notice: {shown}\npage:\n{main}") from exc


def go(driver, route: str, ready: str) -> None:
    """Follows a navigation link (as a user clicks) and waits for the element `ready` (CSS) of the view."""
    driver.find_element(By.CSS_SELECTOR, f'[data-testid="nav-{route}"]').click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ready) and d.find_element(By.ID, "main")
         .get_attribute("aria-busy") is None, what=f"{ready} on #/{route}")


def row(driver, testid: str, name: str):
    rows = driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"][data-name="{name}"]')
    return rows[0] if rows else None


def text_of(driver, testid: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]').text


def type_into(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def wait_ok(driver, contains: str, timeout: float = 20) -> None:
    """Waits for the success notice that contains `contains`; fails at once on an error notice."""
    def done(d):
        element = d.find_element(By.ID, "notice")
        if element.is_displayed() and element.get_attribute("data-kind") == "error":
            raise AssertionError(f"the console reported an error: {element.text}")
        return element.is_displayed() and contains in element.text
    wait(driver, done, timeout, what=f"a notice with {contains!r}")


def app_state(driver) -> tuple:
    """(state, deployed version, running version) as the application page shows them."""
    return (text_of(driver, "app-state"), text_of(driver, "app-deployed-version"),
            text_of(driver, "app-running-version"))


def wait_running(driver, version: str, timeout: float = 60) -> None:
    wait(driver, lambda d: app_state(d) == ("RUNNING", version, version), timeout,
         what=f"{APP} RUNNING version {version}")


def version_rows(driver) -> list:
    """[(version, deployed, parameters text)] newest first, as the versions table shows them."""
    return [(r.get_attribute("data-version"), r.get_attribute("data-deployed") == "true",
             r.find_element(By.CSS_SELECTOR, '[data-testid="version-parameters"]').text)
            for r in driver.find_elements(By.CSS_SELECTOR, '[data-testid="version-row"]')]


LIST_SHOWN = '[data-testid="apps"], [data-testid="apps-empty"]'  # the list once loaded, with or without rows


def delete_app(driver, name: str) -> None:
    """Deletes the application whose page is shown, confirming the browser's dialog."""
    driver.find_element(By.CSS_SELECTOR, '[data-testid="app-delete"]').click()
    WebDriverWait(driver, 5).until(EC.alert_is_present()).accept()
    wait_ok(driver, f"Application {name} deleted")
    wait(driver, lambda d: d.current_url.endswith("#/apps") and d.find_elements(By.CSS_SELECTOR, LIST_SHOWN)
         and not row(d, "app-row", name), what=f"{name} gone from the list")


def browser_fetch_jpeg(driver, path: str) -> bytes:
    """The bytes the browser gets for `path` (with the console's cookie, as the page would)."""
    encoded = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: "same-origin"}).then(async (r) => {
          if (!r.ok) return done("HTTP " + r.status + " " + await r.text());
          const bytes = new Uint8Array(await r.arrayBuffer());
          let text = "";
          for (const b of bytes) text += String.fromCharCode(b);
          done("b64:" + btoa(text));
        }).catch((e) => done("error " + e));""", path)
    assert encoded.startswith("b64:"), f"fetching {path} in the browser: {encoded}"
    return base64.b64decode(encoded[4:])


def script_errors(driver) -> list:
    """Uncaught exceptions in the console's scripts since the last call (network errors are not theirs)."""
    return [e["message"] for e in driver.get_log("browser") if e.get("source") == "javascript"]


# ---- the tests ---------------------------------------------------------------------------------
def test_without_the_token_the_browser_gets_the_login_page(appliance, browser):
    answer = httpx.get(appliance.base_url + "/", headers={"Accept": "text/html"})
    assert answer.status_code == 401 and 'name="token"' in answer.text and appliance.token not in answer.text
    browser.delete_all_cookies()
    browser.get(appliance.base_url + "/")
    assert browser.find_elements(By.ID, "token"), browser.page_source[:500]
    assert not browser.find_elements(By.ID, "main")  # no console without the token
    assert browser.get_cookies() == []
    browser.find_element(By.ID, "token").send_keys("not-the-token")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, lambda d: "not valid" in d.find_element(By.TAG_NAME, "body").text, what="the refusal")
    # The form with the right token signs in and shows the console.
    browser.find_element(By.ID, "token").send_keys(appliance.token)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="status-version"]'), what="the console")
    cookie = browser.get_cookie("panorama_token")
    assert cookie and cookie["httpOnly"]
    assert browser.execute_script("return document.cookie") == ""  # the page's scripts cannot read it


def test_console_journey(appliance, browser, rtsp_file_server):
    camera = rtsp_file_server(CLIP, loop=True, user=RTSP_USER, password=RTSP_PASSWORD)
    # A camera added through the API beforehand: the console lists what it did not make itself.
    answer = appliance.client.post("/api/cameras", json={"name": "yard", "url": "rtsp://127.0.0.1:9/none",
                                                         "description": "added by the API"})
    assert answer.status_code == 201, answer.text
    model_copy = appliance.home.parent / "incoming" / "people-ssd.onnx"  # "a file on the appliance"
    model_copy.parent.mkdir()
    shutil.copy(MODEL, model_copy)
    script_errors(browser)  # only this test's from here

    # Sign in by the link `panorama serve` documents; the token leaves the address bar.
    browser.delete_all_cookies()
    browser.get(f"{appliance.base_url}/?token={appliance.token}")
    wait(browser, lambda d: d.current_url.endswith("/#/status"), what="the redirect to the console")
    assert appliance.token not in browser.current_url
    wait(browser, lambda d: text_of(d, "status-supervisor").startswith("running (pid "), what="the supervisor")
    assert text_of(browser, "status-version") == panoramasdk.__version__
    assert text_of(browser, "status-cpus") == str(os.cpu_count())

    # Cameras: the API's camera is listed with its state; one more through the form.
    go(browser, "cameras", '[data-testid="camera-row"][data-name="yard"]')
    yard = row(browser, "camera-row", "yard")
    assert "rtsp://127.0.0.1:9/none" in yard.text and "idle" in yard.text and "added by the API" in yard.text
    type_into(browser, "camera-name", CAMERA)
    type_into(browser, "camera-url", camera.url(CLIP_PATH))
    type_into(browser, "camera-username", RTSP_USER)
    type_into(browser, "camera-password", RTSP_PASSWORD)
    type_into(browser, "camera-description", "the pedestrian clip")
    browser.find_element(By.ID, "camera-add").click()
    wait_ok(browser, f"Camera {CAMERA} added")
    wait(browser, lambda d: row(d, "camera-row", CAMERA), what="the new camera's row")
    cells = [td.text for td in row(browser, "camera-row", CAMERA).find_elements(By.TAG_NAME, "td")]
    assert cells[:4] == [CAMERA, camera.url(CLIP_PATH), RTSP_USER, "set"]  # it has a password, never which
    assert browser.find_element(By.ID, "camera-password").get_attribute("value") == ""  # the form was reset
    assert RTSP_PASSWORD not in browser.page_source

    # Models: import the sample model from a file on the appliance; the list shows its input shape.
    go(browser, "models", "#model-import-form")
    type_into(browser, "model-name", "people-ssd")
    type_into(browser, "model-path", str(model_copy))
    browser.find_element(By.ID, "model-import").click()
    wait_ok(browser, "Model people-ssd imported", timeout=60)
    wait(browser, lambda d: row(d, "model-row", "people-ssd"), what="the model's row")
    assert "data [1, 3, 512, 512] float32" in row(browser, "model-row", "people-ssd").text
    row(browser, "model-row", "people-ssd").find_element(By.TAG_NAME, "a").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="model-inputs-row"]'), what="describe")
    assert "[1, 3, 512, 512]" in row(browser, "model-inputs-row", "data").text
    assert '"size"' in text_of(browser, "model-preprocess")  # the recorded preprocessing spec

    # Applications: create the people counter from its folder with the camera, then deploy it.
    go(browser, "apps", "#app-create-form")
    type_into(browser, "app-source", str(EXAMPLE))
    browser.find_element(By.ID, f"app-camera-{CAMERA}").click()
    browser.find_element(By.ID, "app-create").click()
    wait(browser, lambda d: d.current_url.endswith(f"#/apps/{APP}") and d.find_elements(By.ID, "param-form"),
         what="the application's page")
    wait_ok(browser, f"Application {APP} created")
    [(first, deployed, parameters)] = version_rows(browser)
    assert not deployed and parameters == "threshold=0.5"
    browser.find_element(By.CSS_SELECTOR, '[data-testid="app-deploy"]').click()
    wait_ok(browser, "Deployed")
    wait_running(browser, first)

    # The live output: the MJPEG <img> shows frames, and the snapshot is a JPEG of the camera's size.
    live = browser.find_element(By.ID, "live-output")
    wait(browser, lambda d: live.is_displayed() and d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth", live) > 0, 30, what="a frame in the live <img>")
    assert browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", live) == \
        list(CLIP_SIZE)
    jpeg = browser_fetch_jpeg(browser, f"/api/apps/{APP}/snapshot/0.jpg")
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape == (CLIP_SIZE[1], CLIP_SIZE[0], 3)
    assert image.std() > 10  # a picture, not a blank frame
    # The log follows the application's output.
    wait(browser, lambda d: "Loading model" in text_of(d, "app-log"), 20, what="the app's log line")

    # Elsewhere the running application shows too: the status page and the camera's live state.
    go(browser, "status", f'[data-testid="status-app-row"][data-name="{APP}"]')
    wait(browser, lambda d: "RUNNING" in row(d, "status-app-row", APP).text, what="RUNNING on the status page")
    go(browser, "cameras", f'[data-testid="camera-row"][data-name="{CAMERA}"]')

    def camera_streams(d):
        entry = row(d, "camera-row", CAMERA)
        fps = entry.find_element(By.CSS_SELECTOR, '[data-testid="fps"]').text
        decoder = entry.find_element(By.CSS_SELECTOR, '[data-testid="decoder"]').text
        return "streaming" in entry.text and APP in entry.text and fps and float(fps) > 0 and decoder
    wait(browser, camera_streams, 20, what=f"{CAMERA} streaming with fps > 0 and its decoder named")
    # The stream names its decoder: libavcodec without a GPU (CI), nvdec where NVDEC is usable.
    decoder = row(browser, "camera-row", CAMERA).find_element(By.CSS_SELECTOR, '[data-testid="decoder"]').text
    assert decoder in ("libavcodec", "nvdec")
    assert RTSP_PASSWORD not in browser.page_source
    # A refused action shows the API's message: a camera in use cannot be removed.
    row(browser, "camera-row", CAMERA).find_element(By.CSS_SELECTOR, '[data-testid="camera-remove"]').click()
    WebDriverWait(browser, 5).until(EC.alert_is_present()).accept()
    wait(browser, lambda d: d.find_element(By.ID, "notice").get_attribute("data-kind") == "error", what="the refusal")
    assert text_of(browser, "notice").startswith(f"camera '{CAMERA}' is used by the deployed application(s) {APP}")
    assert row(browser, "camera-row", CAMERA)

    # Metrics: the page tabulates the Prometheus text, the running application in it.
    go(browser, "metrics", '[data-testid="metric-row"]')

    def app_up(d):
        entry = row(d, "metric-row", "panorama_app_up")
        return entry and f'app="{APP}"' in entry.text and entry.text.split()[-1] == "1.0"
    wait(browser, app_up, what="panorama_app_up 1 for the application")
    assert row(browser, "metric-row", "panorama_stream_fps")

    # A parameter changed in the editor makes a new version, deployed.
    go(browser, "apps", f'[data-testid="app-row"][data-name="{APP}"]')
    row(browser, "app-row", APP).find_element(By.CSS_SELECTOR, '[data-testid="app-link"]').click()
    wait(browser, lambda d: d.find_elements(By.ID, "param-threshold"), what="the parameters editor")
    type_into(browser, "param-threshold", "0.7")
    type_into(browser, "param-note", "fewer false people")
    browser.find_element(By.ID, "param-save").click()
    wait_ok(browser, "made and deployed")
    wait(browser, lambda d: len(version_rows(d)) == 2, what="two versions")
    (second, deployed, parameters), (older, _, _) = version_rows(browser)
    assert deployed and parameters == "threshold=0.7" and older == first and second != first
    wait_running(browser, second)

    # Roll back: the first version runs again.
    browser.find_element(By.CSS_SELECTOR, '[data-testid="app-rollback"]').click()
    wait_ok(browser, "Rolled back")
    wait(browser, lambda d: [v for v, deployed, _ in version_rows(d) if deployed] == [first], what="v1 deployed")
    wait_running(browser, first)
    history = appliance.client.get(f"/api/apps/{APP}").json()["history"]
    assert [h["action"] for h in history] == ["deploy", "deploy", "rollback"]

    # Clone the second version: a new application whose one version has its parameters; then delete it.
    type_into(browser, "clone-name", "counter-copy")
    Select(browser.find_element(By.ID, "clone-version")).select_by_value(second)
    browser.find_element(By.ID, "clone").click()
    wait_ok(browser, f"Cloned {APP} as counter-copy")
    wait(browser, lambda d: d.current_url.endswith("#/apps/counter-copy") and version_rows(d), what="the clone")
    [(_, deployed, parameters)] = version_rows(browser)
    assert not deployed and parameters == "threshold=0.7"
    delete_app(browser, "counter-copy")
    assert [r.get_attribute("data-name") for r in browser.find_elements(By.CSS_SELECTOR, '[data-testid="app-row"]')] \
        == [APP]

    # Delete the version no longer deployed; the deployed one has no delete button.
    row(browser, "app-row", APP).find_element(By.CSS_SELECTOR, '[data-testid="app-link"]').click()
    wait(browser, lambda d: len(version_rows(d)) == 2, what="the versions table")
    version_row = browser.find_element(By.CSS_SELECTOR, f'[data-testid="version-row"][data-version="{second}"]')
    version_row.find_element(By.CSS_SELECTOR, '[data-testid="version-delete"]').click()
    WebDriverWait(browser, 5).until(EC.alert_is_present()).accept()
    wait_ok(browser, f"Version {second} deleted")
    wait(browser, lambda d: [v for v, _, _ in version_rows(d)] == [first], what="only the first version left")
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="version-delete"]')

    # Delete the application: gone from the list and from the API, its camera no longer used.
    delete_app(browser, APP)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="apps-empty"]'), what="no application")
    assert appliance.client.get(f"/api/apps/{APP}").status_code == 404

    # Remove the camera, no longer used.
    go(browser, "cameras", f'[data-testid="camera-row"][data-name="{CAMERA}"]')
    row(browser, "camera-row", CAMERA).find_element(By.CSS_SELECTOR, '[data-testid="camera-remove"]').click()
    WebDriverWait(browser, 5).until(EC.alert_is_present()).accept()
    wait_ok(browser, f"Camera {CAMERA} removed")
    assert not row(browser, "camera-row", CAMERA) and row(browser, "camera-row", "yard")

    assert script_errors(browser) == []


def _netns_setup_script() -> str:
    return " && ".join(shlex.join(command) for command in NETNS_SETUP)


def test_discover_and_add_a_camera_in_the_browser(request):
    """The Discover form lists an ONVIF camera's profiles; "Add" fills the add form, which adds it."""
    if os.environ.get(NETNS_CHILD_ENV) != "1":
        # On the host: run this same test again inside a new network namespace.
        reason = _netns_unavailable()
        if reason:
            pytest.skip(reason)
        test_id = f"{__file__}::{request.node.name}"
        child = subprocess.run(["unshare", "-n", "sh", "-c", f'{_netns_setup_script()} && exec "$0" -m pytest -q -rs '
                                f'-p no:cacheprovider "$1"', sys.executable, test_id],
                               env=dict(os.environ, **{NETNS_CHILD_ENV: "1"}), capture_output=True, text=True,
                               timeout=150)
        output = child.stdout[-4000:] + child.stderr[-2000:]
        if child.returncode == 0 and " skipped" in child.stdout:
            pytest.skip(f"in the network namespace: {output[-500:]}")
        assert child.returncode == 0 and "1 passed" in child.stdout, output
        return

    pytest.importorskip("wsdiscovery", reason="wsdiscovery is not installed: pip install 'panoramasdk[appliance]'")
    stream = f"rtsp://{NETNS_ADDRESS}:8554/stream"
    device = subprocess.Popen([sys.executable, str(CAMERA_SCRIPT), "--port", "0", "--host", NETNS_ADDRESS,
                               "--user", ONVIF_USER, "--password", ONVIF_PASSWORD, "--name", "Front door",
                               "--hardware", "FC-100", "--stream-uri", stream, "--resolution", "1280x720"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert device.stdout.readline().startswith("ready "), "the fake ONVIF camera did not start"
        appliance = request.getfixturevalue("appliance")
        browser = request.getfixturevalue("browser")
        browser.get(f"{appliance.base_url}/?token={appliance.token}")
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="status-version"]'), what="sign-in")
        go(browser, "cameras", "#camera-discover-form")
        type_into(browser, "discover-username", ONVIF_USER)
        type_into(browser, "discover-password", ONVIF_PASSWORD)
        type_into(browser, "discover-timeout", "2")
        browser.find_element(By.ID, "camera-discover").click()
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="discovered-profiles"]'), 30,
             what="the discovered camera's profiles")
        [found] = browser.find_elements(By.CSS_SELECTOR, '[data-testid="discovered-device"]')
        assert found.get_attribute("data-address") == NETNS_ADDRESS and "FC-100" in found.text
        assert "MainStream" in found.text and "1280×720" in found.text and stream in found.text
        found.find_element(By.CSS_SELECTOR, '[data-testid="discovered-add"]').click()
        filled = {name: browser.find_element(By.ID, f"camera-{name}").get_attribute("value")
                  for name in ("name", "url", "username", "password")}
        assert filled == {"name": "Front-door-MainStream", "url": stream, "username": ONVIF_USER,
                          "password": ONVIF_PASSWORD}
        assert ONVIF_PASSWORD not in browser.page_source  # typed values are not in the markup
        browser.find_element(By.ID, "camera-add").click()
        wait_ok(browser, "Camera Front-door-MainStream added")
        [camera] = appliance.client.get("/api/cameras").json()
        assert (camera["name"], camera["url"], camera["has_password"]) == ("Front-door-MainStream", stream, True)
        assert ONVIF_PASSWORD not in browser.page_source
    finally:
        device.terminate()
        device.wait(timeout=10)
