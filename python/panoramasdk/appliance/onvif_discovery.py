"""Finds ONVIF Profile S cameras on the local network and reads their RTSP stream URIs.

    devices = probe(timeout_s=3.0)                        # who answered a WS-Discovery Probe
    details = describe_device(devices[0].xaddrs[0], "admin", "secret")
    for device, details, error in discover("admin", "secret"):
        ...                                               # details is None and error says why on failure

probe() multicasts a WS-Discovery Probe for ``dn:NetworkVideoTransmitter`` (wsdiscovery) from every
non-loopback address of this host, or from one ``interface`` only (a name such as ``eth0`` or ``lo``, or
one of this host's IP addresses), and collects the answers for ``timeout_s`` seconds.
describe_device() asks a device's ONVIF device service for its information and its media service for
every video profile's stream URI (RTP-Unicast over RTSP), through onvif-zeep with a WS-UsernameToken
password digest. Stream URIs come back without user:pass. No message or log line carries the password.
Calls are independent and may run in parallel threads; discover() describes the devices in parallel.
"""
from __future__ import annotations

import functools
import importlib.metadata
import ipaddress
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Union
from urllib.parse import unquote, urlsplit

import ifaddr  # wsdiscovery's own dependency: lists this host's interfaces and addresses
import requests
import zeep.exceptions
from wsdiscovery import QName
from wsdiscovery.discovery import ThreadedWSDiscovery
from zeep.transports import Transport

from ..errors import (
    AuthenticationError,
    CameraConnectionError,
    DeadlineError,
    InvalidArgumentError,
    NotFoundError,
    PanoramaError,
    UnsupportedError,
)
from .cameras import split_credentials

log = logging.getLogger(__name__)

ONVIF_NETWORK_NS = "http://www.onvif.org/ver10/network/wsdl"
ONVIF_MEDIA_NS = "http://www.onvif.org/ver10/media/wsdl"
NETWORK_VIDEO_TRANSMITTER = QName(ONVIF_NETWORK_NS, "NetworkVideoTransmitter", "dn")
NAME_SCOPE = "onvif://www.onvif.org/name/"
HARDWARE_SCOPE = "onvif://www.onvif.org/hardware/"
RTSP_STREAM_SETUP = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}
MAX_PARALLEL_DESCRIBES = 8

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


@dataclass
class DiscoveredDevice:
    """One device that answered the probe. ``xaddrs`` are its device-service URLs."""

    address: str
    xaddrs: list[str]
    scopes: list[str]
    name: Optional[str] = None
    hardware: Optional[str] = None
    epr: str = ""  # the WS-Addressing endpoint reference, stable across the device's addresses


@dataclass
class StreamProfile:
    """One media profile: ``uri`` is its RTSP URI without credentials."""

    token: str
    name: str
    uri: str
    width: Optional[int]
    height: Optional[int]
    encoding: Optional[str]


@dataclass
class DeviceDetails:
    xaddr: str
    manufacturer: str
    model: str
    firmware: str
    serial: str
    profiles: list[StreamProfile] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- probe


class _Prober(ThreadedWSDiscovery):
    """wsdiscovery's client, sending only from ``sources`` (None: every non-loopback address, the library's
    choice). The library's address monitor never offers loopback or link-local addresses: those are added here."""

    def __init__(self, sources: Optional[set[IPAddress]]):
        self._sources = sources
        super().__init__()

    def _networkAddressAdded(self, addr):  # noqa: N802 (the library's hook)
        if self._sources is None or addr in self._sources:
            super()._networkAddressAdded(addr)

    def _networkAddressRemoved(self, addr):  # noqa: N802
        if self._sources is None or addr in self._sources:
            super()._networkAddressRemoved(addr)

    def start(self):
        super().start()
        for addr in self._sources or ():
            if addr.is_loopback or addr.is_link_local:
                self.addSourceAddr(addr)


def _address(ip: ifaddr.IP) -> IPAddress:
    """The address as wsdiscovery's monitor writes it (IPv6 with its scope, ``fe80::1%2``)."""
    if isinstance(ip.ip, tuple):
        return ipaddress.ip_address(f"{ip.ip[0]}%{ip.ip[2]}")
    return ipaddress.ip_address(ip.ip)


def _interface_sources(interface: str) -> set[IPAddress]:
    """This host's addresses on ``interface``, a name (``eth0``) or one of its IP addresses."""
    adapters = ifaddr.get_adapters()
    try:
        wanted = ipaddress.ip_address(interface)
    except ValueError:
        wanted = None
    if wanted is not None:
        for adapter in adapters:
            for ip in adapter.ips:
                if str(_address(ip)).split("%")[0] == str(wanted):
                    return {_address(ip)}
        raise NotFoundError(f"no network interface of this host has the address {interface}; "
                            f"expected one of {', '.join(sorted(str(_address(i)) for a in adapters for i in a.ips))}")
    for adapter in adapters:
        if interface in (adapter.name, adapter.nice_name):
            if not adapter.ips:
                raise InvalidArgumentError(f"network interface {interface!r} has no IP address to probe from")
            return {_address(ip) for ip in adapter.ips}
    raise NotFoundError(f"network interface {interface!r} not found; this host has "
                        f"{', '.join(sorted(a.name for a in adapters)) or 'none'}")


def _scope_value(scopes: Iterable[str], prefix: str) -> Optional[str]:
    for scope in scopes:
        if scope.lower().startswith(prefix):
            return unquote(scope[len(prefix):]) or None
    return None


def _device(service: Any) -> Optional[DiscoveredDevice]:
    xaddrs = [x for x in (service.getXAddrs() or []) if x]
    scopes = [scope.getValue() for scope in (service.getScopes() or [])]
    if not xaddrs:
        log.warning("ONVIF device %s answered the probe without any address (XAddrs): skipped", service.getEPR())
        return None
    return DiscoveredDevice(address=urlsplit(xaddrs[0]).hostname or "", xaddrs=xaddrs, scopes=scopes,
                            name=_scope_value(scopes, NAME_SCOPE), hardware=_scope_value(scopes, HARDWARE_SCOPE),
                            epr=service.getEPR() or "")


def _check_timeout(name: str, value: float) -> None:
    if not isinstance(value, (int, float)) or not value > 0:
        raise InvalidArgumentError(f"{name} must be a number of seconds above 0; got {value!r}")


def probe(timeout_s: float = 3.0, interface: Optional[str] = None) -> list[DiscoveredDevice]:
    """The ONVIF video devices (NetworkVideoTransmitters) that answer a WS-Discovery Probe within ``timeout_s``.

    ``interface`` limits the probe to one interface (a name such as ``eth0`` or ``lo``, or one of this host's
    addresses); None probes from every non-loopback address. Devices are listed once each (by endpoint
    reference and by address), sorted by address. Blocks for ``timeout_s`` plus the time to stop.
    """
    _check_timeout("timeout_s", timeout_s)
    sources = _interface_sources(interface) if interface is not None else None
    prober = _Prober(sources)
    prober.start()
    try:
        services = prober.searchServices(types=[NETWORK_VIDEO_TRANSMITTER], timeout=timeout_s)
    finally:
        prober.stop()
    devices, seen_xaddrs = [], set()
    for service in services:
        device = _device(service)
        if device is None or seen_xaddrs.intersection(device.xaddrs):
            continue
        seen_xaddrs.update(device.xaddrs)
        devices.append(device)
    devices.sort(key=lambda d: (d.address, d.xaddrs))
    log.info("WS-Discovery probe on %s: %d ONVIF device(s) in %g s", interface or "every interface", len(devices),
             timeout_s)
    return devices


# ----------------------------------------------------------------------------------------------- describe


@functools.lru_cache(maxsize=1)
def _onvif() -> Any:
    """The onvif package, imported without letting it configure the root logger (onvif.client calls
    ``logging.basicConfig(level=INFO)`` on import; a handler already in place makes that a no-op)."""
    root = logging.getLogger()
    placeholder = logging.NullHandler()
    root.addHandler(placeholder)
    try:
        import onvif
        import onvif.definition
    except ImportError as e:
        raise UnsupportedError(f"ONVIF needs onvif-zeep (pip install 'panoramasdk[appliance]'): {e}") from None
    finally:
        root.removeHandler(placeholder)
    return onvif


@functools.lru_cache(maxsize=1)
def onvif_wsdl_dir() -> Path:
    """The folder of the WSDL files onvif-zeep installs next to its package (``site-packages/wsdl``)."""
    onvif = _onvif()
    candidates = [Path(onvif.__file__).resolve().parent.parent / "wsdl"]
    try:
        dist = importlib.metadata.distribution("onvif-zeep")
        candidates += [Path(dist.locate_file(f)).parent for f in dist.files or [] if f.name == "devicemgmt.wsdl"]
    except importlib.metadata.PackageNotFoundError:
        pass
    candidates.append(Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
                      / "site-packages" / "wsdl")
    for folder in candidates:
        if (folder / "devicemgmt.wsdl").is_file() and (folder / "media.wsdl").is_file():
            return folder
    raise NotFoundError(f"onvif-zeep's WSDL files (devicemgmt.wsdl, media.wsdl) not found; looked in "
                        f"{', '.join(str(c) for c in candidates)}; reinstall onvif-zeep")


@functools.lru_cache(maxsize=1)
def _camera_class() -> type:
    onvif = _onvif()

    class DeviceServiceCamera(onvif.ONVIFCamera):
        """ONVIFCamera that calls the device service at the XAddr the device announced (the library builds
        ``http://host:port/onvif/device_service`` itself) and leaves the process's proxy settings alone."""

        def __init__(self, xaddr: str, *args, **kwargs):
            self.device_xaddr = xaddr
            saved = {k: os.environ[k] for k in ("http_proxy", "https_proxy") if k in os.environ}
            try:
                super().__init__(*args, **kwargs)
            finally:
                os.environ.update(saved)  # ONVIFCamera pops them; our session ignores them anyway

        def get_definition(self, name, portType=None):  # noqa: N803 (the library's name)
            xaddr, wsdl, binding = super().get_definition(name, portType)
            return (self.device_xaddr if name == "devicemgmt" else xaddr), wsdl, binding

    return DeviceServiceCamera


def _check_xaddr(xaddr: str) -> None:
    parts = urlsplit(xaddr) if isinstance(xaddr, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidArgumentError(f"ONVIF device address {xaddr!r} is not an http(s) URL; expected "
                                   f"e.g. http://10.0.0.9/onvif/device_service")


def _causes(exc: BaseException) -> list[BaseException]:
    """exc and what it wraps (onvif-zeep re-raises everything as ONVIFError, keeping the original as context)."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def _connection_reason(error: requests.RequestException) -> str:
    reason = getattr(error.args[0], "reason", error) if error.args else error
    return str(reason).split(">: ", 1)[-1]  # drop urllib3's "<HTTPConnection object at 0x..>: "


def _explain(exc: BaseException, where: str, username: str, step: str, timeout_s: float) -> PanoramaError:
    """The PanoramaError for a failed ONVIF call, naming the device and what failed."""
    chain = _causes(exc)
    for cause in chain:
        if isinstance(cause, zeep.exceptions.Fault):
            subcodes = [getattr(q, "localname", str(q)) for q in (cause.subcodes or [])]
            if "NotAuthorized" in subcodes or (cause.code or "").endswith("NotAuthorized"):
                return AuthenticationError(f"ONVIF device at {where} refused the credentials (user {username})")
            return CameraConnectionError(f"ONVIF device at {where} answered {step} with a SOAP fault: "
                                         f"{cause.message} ({', '.join(subcodes) or cause.code})")
        if isinstance(cause, zeep.exceptions.TransportError):
            if cause.status_code == 401:
                return AuthenticationError(f"ONVIF device at {where} refused the credentials (user {username})")
            return CameraConnectionError(f"ONVIF device at {where} answered {step} with HTTP {cause.status_code}, "
                                         f"not a SOAP response")
        if isinstance(cause, zeep.exceptions.XMLSyntaxError):
            return CameraConnectionError(f"ONVIF device at {where} answered {step} with something that is not "
                                         f"SOAP XML: {cause}")
        if isinstance(cause, requests.Timeout):
            return DeadlineError(f"ONVIF device at {where} did not answer {step} within {timeout_s:g} s")
        if isinstance(cause, requests.ConnectionError):
            return CameraConnectionError(f"ONVIF device at {where} cannot be reached ({step}): "
                                         f"{_connection_reason(cause)}")
    inner = chain[-1]
    return CameraConnectionError(f"ONVIF device at {where} failed at {step}: {type(inner).__name__}: {inner}")


def _stream_profile(profile: Any, uri: Optional[str]) -> StreamProfile:
    encoder = profile.VideoEncoderConfiguration
    resolution = encoder.Resolution if encoder is not None else None
    return StreamProfile(token=profile.token, name=profile.Name or profile.token,
                         uri=split_credentials(uri or "")[0],
                         width=int(resolution.Width) if resolution is not None else None,
                         height=int(resolution.Height) if resolution is not None else None,
                         encoding=str(encoder.Encoding) if encoder is not None and encoder.Encoding else None)


def describe_device(xaddr: str, username: str, password: str, timeout_s: float = 5.0) -> DeviceDetails:
    """Manufacturer, model, firmware, serial number and each video profile's RTSP URI of the ONVIF device
    whose device service is at ``xaddr``.

    Raises AuthenticationError when the device refuses the credentials, DeadlineError when a call takes longer
    than ``timeout_s``, CameraConnectionError when it cannot be reached or answers with a fault, and
    UnsupportedError when it has no media service. Profiles without a video encoder are left out.
    A user:pass inside ``xaddr`` is ignored: the password goes out only as a WS-Security digest, so no
    device or library message can echo it back.
    """
    _check_xaddr(xaddr)
    _check_timeout("timeout_s", timeout_s)
    xaddr = split_credentials(xaddr)[0]
    session = requests.Session()
    session.trust_env = False  # cameras are on the local network: no proxy, no .netrc
    transport = Transport(session=session, timeout=timeout_s, operation_timeout=timeout_s)
    onvif_error = _onvif().exceptions.ONVIFError
    step = "GetCapabilities"
    try:
        parts = urlsplit(xaddr)
        camera = _camera_class()(xaddr, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                 username, password, wsdl_dir=str(onvif_wsdl_dir()), no_cache=True,
                                 transport=transport)
        step = "GetDeviceInformation"
        info = camera.devicemgmt.GetDeviceInformation()
        if ONVIF_MEDIA_NS not in camera.xaddrs:
            raise UnsupportedError(f"ONVIF device at {xaddr} lists no media service in GetCapabilities; "
                                   f"expected a Profile S camera")
        step = "GetProfiles"
        media = camera.create_media_service()
        profiles = []
        for profile in media.GetProfiles() or []:
            if profile.VideoEncoderConfiguration is None:
                log.debug("ONVIF device at %s: profile %s has no video encoder, skipped", xaddr, profile.token)
                continue
            step = f"GetStreamUri for profile '{profile.token}'"
            answer = media.GetStreamUri({"StreamSetup": RTSP_STREAM_SETUP, "ProfileToken": profile.token})
            profiles.append(_stream_profile(profile, answer.Uri))
    except (onvif_error, zeep.exceptions.Error, requests.RequestException) as e:
        raise _explain(e, xaddr, username, step, timeout_s) from e
    finally:
        session.close()
    log.info("ONVIF device at %s: %s %s, %d stream profile(s)", xaddr, info.Manufacturer, info.Model, len(profiles))
    return DeviceDetails(xaddr=xaddr, manufacturer=info.Manufacturer or "", model=info.Model or "",
                         firmware=info.FirmwareVersion or "", serial=info.SerialNumber or "", profiles=profiles)


# ----------------------------------------------------------------------------------------------- discover

DiscoveryResult = tuple[DiscoveredDevice, Optional[DeviceDetails], Optional[str]]


def _describe_discovered(device: DiscoveredDevice, username: str, password: str,
                         timeout_s: float) -> DiscoveryResult:
    """Tries the device's addresses in turn; the first failure is the one reported."""
    first_error: Optional[str] = None
    for xaddr in device.xaddrs:
        try:
            return device, describe_device(xaddr, username, password, timeout_s), None
        except AuthenticationError as e:  # every address reaches the same device: the verdict stands
            return device, None, str(e)
        except PanoramaError as e:
            log.info("%s", e)
            first_error = first_error or str(e)
    return device, None, first_error


def discover(username: str, password: str, timeout_s: float = 3.0, *, interface: Optional[str] = None,
             describe_timeout_s: float = 5.0) -> list[DiscoveryResult]:
    """probe() then describe_device() for each device found, with the same credentials.

    Returns one ``(device, details, None)`` per device that answered, or ``(device, None, error)`` where the
    error message names the device's address and what failed (refused credentials, timeout, SOAP fault).
    """
    _check_timeout("describe_timeout_s", describe_timeout_s)
    devices = probe(timeout_s, interface)
    if not devices:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_DESCRIBES, len(devices)),
                            thread_name_prefix="onvif-describe") as pool:
        return list(pool.map(lambda d: _describe_discovered(d, username, password, describe_timeout_s), devices))
