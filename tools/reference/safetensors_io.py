"""Minimal safetensors reader/writer (the `safetensors` package is not installed here).

Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
padded with spaces to an 8-byte boundary, then the raw little-endian tensor bytes; offsets are
relative to the start of the data section.
"""

import json
import os
import struct

import numpy as np
import torch

# safetensors dtype name -> (numpy dtype of the raw bytes, torch dtype of the values)
_DTYPES = {
    "F32": (np.dtype("<f4"), torch.float32),
    "F16": (np.dtype("<f2"), torch.float16),
    "BF16": (np.dtype("<i2"), torch.bfloat16),  # no numpy bf16: carried as raw 16-bit words
    "F64": (np.dtype("<f8"), torch.float64),
}


def _raw_bytes(t: torch.Tensor, dtype: str) -> bytes:
    """The tensor rounded to `dtype` (round-to-nearest-even) as little-endian bytes."""
    np_dtype, torch_dtype = _DTYPES[dtype]
    v = t.detach().to(torch_dtype).contiguous()
    if torch_dtype == torch.bfloat16:
        v = v.view(torch.int16)
    return v.numpy().astype(np_dtype, copy=False).tobytes()


def write_safetensors(path: str, tensors: dict, dtype: str, metadata: dict | None = None) -> None:
    """Writes every tensor of `tensors` (name -> torch.Tensor) as `dtype`; temp file then rename."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = _raw_bytes(t, dtype)
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path: str) -> dict:
    """Reads every tensor (as float32 torch tensors, exact for F16/BF16) with bounds checks."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack_from("<Q", data, 0)
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} exceeds file size {len(data)}")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = memoryview(data)[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        np_dtype, torch_dtype = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if not 0 <= begin <= end <= len(body) or end - begin != count * np_dtype.itemsize:
            raise ValueError(f"{path}: tensor {name} has bad data_offsets {begin}..{end}")
        arr = np.frombuffer(body[begin:end], dtype=np_dtype).copy()
        t = torch.from_numpy(arr)
        if torch_dtype == torch.bfloat16:
            t = t.view(torch.int16).view(torch.bfloat16)
        out[name] = t.reshape(info["shape"]).to(torch.float32)
    return out
