/*
 * _dive_callgrind: turn callgrind's instrumentation and collection on and off
 * from Python, so that a profile covers only the code of interest (not the
 * interpreter's start-up or `import numpy`). Outside valgrind the client
 * requests are a few no-op instructions. Built on demand by
 * tools/dive/callgrind.py; `runtests.py --callgrind` and `--trace` use it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <valgrind/callgrind.h>

static PyObject *
start(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args))
{
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_TOGGLE_COLLECT;
    Py_RETURN_NONE;
}

static PyObject *
stop(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args))
{
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_STOP_INSTRUMENTATION;
    Py_RETURN_NONE;
}

static PyObject *
running_on_valgrind(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args))
{
    return PyBool_FromLong(RUNNING_ON_VALGRIND);
}

static PyMethodDef methods[] = {
    {"start", start, METH_NOARGS,
     "Start instrumenting and collecting (callgrind --instr-atstart=no "
     "--collect-atstart=no)."},
    {"stop", stop, METH_NOARGS, "Stop collecting and instrumenting."},
    {"running_on_valgrind", running_on_valgrind, METH_NOARGS,
     "Whether this process runs under valgrind."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_dive_callgrind",
    "Callgrind's client requests, for runtests.py --callgrind and --trace.",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__dive_callgrind(void)
{
    return PyModule_Create(&module);
}
