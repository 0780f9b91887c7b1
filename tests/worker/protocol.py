"""The host protocol's Python classes, generated at test time from the pinned .proto files.

``generate`` runs protoc (``grpc_tools``) on ``tests/worker/proto`` into a directory; ``load``
imports the generated modules from there and gathers their classes into one module, the shape
in which the platform's worker hands them to ``azure_functions_runtime`` (its ``protos``
package: every message class and the ``FunctionRpc`` stub, servicer and server hook).
"""

from __future__ import annotations

import importlib
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

from grpc_tools import protoc

PROTO_DIR = Path(__file__).resolve().parent / "proto"
PROTO_FILES = (
    "FunctionRpc.proto",
    "identity/ClaimsIdentityRpc.proto",
    "shared/NullableTypes.proto",
)
# What protoc generates, as importable module names (the .proto files import each other by these
# paths, so the output directory itself goes on sys.path).
GENERATED_MODULES = (
    "FunctionRpc_pb2",
    "FunctionRpc_pb2_grpc",
    "identity.ClaimsIdentityRpc_pb2",
    "shared.NullableTypes_pb2",
)


def generate(out: Path) -> Path:
    """Python classes for the pinned protocol, written to ``out``; returns ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    well_known = resources.files("grpc_tools") / "_proto"  # google/protobuf/duration.proto
    status = protoc.main(
        [
            "protoc",
            f"--proto_path={PROTO_DIR}",
            f"--proto_path={well_known}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            *PROTO_FILES,
        ]
    )
    if status != 0:
        raise RuntimeError(f"protoc failed with status {status} on {PROTO_DIR}")
    return out


def load(generated: Path) -> ModuleType:
    """One module holding every public name of the generated modules."""
    if str(generated) not in sys.path:
        sys.path.insert(0, str(generated))
    protos = ModuleType("protos", "The host protocol, generated from tests/worker/proto.")
    for name in GENERATED_MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            # Not the modules they import, nor each file's own DESCRIPTOR.
            if attribute.startswith("_") or attribute == "DESCRIPTOR":
                continue
            if not isinstance(value, ModuleType):
                setattr(protos, attribute, value)
    return protos
