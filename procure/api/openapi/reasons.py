"""The reason codes a guard or an operation can refuse with (the 422's x-reason-codes), read from its source."""
import ast
import importlib
import inspect
import textwrap

from procure.errors import Reason


def reason_codes(*functions) -> list[str]:
    """The reason codes a guard or an operation can refuse with, read from its code: the literal first
    argument of each `Reason(...)`, or the literal given for a parameter named `code` (guard factories),
    following calls into functions of the same module."""
    codes, seen = [], set()

    def visit(func):
        if func in seen:
            return
        seen.add(func)
        free = dict(zip(func.__code__.co_freevars, (c.cell_contents for c in func.__closure__ or ())))
        if isinstance(free.get("code"), str):  # a guard a factory made
            codes.append(free["code"])
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        # A guard that imports its worker inside the function (to avoid an import cycle) is followed into it.
        local = {alias.asname or alias.name: getattr(importlib.import_module(node.module), alias.name, None)
                 for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
                 for alias in node.names}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                continue
            target = local.get(call.func.id) or func.__globals__.get(call.func.id)
            if target is Reason:
                codes.extend(a.value for a in call.args[:1] if isinstance(a, ast.Constant))
            elif inspect.isfunction(target):
                given = {**dict(zip(inspect.signature(target).parameters, call.args)),
                         **{k.arg: k.value for k in call.keywords}}
                if isinstance(given.get("code"), ast.Constant):
                    codes.append(given["code"].value)
                if target.__module__ == func.__module__ or call.func.id in local:
                    visit(target)

    for function in functions:
        visit(function)
    return list(dict.fromkeys(codes))
