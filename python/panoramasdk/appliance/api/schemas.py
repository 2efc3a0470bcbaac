"""Request bodies of the API (pydantic): checked before any handler runs, documented in the OpenAPI spec."""
from __future__ import annotations

from typing import Dict, List, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, SecretStr

ParameterValue = Union[bool, int, float, str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(Strict):
    token: str = Field(max_length=256)


class CameraIn(Strict):
    name: str = Field(max_length=64, description="letters, digits, '-', '_', '.'")
    url: str = Field(max_length=2048, description="rtsp://host[:port]/path; credentials in it are moved out")
    username: str = Field("", max_length=256)
    password: SecretStr = Field(SecretStr(""), max_length=256, description="stored encrypted, never returned")
    description: str = Field("", max_length=1024)
    replace: bool = False


class DiscoverIn(Strict):
    username: str = Field("", max_length=256)
    password: SecretStr = Field(SecretStr(""), max_length=256)
    timeout_s: float = Field(3.0, gt=0, le=30)
    interface: Optional[str] = Field(None, max_length=64, description="probe on this interface name or address "
                                                                       "only (default: every one but loopback)")


class ModelIn(Strict):
    name: str = Field(max_length=128)
    path: str = Field(max_length=4096, description="an ONNX file, TorchScript/torch.export archive or "
                                                    "TensorFlow SavedModel folder on the appliance")
    inputs: Optional[Dict[str, List[int]]] = Field(None, description="input name -> shape, batch first")
    preprocess: Optional[dict] = None
    replace: bool = False


class AppIn(Strict):
    source: str = Field(max_length=4096, description="a folder on the appliance with the code and "
                                                      "(optionally) panorama-app.json")
    name: Optional[str] = Field(None, max_length=64)
    cameras: Optional[List[str]] = None
    parameters: Optional[Dict[str, ParameterValue]] = None
    models: Optional[Dict[str, str]] = None
    description: Optional[str] = Field(None, max_length=1024)


class VersionIn(Strict):
    base: Optional[str] = Field(None, max_length=64, description="the version to start from (default: newest)")
    source: Optional[str] = Field(None, max_length=4096, description="a folder with new code instead")
    cameras: Optional[List[str]] = None
    parameters: Optional[Dict[str, ParameterValue]] = None
    models: Optional[Dict[str, str]] = None
    note: str = Field("", max_length=1024)
    deploy: bool = Field(False, description="deploy the new version at once")


class DeployIn(Strict):
    version: Optional[str] = Field(None, max_length=64)


class CloneIn(Strict):
    new_name: str = Field(max_length=64)
    version: Optional[str] = Field(None, max_length=64)
