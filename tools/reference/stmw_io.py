"""Reads our .stmw weight files (docs/weights-format.md) into PyTorch tensors, for reference scripts.

Layout: 32-byte header (magic, version, metadata length, table length, tensor count, data length), the metadata
JSON (its "architecture" object is diffusers' config.json), the tensor table (name, dtype code, shape, offset,
byte length per tensor), the data section aligned to 64 bytes, and a CRC-32 of everything before it.
"""

import json
import struct
import zlib

import numpy as np
import torch

MAGIC = b"\x89STMW\r\n\x1a"


def read_stmw(path: str):
    """Returns (state_dict of float32 tensors, metadata dict); checks the magic and the CRC-32."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:8] != MAGIC:
        raise ValueError(f"{path}: not a .stmw file")
    if struct.unpack("<I", b[-4:])[0] != zlib.crc32(b[:-4]):
        raise ValueError(f"{path}: checksum mismatch")
    version, meta_len, table_len, count, data_len = struct.unpack("<IIIIQ", b[8:32])
    if version != 1:
        raise ValueError(f"{path}: version {version}, expected 1")
    meta = json.loads(b[32:32 + meta_len].decode("utf-8"))
    pos = 32 + meta_len
    end = pos + table_len
    data_start = (end + 63) // 64 * 64
    tensors = {}
    for _ in range(count):
        (n,) = struct.unpack("<H", b[pos:pos + 2]); pos += 2
        name = b[pos:pos + n].decode("utf-8"); pos += n
        code, rank = b[pos], b[pos + 1]; pos += 2
        shape = struct.unpack(f"<{rank}I", b[pos:pos + 4 * rank]); pos += 4 * rank
        offset, length = struct.unpack("<QQ", b[pos:pos + 16]); pos += 16
        dtype = {0: "<f4", 1: "<f2"}[code]
        raw = np.frombuffer(b, dtype=dtype, count=length // np.dtype(dtype).itemsize, offset=data_start + offset)
        tensors[name] = torch.from_numpy(raw.astype(np.float32).reshape(shape))
    return tensors, meta
