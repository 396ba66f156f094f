"""np.quad: calls the stubs reject, as the runtime does (numpy-dive)."""
import numpy as np

np.quad(1.0, 2.0)  # type: ignore[call-arg]
np.quad(1j)  # type: ignore[arg-type]
