from typing import Any

from numpy._typing import ArrayLike, DTypeLike, NDArray, _ShapeLike

__all__ = ["kurtosis"]

def kurtosis(
    a: ArrayLike,
    axis: _ShapeLike | None = ...,
    dtype: DTypeLike | None = ...,
    out: NDArray[Any] | None = ...,
    keepdims: bool = ...,
    *,
    fisher: bool = ...,
    bias: bool = ...,
    where: ArrayLike = ...,
) -> Any: ...
