"""runtests.py --flamegraph: where one expression's time goes, C and Python
frames in one picture.

py-spy samples the program with native stacks (--native), so a stack runs
from the Python code through NumPy's C functions down to the loop (inlined
functions included, from the profiling build's debug info). The expression
runs over and over for SECONDS inside _dive_expression after the setup, and
only stacks through that function are kept, rooted there: neither start-up
nor the setup shows. The SVG is drawn here: one box per frame, as wide as
its share of the samples, a tooltip each, and a short script that fits the
labels to their boxes when a browser opens the file.
"""
import colorsys
import hashlib
import html
import os
import re
import subprocess
from dataclasses import dataclass, field

from . import paths
from .errors import DiveError

OUTPUT_DIR = paths.BUILD / "flamegraph"
SECONDS = 2.0
SAMPLES_PER_SECOND = 500
ROOT_FRAME = "_dive_expression"

# Runs SETUP, then EXPRESSION for at least SECONDS (at least once), in one
# namespace; every run goes through _dive_expression.
DRIVER = """\
import sys, time
namespace = {"__name__": "__main__"}
exec(compile(sys.argv[1], "<setup>", "exec"), namespace)
code = compile(sys.argv[2], "<expression>", "exec")
def _dive_expression():
    exec(code, namespace)
deadline = time.perf_counter() + float(sys.argv[3])
runs = 0
while runs == 0 or time.perf_counter() < deadline:
    _dive_expression()
    runs += 1
"""


def record(py_spy, python, env, setup, expression, seconds=SECONDS):
    """Sample `expression` after `setup`; returns the collapsed stacks file."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    driver = OUTPUT_DIR / "driver.py"
    driver.write_text(DRIVER)
    # this process's PID: runs side by side (pytest -n) keep their own files
    raw = OUTPUT_DIR / f"stacks.{os.getpid()}.txt"
    raw.unlink(missing_ok=True)
    result = subprocess.run(
        [str(py_spy), "record", "--native", "--nolineno", "--format", "raw",
         "--rate", str(SAMPLES_PER_SECOND), "--output", str(raw), "--",
         str(python), str(driver), setup, expression, str(seconds)],
        env=env, cwd=paths.REPO, capture_output=True, text=True)
    if result.returncode != 0 or not raw.exists():
        raise DiveError(f"py-spy failed (exit {result.returncode}):\n"
                        f"{(result.stdout + result.stderr).strip()[-3000:]}")
    return raw


def parse(lines):
    """[(frames, samples)] from py-spy's collapsed lines `a;b;c COUNT`."""
    stacks = []
    for line in lines:
        text, _, count = line.rstrip("\n").rpartition(" ")
        if text and count.isdigit():
            stacks.append((text.split(";"), int(count)))
    return stacks


# A compiler's intrinsics (avx512fintrin.h, emmintrin.h, ...), inlined: one
# instruction each, the work of the function that uses them
INTRINSIC = re.compile(r"\(\w*intrin\.h\)$")


def from_expression(stacks, expression):
    """The stacks through the expression, from it down, its frame named by
    the expression's text; intrinsics count as their caller's own time."""
    kept = []
    for frames, count in stacks:
        names = [frame.partition(" (")[0] for frame in frames]
        if ROOT_FRAME in names:
            start = names.index(ROOT_FRAME)
            # the expression's own frame (<module> of <expression>) goes too
            rest = [f for f in frames[start + 1:]
                    if not f.endswith("(<expression>)") and not INTRINSIC.search(f)]
            kept.append(([expression] + rest, count))
    return kept


@dataclass
class Node:
    name: str
    samples: int = 0
    children: dict = field(default_factory=dict)

    def add(self, frames, count):
        self.samples += count
        if frames:
            child = self.children.setdefault(frames[0], Node(frames[0]))
            child.add(frames[1:], count)

    @property
    def own(self):
        return self.samples - sum(child.samples for child in self.children.values())

    def depth(self):
        return 1 + max((child.depth() for child in self.children.values()), default=0)

    def walk(self, level=0, start=0):
        """(node, level, first sample) for every node, children by name."""
        yield self, level, start
        for child in sorted(self.children.values(), key=lambda node: node.name):
            yield from child.walk(level + 1, start)
            start += child.samples


def tree(stacks):
    """The call tree of the stacks, all under one root (the expression)."""
    if not stacks:
        raise DiveError("no sample came from the expression: it ran too briefly to "
                        "be seen, or py-spy could not read the program's stacks")
    root = Node(stacks[0][0][0])
    for frames, count in stacks:
        root.add(frames[1:], count)
    return root


def hottest(root, limit=10):
    """The frames with most samples of their own: [(name, share)]."""
    own = {}
    for node, _, _ in root.walk():
        own[node.name] = own.get(node.name, 0) + node.own
    ranked = sorted(own.items(), key=lambda item: -item[1])[:limit]
    return [(name, samples / root.samples) for name, samples in ranked if samples]


def is_python(name):
    return name.endswith(".py)") or name.endswith("(<frozen importlib._bootstrap>)")


def colour(name):
    """Warm hues for C frames, cool ones for Python's, each name its own."""
    shade = hashlib.md5(name.encode()).digest()[0] / 255
    hue = 0.55 + 0.1 * shade if is_python(name) else 0.02 + 0.1 * shade
    red, green, blue = colorsys.hls_to_rgb(hue, 0.62, 0.75)
    return f"rgb({red * 255:.0f},{green * 255:.0f},{blue * 255:.0f})"


WIDTH = 1200
ROW = 17
MARGIN = 10
TOP = 40
# Fits each label to its box: the whole name, or its start and "..", or
# nothing; the full name stays in the box's tooltip.
FIT_LABELS = """\
for (const g of document.querySelectorAll("g.frame")) {
  const box = g.querySelector("rect"), label = g.querySelector("text");
  const room = box.width.baseVal.value - 6, name = label.textContent;
  if (label.getComputedTextLength() <= room) continue;
  let keep = name.length;
  do { keep--; label.textContent = name.slice(0, keep) + ".."; }
  while (keep > 2 && label.getComputedTextLength() > room);
  if (keep <= 2) label.textContent = "";
}
"""


def svg(root, title):
    """A flame graph of the tree: the root at the bottom, callees above."""
    height = TOP + root.depth() * ROW + 2 * MARGIN
    scale = (WIDTH - 2 * MARGIN) / root.samples
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="Verdana, sans-serif" font-size="12">',
        f'<rect width="100%" height="100%" fill="#f8f8f8"/>',
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="16">'
        f'{html.escape(title)}</text>',
    ]
    for node, level, start in root.walk():
        width = node.samples * scale
        if width < 0.5:
            continue
        x = MARGIN + start * scale
        y = height - MARGIN - (level + 1) * ROW
        share = 100 * node.samples / root.samples
        name = html.escape(node.name)
        parts.append(
            f'<g class="frame"><title>{name}: {node.samples} samples, {share:.1f}%</title>'
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{ROW - 1}" rx="2" '
            f'fill="{colour(node.name)}"/>'
            f'<text x="{x + 3:.1f}" y="{y + ROW - 5}">{name}</text></g>')
    parts.append(f"<script><![CDATA[\n{FIT_LABELS}]]></script></svg>\n")
    return "\n".join(parts)


def flamegraph(py_spy, python, env, setup, expression):
    """(the SVG's path, the hottest frames) of `expression`."""
    raw = record(py_spy, python, env, setup, expression)
    root = tree(from_expression(parse(raw.read_text().splitlines()), expression))
    path = raw.with_name(raw.name.replace("stacks.", "flamegraph.")).with_suffix(".svg")
    path.write_text(svg(root, f"{expression}: {root.samples} samples over "
                              f"{SECONDS:g} s of repeated runs"))
    return path, hottest(root)
