"""The restriction: no division and no exponentiation in the model's forward pass, however spelled.

Two checks, both run by the scorer:
- static (check_source_tree): the AST of model.py and of every workspace module it imports. Refuses the operators
  `/`, `//`, `%`, `**` (and their augmented forms), any use of a forbidden function's name (torch, functional,
  Tensor methods, numpy, math, operator; also as a string), dynamic lookups that could hide a name (getattr, eval,
  exec, __import__, __dict__, vars, globals...), private attributes (torch._C...), monkeypatching (assigning to
  attributes of anything but self), and imports beyond torch, numpy, math and a few harmless standard modules.
- runtime (forbidden_op): every ATen operator that actually ran during the scorer's forward passes (recorded with
  a TorchDispatchMode) and every torch-level function (TorchFunctionMode) is matched against the forbidden set, so
  division hidden inside a composite function (mean, layer_norm, normalize...) is caught too.
"""
import ast
import os
from typing import Iterable, List, Optional, Tuple

# Names (lowercased) whose use means division or exponentiation, or a function that computes one.
FORBIDDEN_NAMES = {
    "div", "div_", "divide", "true_divide", "true_divide_", "floor_divide", "floor_divide_", "truediv", "floordiv",
    "itruediv", "ifloordiv", "__truediv__", "__rtruediv__", "__itruediv__", "__floordiv__", "__rfloordiv__",
    "__ifloordiv__", "__div__", "__rdiv__", "__idiv__", "addcdiv", "addcdiv_", "mod", "__mod__", "__rmod__",
    "remainder", "fmod", "divmod",
    "pow", "pow_", "__pow__", "__rpow__", "__ipow__", "float_power", "power", "exp", "exp_", "exp2", "exp2_", "expm1",
    "expm1_", "ldexp", "frexp", "logsumexp", "logaddexp", "logaddexp2", "sinh", "cosh",
    "reciprocal", "reciprocal_", "rsqrt", "rsqrt_", "sqrt", "sqrt_", "cbrt",
    "softmax", "log_softmax", "softmin", "softmax2d", "logsoftmax", "gumbel_softmax", "sigmoid", "sigmoid_",
    "logsigmoid", "log_sigmoid", "hardsigmoid", "tanh", "tanh_", "tanhshrink", "logit", "erf", "erfc", "erfinv",
    "gelu", "silu", "swish", "mish", "elu", "selu", "celu", "softplus", "glu",
    "layer_norm", "layernorm", "group_norm", "groupnorm", "batch_norm", "batchnorm1d", "batchnorm2d", "batchnorm3d",
    "instance_norm", "instancenorm1d", "local_response_norm", "localresponsenorm", "normalize", "rms_norm", "rmsnorm",
    "norm", "vector_norm", "matrix_norm", "renorm", "weight_norm", "spectral_norm", "cosine_similarity",
    "pairwise_distance", "cdist", "dist",
    "mean", "nanmean", "var", "std", "var_mean", "std_mean", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "avgpool1d", "avgpool2d", "adaptiveavgpool1d",
    "multiheadattention", "multi_head_attention_forward", "scaled_dot_product_attention", "transformer",
    "transformerencoder", "transformerencoderlayer", "transformerdecoderlayer", "special", "linalg",
    "inverse", "pinverse", "inv", "solve", "lstsq", "cholesky_inverse", "triangular_solve", "cross_entropy",
    "kl_div", "logspace", "atan2", "arctan2", "hardswish", "lstm", "gru", "embedding_bag",
}
# Names that look up or run code by string, reach private internals, or leave Python's normal lookup.
INDIRECTION_NAMES = {
    "getattr", "setattr", "delattr", "eval", "exec", "compile", "__import__", "globals", "locals", "vars",
    "__builtins__", "__dict__", "__getattribute__", "__getattr__", "__class__", "__globals__", "__code__",
    "open", "breakpoint", "input",
    # File access: model code has no reason to read or write files (the scorer loads the weights).
    "load", "loadtxt", "fromfile", "genfromtxt", "memmap", "frombuffer", "from_file", "save", "savez", "tofile",
}
# Public names that could switch off or get around the scorer's TorchFunctionMode/TorchDispatchMode.
RECORDER_ESCAPES = {"overrides", "enable_reentrant_dispatch", "DisableTorchFunction", "no_dispatch"}
ALLOWED_IMPORTS = {"torch", "numpy", "math", "typing", "dataclasses", "functools", "itertools", "collections",
                   "__future__"}
ALLOWED_DUNDER_ATTRS = {"__init__", "__name__"}

# ATen operators (overload packet names, trailing "_" dropped) that divide or exponentiate.
FORBIDDEN_ATEN = {
    "exp", "exp2", "expm1", "reciprocal", "rsqrt", "sqrt", "remainder", "fmod", "mean", "var", "std", "var_mean",
    "std_mean", "logsumexp", "logit", "erf", "erfc", "erfinv", "gelu", "silu", "mish", "elu", "selu", "celu",
    "softplus", "log_sigmoid_forward", "cdist", "_cdist_forward", "sinh", "cosh", "glu", "nanmean", "ldexp",
    "_local_scalar_dense", "hardswish",
}
FORBIDDEN_ATEN_PARTS = ("div", "pow", "softmax", "sigmoid", "tanh", "norm", "avg_pool", "special_", "inverse", "solve",
                        "lstsq", "atan2", "embedding_bag", "lstm", "gru")
ALLOWED_ATEN = {"hardtanh", "normal", "_weight_norm_interface_backward"}
# Torch-level functions that take values out of torch during the forward pass (into numpy or Python numbers).
LEAVING_TORCH = {"numpy", "tolist", "item", "__array__", "__float__", "__int__", "__bool__", "__index__"}


def forbidden_aten(name: str) -> bool:
    n = name.rstrip("_") if not name.startswith("_") else name
    if n in ALLOWED_ATEN:
        return False
    return n in FORBIDDEN_ATEN or any(p in n for p in FORBIDDEN_ATEN_PARTS)


def runtime_violations(aten_ops: Iterable[str], functions: Iterable[str]) -> List[str]:
    """Forbidden operators among those recorded during the forward passes, as readable strings."""
    bad = ["aten::%s" % op for op in sorted(set(aten_ops)) if forbidden_aten(op)]
    bad += ["%s (takes values out of torch)" % f for f in sorted(set(functions)) if f in LEAVING_TORCH]
    return bad


class Finding(Exception):
    def __init__(self, path: str, line: int, what: str):
        super().__init__("%s:%d: %s" % (os.path.basename(path), line, what))


_BINOPS = {ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}


def _attr_root(node: ast.AST) -> Optional[ast.AST]:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node


def check_tree(tree: ast.AST, path: str) -> List[str]:
    """Raise Finding for the first rule broken; return the workspace module names the file imports."""
    local: List[str] = []
    # Docstrings are prose; any other string could name a function for a dynamic lookup.
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _BINOPS:
            raise Finding(path, line, "operator %s is forbidden (division or exponentiation)" % _BINOPS[type(node.op)])
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
            if name in RECORDER_ESCAPES:
                raise Finding(path, line, ".%s is not allowed in model code (it could switch off the scorer's "
                                          "operator recording)" % name)
            if name.startswith("_") and name not in ALLOWED_DUNDER_ATTRS:
                raise Finding(path, line, "private attribute .%s is not allowed in model code" % name)
        elif isinstance(node, ast.alias):
            name = node.asname or node.name.split(".")[-1]
            if node.name.split(".")[-1].lower() in FORBIDDEN_NAMES:
                raise Finding(path, line, "importing %s is forbidden" % node.name)
        elif isinstance(node, ast.arg):
            name = node.arg
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            name = node.name
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words = set(node.value.lower().replace(".", " ").replace(":", " ").split())
            hit = sorted(words & FORBIDDEN_NAMES)
            if hit:
                raise Finding(path, line, "the string %r names a forbidden function (%s)" % (node.value[:40], hit[0]))
        if name is not None:
            low = name.lower()
            if low in FORBIDDEN_NAMES:
                raise Finding(path, line, "%s is forbidden (division or exponentiation)" % name)
            if name in INDIRECTION_NAMES:
                raise Finding(path, line, "%s is not allowed in model code (it can hide what is called)" % name)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            paths = [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom) and node.module:
                paths.append(node.module)
            for path_ in paths:
                if any(part.startswith("_") and part != "__future__" for part in path_.split(".")) or any(
                    part in RECORDER_ESCAPES for part in path_.split(".")
                ):
                    raise Finding(path, line, "importing %s is not allowed in model code (private or it could switch "
                                              "off the scorer's operator recording)" % path_)
            if isinstance(node, ast.ImportFrom) and node.level:
                local += [a.name for a in node.names] if not node.module else [node.module.split(".")[0]]
                continue
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for m in mods:
                top = m.split(".")[0]
                if top not in ALLOWED_IMPORTS:
                    local.append(top)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for t in targets:
                for sub in ast.walk(t):
                    if isinstance(sub, ast.Attribute):
                        root = _attr_root(sub)
                        if not (isinstance(root, ast.Name) and root.id == "self"):
                            raise Finding(path, line, "assigning to an attribute of something other than self "
                                                      "(monkeypatching) is not allowed in model code")
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            raise Finding(path, line, "global/nonlocal is not allowed in model code")
    return local


def check_source_tree(workspace: str, entry: str = "model.py") -> List[str]:
    """Check entry and every workspace module it imports, transitively. Raises Finding; returns the files checked.

    An import that is neither allowed nor a .py file in the workspace is refused."""
    pending: List[Tuple[str, str]] = [(entry, entry)]
    done: List[str] = []
    while pending:
        rel, why = pending.pop()
        if rel in done:
            continue
        path = os.path.join(workspace, rel)
        try:
            with open(path, "r", encoding="utf-8") as f:
                source = f.read()
        except OSError as e:
            raise Finding(rel, 0, "cannot read %s (imported by %s): %s" % (rel, why, e.strerror))
        try:
            tree = ast.parse(source, filename=rel)
        except SyntaxError as e:
            raise Finding(rel, e.lineno or 0, "syntax error: %s" % e.msg)
        done.append(rel)
        for mod in check_tree(tree, rel):
            candidate = mod.replace(".", "/") + ".py"
            if not os.path.isfile(os.path.join(workspace, candidate)):
                raise Finding(rel, 0, "import of %s is not allowed in model code (allowed: %s, and .py files of "
                                      "the workspace)" % (mod, ", ".join(sorted(ALLOWED_IMPORTS - {"__future__"}))))
            pending.append((candidate, rel))
    return done
