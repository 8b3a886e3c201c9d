"""Arrow arrays made from their buffers (numpy), not with ``pa.array`` / ``Table.from_pylist``.

On its first call, ``pa.array`` imports pandas (0.4 s) only to ask whether its argument is a pandas
object, whatever the argument. ``build`` has no pandas objects, so it makes its arrays here from
the Arrow columnar layout: validity bitmap, offsets and data buffers. Only the types that the
dataset's schema uses are supported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


def numbers(values: np.ndarray | Sequence[int], type: pa.DataType) -> pa.Array:
    """An integer array without nulls (``type`` int32 or int64)."""
    import numpy as np
    import pyarrow as pa

    data = np.ascontiguousarray(values, dtype={pa.int32(): np.int32, pa.int64(): np.int64}[type])
    return pa.Array.from_buffers(type, len(data), [None, pa.py_buffer(data)])


def nullable_numbers(values: Sequence[int | None], type: pa.DataType) -> pa.Array:
    """An integer array in which ``None`` is null (``type`` int32 or int64)."""
    import numpy as np
    import pyarrow as pa

    valid = np.array([v is not None for v in values], dtype=bool)
    data = numbers([0 if v is None else v for v in values], type)
    nulls = len(values) - int(valid.sum())
    if not nulls:
        return data
    return pa.Array.from_buffers(type, len(values), [_bitmap(valid), data.buffers()[1]], null_count=nulls)


def _bitmap(flags: np.ndarray) -> pa.Buffer:
    import numpy as np
    import pyarrow as pa

    return pa.py_buffer(np.packbits(flags, bitorder="little"))


def booleans(values: Sequence[bool]) -> pa.Array:
    """A bool array without nulls."""
    import numpy as np
    import pyarrow as pa

    return pa.Array.from_buffers(pa.bool_(), len(values), [None, _bitmap(np.array(values, dtype=bool))])


def strings(values: Sequence[str | None]) -> pa.Array:
    """A string array; ``None`` is null."""
    import numpy as np
    import pyarrow as pa

    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    if len(ends) and ends[-1] >= 2**31:
        raise ValueError(f"{ends[-1]} bytes of text do not fit in one Arrow string array")
    offsets = np.concatenate([np.zeros(1, dtype=np.int32), ends.astype(np.int32)])
    valid = np.array([v is not None for v in values], dtype=bool)
    nulls = len(values) - int(valid.sum())
    buffers = [_bitmap(valid) if nulls else None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.string(), len(values), buffers, null_count=nulls)


def column(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """An array of ``type`` (string, bool, int32, int64, or a list of these or of structs of these)."""
    import numpy as np
    import pyarrow as pa

    if type == pa.string():
        return strings(values)
    if type == pa.bool_():
        return booleans(values)
    if type in (pa.int32(), pa.int64()):
        return nullable_numbers(values, type) if any(v is None for v in values) else numbers(values, type)
    if pa.types.is_list(type) and type.value_type == pa.string():
        offsets = numbers(np.concatenate([[0], np.cumsum([len(v) for v in values])]), pa.int32())
        return pa.ListArray.from_arrays(offsets, strings([item for value in values for item in value]), type=type)
    if pa.types.is_list(type) and pa.types.is_struct(type.value_type):
        items = [item for value in values for item in value]
        struct = type.value_type
        children = [column([item[f.name] for item in items], f.type) for f in struct]
        members = pa.StructArray.from_arrays(children, fields=list(struct))
        offsets = numbers(np.concatenate([[0], np.cumsum([len(v) for v in values])]), pa.int32())
        return pa.ListArray.from_arrays(offsets, members, type=type)
    if pa.types.is_list(type):  # a list of scalars (strings, ...): one child array, cut by offsets
        members = column([item for value in values for item in value], type.value_type)
        offsets = numbers(np.concatenate([[0], np.cumsum([len(v) for v in values])]), pa.int32())
        return pa.ListArray.from_arrays(offsets, members, type=type)
    raise TypeError(f"no array builder for Arrow type {type}")


def table_from_rows(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """What ``pa.Table.from_pylist(rows, schema=schema)`` gives, for the supported types."""
    import pyarrow as pa

    return pa.Table.from_arrays([column([row[f.name] for row in rows], f.type) for f in schema], schema=schema)
