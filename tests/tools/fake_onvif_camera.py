"""A real ONVIF Profile S camera for tests: WS-Discovery announcements plus the SOAP device and media services.

It is a small server, not a mock: it publishes itself with wsdiscovery's threaded publisher as a
``dn:NetworkVideoTransmitter`` (name and hardware scopes, XAddr ``http://HOST:PORT/onvif/device_service``) and
answers, over HTTP with SOAP 1.2 envelopes, the calls onvif-zeep's ONVIFCamera makes: GetCapabilities,
GetDeviceInformation, GetProfiles and GetStreamUri (GetSystemDateAndTime without credentials, as ONVIF asks).
Every other call checks the WS-Security UsernameToken digest, base64(sha1(nonce + created + password)), and
answers a ``ter:NotAuthorized`` fault when it is missing or wrong.

    python tests/tools/fake_onvif_camera.py --port 8081 --user admin --password secret \
        --stream-uri rtsp://127.0.0.1:8554/stream --name "Front door" [--resolution 1280x720] \
        [--sub-stream-uri URI --sub-resolution 640x360] [--hardware FC-100] [--host 127.0.0.1]

It announces only on --host (loopback by default), so run it inside a private network namespace whose ``lo``
carries multicast (see tests/python/test_onvif_discovery.py). Prints "ready XADDR" on stdout once serving; logs
to stderr; exits 0 on SIGTERM/SIGINT.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import ipaddress
import logging
import signal
import sys
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote
from xml.sax.saxutils import escape

from wsdiscovery import QName, Scope
from wsdiscovery.publishing import ThreadedWSPublishing

log = logging.getLogger("fake_onvif_camera")

SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PASSWORD_DIGEST = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
NAMESPACES = {
    "tds": "http://www.onvif.org/ver10/device/wsdl",
    "trt": "http://www.onvif.org/ver10/media/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
    "ter": "http://www.onvif.org/ver10/error",
}
ONVIF_NETWORK = "http://www.onvif.org/ver10/network/wsdl"  # namespace of the NetworkVideoTransmitter type
DEVICE_PATH = "/onvif/device_service"
MEDIA_PATH = "/onvif/media_service"
# ONVIF core spec access class PRE_AUTH: answered without credentials.
PRE_AUTH = {"GetSystemDateAndTime"}


@dataclass
class Profile:
    token: str
    name: str
    uri: str
    width: int
    height: int


@dataclass
class Camera:
    name: str
    hardware: str
    user: str
    password: str
    profiles: list[Profile]


class SoapFault(Exception):
    """A SOAP 1.2 fault: code env:Sender or env:Receiver, ONVIF subcode such as ter:NotAuthorized."""

    def __init__(self, subcode: str, reason: str, code: str = "env:Sender", status: int = 400):
        super().__init__(reason)
        self.subcode, self.reason, self.code, self.status = subcode, reason, code, status


def envelope(body: str) -> bytes:
    ns = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope xmlns:env="{SOAP_ENV}" {ns}>'
            f"<env:Body>{body}</env:Body></env:Envelope>").encode()


def fault_body(fault: SoapFault) -> str:
    return (f"<env:Fault><env:Code><env:Value>{fault.code}</env:Value><env:Subcode><env:Value>{fault.subcode}"
            f"</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang=\"en\">{escape(fault.reason)}"
            f"</env:Text></env:Reason></env:Fault>")


def check_username_token(header: ET.Element | None, camera: Camera) -> None:
    """Raises ter:NotAuthorized unless the header carries a UsernameToken digest of camera's credentials."""
    token = None if header is None else header.find(f"{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
    if token is None:
        raise SoapFault("ter:NotAuthorized", "Sender not authorized: no WS-Security UsernameToken")
    username = token.findtext(f"{{{WSSE}}}Username", "")
    password = token.find(f"{{{WSSE}}}Password")
    nonce = token.findtext(f"{{{WSSE}}}Nonce", "")
    created = token.findtext(f"{{{WSU}}}Created", "")
    if password is None or password.get("Type") != PASSWORD_DIGEST or not nonce or not created:
        raise SoapFault("ter:NotAuthorized", "Sender not authorized: expected a PasswordDigest with Nonce and Created")
    expected = base64.b64encode(
        hashlib.sha1(base64.b64decode(nonce) + created.encode() + camera.password.encode()).digest()).decode()
    if username != camera.user or (password.text or "").strip() != expected:
        log.info("refused user %r: wrong user name or password digest", username)
        raise SoapFault("ter:NotAuthorized", "Sender not authorized")


def capabilities(base: str) -> str:
    return (f"<tds:GetCapabilitiesResponse><tds:Capabilities>"
            f"<tt:Device><tt:XAddr>{base}{DEVICE_PATH}</tt:XAddr></tt:Device>"
            f"<tt:Media><tt:XAddr>{base}{MEDIA_PATH}</tt:XAddr><tt:StreamingCapabilities>"
            f"<tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP>"
            f"</tt:StreamingCapabilities></tt:Media>"
            f"</tds:Capabilities></tds:GetCapabilitiesResponse>")


def device_information(camera: Camera) -> str:
    return (f"<tds:GetDeviceInformationResponse><tds:Manufacturer>Panorama Test Cameras</tds:Manufacturer>"
            f"<tds:Model>{escape(camera.hardware)}</tds:Model><tds:FirmwareVersion>1.2.3</tds:FirmwareVersion>"
            f"<tds:SerialNumber>SN-{escape(camera.name.replace(' ', '-'))}</tds:SerialNumber>"
            f"<tds:HardwareId>{escape(camera.hardware)}</tds:HardwareId></tds:GetDeviceInformationResponse>")


def profile_xml(profile: Profile) -> str:
    return (f'<trt:Profiles token="{profile.token}" fixed="true"><tt:Name>{escape(profile.name)}</tt:Name>'
            f'<tt:VideoSourceConfiguration token="vsc0"><tt:Name>source</tt:Name><tt:UseCount>2</tt:UseCount>'
            f'<tt:SourceToken>vs0</tt:SourceToken><tt:Bounds x="0" y="0" width="1920" height="1080"/>'
            f'</tt:VideoSourceConfiguration>'
            f'<tt:VideoEncoderConfiguration token="vec-{profile.token}"><tt:Name>{profile.token}</tt:Name>'
            f"<tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution>"
            f"<tt:Width>{profile.width}</tt:Width><tt:Height>{profile.height}</tt:Height></tt:Resolution>"
            f"<tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit>"
            f"<tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl>"
            f"<tt:H264><tt:GovLength>25</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>"
            f"<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration></trt:Profiles>")


def stream_uri(request: ET.Element, camera: Camera) -> str:
    token = request.findtext(f"{{{NAMESPACES['trt']}}}ProfileToken", "")
    stream = request.findtext(f".//{{{NAMESPACES['tt']}}}Stream", "")
    protocol = request.findtext(f".//{{{NAMESPACES['tt']}}}Protocol", "")
    if stream != "RTP-Unicast" or protocol != "RTSP":
        raise SoapFault("ter:InvalidArgVal", f"only RTP-Unicast over RTSP is offered, not {stream} over {protocol}")
    for profile in camera.profiles:
        if profile.token == token:
            return (f"<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>{escape(profile.uri)}</tt:Uri>"
                    f"<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
                    f"<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>"
                    f"</trt:MediaUri></trt:GetStreamUriResponse>")
    raise SoapFault("ter:NoProfile", f"no media profile with token {token!r}")


def answer(operation: str, request: ET.Element, camera: Camera, base: str) -> str:
    if operation == "GetSystemDateAndTime":
        return ("<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
                "<tt:DaylightSavings>false</tt:DaylightSavings></tds:SystemDateAndTime>"
                "</tds:GetSystemDateAndTimeResponse>")
    if operation == "GetCapabilities":
        return capabilities(base)
    if operation == "GetDeviceInformation":
        return device_information(camera)
    if operation == "GetProfiles":
        profiles = "".join(profile_xml(p) for p in camera.profiles)
        return f"<trt:GetProfilesResponse>{profiles}</trt:GetProfilesResponse>"
    if operation == "GetStreamUri":
        return stream_uri(request, camera)
    raise SoapFault("ter:ActionNotSupported", f"{operation} is not offered by this camera")


def make_handler(camera: Camera):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
            try:
                if self.path not in (DEVICE_PATH, MEDIA_PATH):
                    self.send_error(404, f"no ONVIF service at {self.path}")
                    return
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    doc = ET.fromstring(self.rfile.read(length))
                except ET.ParseError as e:
                    raise SoapFault("ter:WellFormed", f"request is not well-formed XML: {e}") from None
                body = doc.find(f"{{{SOAP_ENV}}}Body")
                if doc.tag != f"{{{SOAP_ENV}}}Envelope" or body is None or len(body) == 0:
                    raise SoapFault("ter:WellFormed", "expected a SOAP 1.2 Envelope with a Body")
                request = body[0]
                operation = request.tag.rsplit("}", 1)[-1]
                log.info("%s %s", self.path, operation)
                if operation not in PRE_AUTH:
                    check_username_token(doc.find(f"{{{SOAP_ENV}}}Header"), camera)
                self.reply(200, envelope(answer(operation, request, camera, base)))
            except SoapFault as fault:
                self.reply(fault.status, envelope(fault_body(fault)))

        def reply(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, fmt, *args):
            log.debug("http: " + fmt, *args)

    return Handler


class HostOnlyPublisher(ThreadedWSPublishing):
    """wsdiscovery's publisher, joined to the multicast group on one address only (the library takes every
    non-loopback address, and never loopback)."""

    def __init__(self, host: str, **kwargs):
        self._host = ipaddress.ip_address(host)
        super().__init__(**kwargs)

    def _networkAddressAdded(self, addr):
        if addr == self._host:
            super()._networkAddressAdded(addr)

    def _networkAddressRemoved(self, addr):
        if addr == self._host:
            super()._networkAddressRemoved(addr)

    def _handle_hello(self, env, addr):
        pass  # other cameras' announcements are none of a camera's business

    def sendUnicastMessage(self, env, host, port, initialDelay=0, **kwargs):  # noqa: N802,N803 (library names)
        # The library queues every unicast reply on its IPv6 thread too, which dies sending to an IPv4 address.
        self._networkingThread_v4.addUnicastMessage(env, host, port, initialDelay, **kwargs)

    def start(self):
        super().start()
        if self._host.is_loopback or self._host.is_link_local:  # never reported by the address monitor
            self.addSourceAddr(self._host)


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--name", required=True, help="the onvif://www.onvif.org/name/ scope")
    parser.add_argument("--hardware", default="FakeCam-100", help="the hardware scope and the model")
    parser.add_argument("--stream-uri", required=True, help="RTSP URI of the main profile")
    parser.add_argument("--resolution", type=parse_size, default=(1280, 720))
    parser.add_argument("--sub-stream-uri", help="RTSP URI of a second, smaller profile")
    parser.add_argument("--sub-resolution", type=parse_size, default=(640, 360))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="fake_onvif_camera: %(message)s")

    profiles = [Profile("main", "MainStream", args.stream_uri, *args.resolution)]
    if args.sub_stream_uri:
        profiles.append(Profile("sub", "SubStream", args.sub_stream_uri, *args.sub_resolution))
    camera = Camera(args.name, args.hardware, args.user, args.password, profiles)

    server = ThreadingHTTPServer((args.host, args.port), make_handler(camera))
    host, port = server.server_address[:2]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    publisher = HostOnlyPublisher(host)
    publisher.start()
    publisher.publishService(
        types=[QName(ONVIF_NETWORK, "NetworkVideoTransmitter", "dn")],
        scopes=[Scope("onvif://www.onvif.org/type/video_encoder"), Scope("onvif://www.onvif.org/Profile/Streaming"),
                Scope("onvif://www.onvif.org/name/" + quote(args.name)),
                Scope("onvif://www.onvif.org/hardware/" + quote(args.hardware))],
        xAddrs=[f"http://{host}:{port}{DEVICE_PATH}"])

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"ready http://{host}:{port}{DEVICE_PATH}", flush=True)
    stop.wait()
    publisher.clearLocalServices()  # says Bye
    publisher.stop()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
