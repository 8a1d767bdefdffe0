"""Keeping the codes out of error reports.

The functions that hold credentials, session ids or security codes in their locals are
wrapped by :func:`sensitive`: the wrapper follows the convention the web framework's error
reporter reads (a frame of a function named ``sensitive_variables_wrapper`` whose
``sensitive_variables`` attribute is ``"__ALL__"``), so a server error's report shows those
locals masked."""

import functools


def sensitive(func):
    """Every local variable of ``func`` is a secret in error reports."""

    @functools.wraps(func)
    def sensitive_variables_wrapper(*args, **kwargs):
        sensitive_variables_wrapper.sensitive_variables = "__ALL__"
        return func(*args, **kwargs)

    return sensitive_variables_wrapper
