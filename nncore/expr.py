"""A tiny expression language, so that what an activation or a feature computes can be said
once, in the engine, and evaluated elsewhere (the page's own evaluator of lean frames).

Each activation and feature carries `expression`, a string in this language; the engine's
NumPy code is the one that trains, and a test holds every expression equal to it. The page
parses the same strings with a parser of the same grammar (static/js/expr.js) and evaluates
them, so it holds no copy of the math.

    expr    := compare
    compare := sum [(">=" | ">" | "<=" | "<") sum]      a comparison is 1 or 0
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"

Names are the variables (z for an activation; x1, x2 for a feature) and the functions of
FUNCTIONS. `evaluate(text, **variables)` computes it with NumPy.
"""

import re

import numpy as np

FUNCTIONS = {"tanh": np.tanh, "exp": np.exp, "sin": np.sin, "cos": np.cos,
             "max": np.maximum, "min": np.minimum, "abs": np.abs}
COMPARE = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}
TOKEN = re.compile(r"\s*(?:(\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?"  # a number
                   r"|([A-Za-z_]\w*)"  # a name
                   r"|(>=|<=|[-+*/(),<>]))")  # an operator


def tokens(text):
    """The expression's tokens: ("num", value), ("name", text) or ("op", text)."""
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"expression {text!r}: cannot read {text[pos:pos + 10]!r}")
        if m.group(1) is not None:
            out.append(("num", float(m.group(0))))
        elif m.group(2) is not None:
            out.append(("name", m.group(2)))
        else:
            out.append(("op", m.group(3)))
        pos = m.end()
    return out


def parse(text):
    """The expression as a tree of tuples: ("num", v), ("var", name), ("call", f, args),
    ("neg", e), (op, left, right)."""
    toks, i = tokens(text), 0

    def peek():
        return toks[i] if i < len(toks) else ("end", None)

    def take(kind=None, value=None):
        nonlocal i
        tok = peek()
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            raise ValueError(f"expression {text!r}: expected {value or kind}, got {tok[1]!r}")
        i += 1
        return tok

    def compare():
        left = sum_()
        if peek()[0] == "op" and peek()[1] in COMPARE:
            return (take()[1], left, sum_())
        return left

    def sum_():
        node = product()
        while peek()[0] == "op" and peek()[1] in "+-":
            node = (take()[1], node, product())
        return node

    def product():
        node = unary()
        while peek()[0] == "op" and peek()[1] in "*/":
            node = (take()[1], node, unary())
        return node

    def unary():
        if peek() == ("op", "-"):
            take()
            return ("neg", unary())
        return atom()

    def atom():
        kind, value = peek()
        if kind == "num":
            take()
            return ("num", value)
        if kind == "name":
            take()
            if peek() != ("op", "("):
                return ("var", value)
            if value not in FUNCTIONS:
                raise ValueError(f"expression {text!r}: {value!r} is not a function; "
                                 f"allowed: {', '.join(FUNCTIONS)}")
            take("op", "(")
            args = [compare()]
            while peek() == ("op", ","):
                take()
                args.append(compare())
            take("op", ")")
            return ("call", value, args)
        if (kind, value) == ("op", "("):
            take()
            node = compare()
            take("op", ")")
            return node
        raise ValueError(f"expression {text!r}: unexpected {value!r}")

    tree = compare()
    if i != len(toks):
        raise ValueError(f"expression {text!r}: unexpected {toks[i][1]!r}")
    return tree


def evaluate(text, **variables):
    """The expression computed with NumPy on the given variables (arrays or numbers)."""
    def run(node):
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "var":
            return variables[node[1]]
        if kind == "neg":
            return -run(node[1])
        if kind == "call":
            return FUNCTIONS[node[1]](*(run(a) for a in node[2]))
        left, right = run(node[1]), run(node[2])
        if kind in COMPARE:
            return COMPARE[kind](left, right).astype(np.result_type(left, right, np.float32))
        return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}[kind](
            left, right)

    return run(parse(text))
