"""Streaming ``.npy`` helpers: write a header, stream an array's rows, read into a fresh array."""

from __future__ import annotations

import os
from typing import IO, Iterator

import numpy as np

MAGIC = b"\x93NUMPY"
FLOAT_DTYPES = ("f2", "f4", "f8")
CHUNK_BYTES = 1 << 20


def header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    """The bytes of a C-order ``.npy`` header (version 1.0, or 2.0 when it does not fit)."""
    descr = np.lib.format.dtype_to_descr(np.dtype(dtype))
    shape_text = "(" + "".join(f"{int(s)}, " for s in shape).rstrip(" ")
    shape_text = shape_text.rstrip(",") + ",)" if len(shape) == 1 else shape_text.rstrip(",") + ")"
    text = "{'descr': %r, 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    for version, size_bytes in ((1, 2), (2, 4)):
        fixed = len(MAGIC) + 2 + size_bytes
        total = fixed + len(text) + 1
        padded = text + " " * ((-total) % 64) + "\n"
        if len(padded) < 1 << (8 * size_bytes):
            return MAGIC + bytes([version, 0]) + len(padded).to_bytes(size_bytes, "little") + padded.encode("latin1")
    raise ValueError("array header too large")


def upload_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype an array is sent as: its own when the service reads it, float32 otherwise."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f" and dtype.itemsize in (2, 4, 8):
        return dtype
    return np.dtype("<f4")


def stream_rows(array: np.ndarray, dtype: np.dtype, chunk_bytes: int = CHUNK_BYTES) -> Iterator[memoryview]:
    """Yields the array's rows as raw bytes in ``dtype``, a block of rows at a time.

    A C-contiguous array of that dtype is sent from its own memory (no copy); any other array
    (another dtype, Fortran order, a strided view) is converted a block of about ``chunk_bytes``
    at a time, so the extra memory is a block or two, never the whole array.
    """
    n = array.shape[0]
    row_bytes = max(1, int(np.prod(array.shape[1:], dtype=np.int64)) * dtype.itemsize)
    rows = max(1, chunk_bytes // row_bytes)
    for start in range(0, n, rows):
        block = np.ascontiguousarray(array[start:start + rows], dtype=dtype)
        yield memoryview(block).cast("B")


def int_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype integer data (labels, split, pairs) is sent as: its own, int8 for booleans."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return dtype
    if dtype.kind == "b":
        return np.dtype("i1")
    raise TypeError(f"expected integers, got an array of dtype {dtype}")


def array_body(array: np.ndarray, dtype: np.dtype) -> tuple[list[bytes], Iterator[memoryview], int]:
    """Header, row stream and total byte length of an array sent as ``.npy`` in ``dtype``."""
    dtype = np.dtype(dtype)
    head = header(dtype, array.shape)
    length = len(head) + int(np.prod(array.shape, dtype=np.int64)) * dtype.itemsize
    return [head], stream_rows(array, dtype), length


def file_chunks(path: str | os.PathLike[str], chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Yields a file's bytes a chunk at a time."""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(chunk_bytes)
            if not chunk:
                return
            yield chunk


def read_header(fp: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
    """Reads a ``.npy`` header from a stream: (shape, fortran_order, dtype)."""
    major, _minor = np.lib.format.read_magic(fp)
    if major == 1:
        return np.lib.format.read_array_header_1_0(fp)
    if major in (2, 3):
        return np.lib.format.read_array_header_2_0(fp)
    raise ValueError(f"unsupported .npy version {major}")


def read_array(fp: IO[bytes]) -> np.ndarray:
    """Reads a ``.npy`` stream straight into a new array (no intermediate copy of the bytes)."""
    shape, fortran, dtype = read_header(fp)
    out = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
    view = memoryview(out.reshape(-1, order="A")).cast("B") if out.size else memoryview(b"")
    got = 0
    total = len(view)
    while got < total:
        n = fp.readinto(view[got:]) if hasattr(fp, "readinto") else _read_into(fp, view[got:])
        if not n:
            raise EOFError(f".npy body ended after {got} of {total} data bytes")
        got += n
    return out


def _read_into(fp: IO[bytes], view: memoryview) -> int:
    data = fp.read(len(view))
    view[: len(data)] = data
    return len(data)
