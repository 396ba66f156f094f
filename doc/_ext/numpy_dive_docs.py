"""Sphinx helpers for numpy-dive's pages.

- ``:src:`PATH``` and ``:src:`PATH:NAME``` name a file of NumPy 2.4.6's
  source tree (and a function in it). The file must exist in the prepared
  tree, build/src, and NAME must occur in it: a page that names what is not
  there fails the build. Upstream files link to NumPy's repository at
  v2.4.6; the fork's own files (under numpy/ in this repository) are shown
  as paths.
- ``.. c-header:: numpy/NAME.h`` documents a C header as the fork installs it: each comment
  that opens a group of declarations becomes a paragraph, each function a
  ``c:function`` and each macro a ``c:macro``.
- Upstream's docstrings refer to labels of NumPy's own documentation
  (``:ref:`arrays.dtypes```); those become links to numpy.org, and a DType
  class's text signature is dropped from its docstring.
"""
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

REPO = Path(__file__).resolve().parents[2]
PREPARED_TREE = REPO / "build" / "src"
UPSTREAM_BLOB = "https://github.com/numpy/numpy/blob/v2.4.6/"
NUMPY_DOCS = "https://numpy.org/doc/2.4/"
UPSTREAM_LABELS = {
    "arrays.dtypes": "reference/arrays.dtypes.html",
}


def source_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    path, _, symbol = text.partition(":")
    source = PREPARED_TREE / path
    if not source.is_file():
        message = inliner.reporter.error(
            f"{path} is not in NumPy 2.4.6's prepared tree ({PREPARED_TREE}; "
            f"python3 runtests.py --build-only makes it)", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    if symbol and not re.search(rf"\b{re.escape(symbol)}\b", source.read_text(errors="replace")):
        message = inliner.reporter.error(f"{symbol} does not occur in {path}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    label = f"{path} ({symbol})" if symbol else path
    literal = nodes.literal(label, label)
    if (REPO / path).exists():
        return [literal], []
    return [nodes.reference(rawtext, "", literal, refuri=UPSTREAM_BLOB + path)], []


DECLARATION = re.compile(r"^[A-Za-z_][\w ]*?\**\b(npy_quad_\w+)\s*\(")
MACRO = re.compile(r"^#define\s+(NPY_\w+)\s+(.*?)\s*(?:/\*\s*(.*?)\s*\*/)?$")


def header_blocks(text):
    """The header as (kind, lines) blocks: comments, declarations (static
    inline definitions by their signature), macros."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("/*"):
            block = [line]
            while not block[-1].endswith("*/"):
                i += 1
                block.append(lines[i].strip())
            yield "comment", block
        elif MACRO.match(line):
            yield "macro", [line]
        elif line.startswith("static inline"):
            # a definition: its signature, up to the body, as a declaration
            signature = [line[len("static inline"):].strip()]
            while not lines[i + 1].startswith("{"):
                i += 1
                signature.append(lines[i].strip())
            while lines[i] != "}":
                i += 1
            yield "function", [" ".join(signature) + ";"]
        elif DECLARATION.match(line):
            block = [line]
            while ";" not in block[-1]:
                i += 1
                block.append(lines[i].strip())
            yield "function", [" ".join(block)]
        i += 1


def comment_rst(block):
    """A C comment as reST: `name` as a literal, every other character as
    written (``**``, ``|`` and ``_`` are not markup in C's prose)."""
    text = re.sub(r"\s+", " ", " ".join(line.strip("/* ") for line in block)).strip()
    pieces = text.split("`")
    for i in range(0, len(pieces), 2):
        pieces[i] = re.sub(r"([\\*|_])", r"\\\1", pieces[i])
    for i in range(1, len(pieces), 2):
        pieces[i] = f"``{pieces[i]}``"
    return "".join(pieces)


def header_rst(text):
    """reST for the header's documented content (the include guards and
    extern "C" are left out)."""
    out = []
    for kind, block in header_blocks(text):
        if kind == "comment":
            out += ["", comment_rst(block), ""]
        elif kind == "macro":
            name, value, note = MACRO.match(block[0]).groups()
            note = f": {comment_rst([note])}" if note else ""
            out += [f".. c:macro:: {name}", "", f"   ``{value}``{note}", ""]
        else:
            declaration, _, note = block[0].partition(";")
            out += [f".. c:function:: {declaration.strip()}", ""]
            if note.strip():
                out += [f"   {comment_rst([note.strip()])}", ""]
    return out


class CHeaderDirective(SphinxDirective):
    """``.. c-header:: numpy/NAME.h``: the header as the built NumPy the
    documentation imports installs it (numpy.get_include())."""
    required_arguments = 1

    def run(self):
        import numpy
        path = Path(numpy.get_include()) / self.arguments[0]
        self.env.note_dependency(str(path))
        node = nodes.section()
        node.document = self.state.document
        self.state.nested_parse(StringList(header_rst(path.read_text()), str(path)),
                                self.content_offset, node)
        return node.children


def upstream_docstrings(app, what, name, obj, options, lines):
    """Upstream's docstrings as a page of this site: the text signature that
    the DType classes' docstrings open with ("QuadDType()" and "--") goes,
    and the labels of NumPy's own documentation become links to numpy.org."""
    if len(lines) > 1 and re.fullmatch(r"\w+\(.*\)", lines[0]) and lines[1] == "--":
        del lines[:2]
    for i, line in enumerate(lines):
        for label, page in UPSTREAM_LABELS.items():
            line = line.replace(f":ref:`{label}`", f"`{label} <{NUMPY_DOCS}{page}>`__")
        lines[i] = line


def setup(app):
    app.add_role("src", source_role)
    app.add_directive("c-header", CHeaderDirective)
    app.connect("autodoc-process-docstring", upstream_docstrings)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
