"""The Python code behind numpy-dive's ``runtests.py`` and ``pip install .``.

Each module does one job:

- `upstream`: fetch and verify the pinned NumPy sdist;
- `tree`: assemble the prepared source tree (upstream + patches + overlay);
- `patches`: export commits of the prepared tree to ``patches/`` and check the series;
- `profiles`: read the build profiles from ``site.cfg``;
- `venv`: the driver's own virtual environment with pinned requirements;
- `build`: configure, compile and install one profile with meson;
- `testing`: assemble the pytest command line.
"""
