from typing import Any

from numpy._globals import _NoValueType
from numpy._typing import ArrayLike, DTypeLike, NDArray, _ArrayLikeBool_co, _ShapeLike

__all__ = ["kurtosis"]

def kurtosis(
    a: ArrayLike,
    axis: _ShapeLike | None = ...,
    dtype: DTypeLike | None = ...,
    out: NDArray[Any] | None = ...,
    keepdims: bool | _NoValueType = ...,
    *,
    fisher: bool = ...,
    bias: bool = ...,
    where: _ArrayLikeBool_co | _NoValueType = ...,
) -> Any: ...
