import ast
import io

import pytest

from apiary.cli import main
from apiary.generation.sketch import (
    CONSTANT_SYMBOLS,
    NAME_SYMBOLS,
    SYMBOLS,
    SketchMode,
    is_complete_sketch,
    normalize_sketch,
    sketch,
)

FIGURE_5 = "df = pd.read_csv('anonyijcai22.csv', names=['user_1', 'user_2', 'user_3'])"


def test_figure_5_exactly():
    assert sketch(FIGURE_5) == "df = pd.read_csv(string, names=[string, string, string])"


def test_figure_5_names_and_both_modes():
    code = f"import pandas as pd\n{FIGURE_5}\n"
    assert sketch(code, SketchMode.NAMES) == f"import pandas as pd\nvariable{FIGURE_5[2:]}\n"
    assert sketch(code, SketchMode.BOTH) == (
        "import pandas as pd\nvariable = pd.read_csv(string, names=[string, string, string])\n"
    )
    assert sketch(code, "both") == sketch(code, SketchMode.BOTH)


def test_symbols():
    assert len(CONSTANT_SYMBOLS) == 11 and NAME_SYMBOLS == {"func", "AnClass", "variable"}
    assert SYMBOLS == CONSTANT_SYMBOLS | NAME_SYMBOLS and "floatexponant" in SYMBOLS


@pytest.mark.parametrize(
    ("literal", "symbol"),
    [
        ("42", "number"),
        ("0x1F", "number"),
        ("1_000", "number"),
        ("3.14", "float"),
        (".5", "float"),
        ("1e-3", "floatexponant"),
        ("2.5E10", "floatexponant"),
        ("3j", "complex"),
        ("1.5J", "complex"),
        ("1e3j", "complex"),
        ("True", "bool"),
        ("False", "bool"),
        ("'text'", "string"),
        ('"""long"""', "string"),
        ("b'raw bytes'", "binarystring"),
        ("rb'\\d'", "binarystring"),
        ("f'{x} items'", "interstring"),
        ("rf'\\d{x}'", "interrawstring"),
        ("Fr'\\d{x}'", "interrawstring"),
        ("r'\\w+'", "rawstring"),
        ("R'\\w+'", "rawstring"),
        ("u'text'", "unicodestring"),
        ("'a' 'b'", "string"),
        ("'a' f'{b}'", "interstring"),
    ],
)
def test_every_constant_symbol(literal, symbol):
    assert sketch(f"value = f({literal}, key=1)\n") == f"value = f({symbol}, key=number)\n"


def test_none_ellipsis_and_negative_numbers():
    assert sketch("x = g(None, ..., -1, -2.5, +3)") == "x = g(None, ..., -number, -float, +number)"


def test_concatenated_string_keeps_the_comments_between_parts():
    code = "x = ('a'  # first\n     'b')\n"
    assert sketch(code) == "x = (string  # first\n     )\n"


def test_names_mode_replaces_only_what_the_code_binds():
    code = (
        "import numpy as np\n"
        "from os import path as p\n"
        "import collections.abc\n"
        "\n"
        "class Model(Base):\n"
        "    def __init__(self, size, *args, scale=2, **kw):\n"
        "        self.size = size\n"
        "        self.w = np.zeros((size, 1), dtype=float)\n"
        "\n"
        "    @classmethod\n"
        "    def build(cls, x: int) -> 'Model':\n"
        "        return cls(x)\n"
        "\n"
        "def helper(items):\n"
        "    total = len(items)\n"
        "    for i, (a, b) in enumerate(items):\n"
        "        total += a * b\n"
        "    with open(p.join('f')) as fh, lock as (c, d):\n"
        "        pass\n"
        "    return [k for k in items if (n := k)], lambda y: y, helper(items=items)\n"
        "\n"
        "m = Model(size=None)\n"
        "m.build(3).w.sum()\n"
        "collections.abc.Mapping\n"
    )
    assert sketch(code, SketchMode.NAMES) == (
        "import numpy as np\n"
        "from os import path as p\n"
        "import collections.abc\n"
        "\n"
        "class AnClass(Base):\n"
        "    def __init__(self, variable, *variable, variable=2, **variable):\n"
        "        self.size = variable\n"
        "        self.w = np.zeros((variable, 1), dtype=float)\n"
        "\n"
        "    @classmethod\n"
        "    def func(cls, variable: int) -> 'Model':\n"
        "        return cls(variable)\n"
        "\n"
        "def func(variable):\n"
        "    variable = len(variable)\n"
        "    for variable, (variable, variable) in enumerate(variable):\n"
        "        variable += variable * variable\n"
        "    with open(p.join('f')) as variable, lock as (variable, variable):\n"
        "        pass\n"
        "    return [variable for variable in variable if (variable := variable)], lambda variable: variable, "
        "func(items=variable)\n"
        "\n"
        "variable = AnClass(size=None)\n"
        "variable.build(3).w.sum()\n"
        "collections.abc.Mapping\n"
    )


def test_names_mode_keeps_library_names_builtins_dunders_and_keep_names():
    code = "import pandas as pd\nlist = pd.DataFrame()\ndef __repr__(): pass\nmodel = 1\ndata = model\n"
    assert sketch(code, SketchMode.NAMES, keep_names=["model"]) == (
        "import pandas as pd\nlist = pd.DataFrame()\ndef __repr__(): pass\nmodel = 1\nvariable = model\n"
    )


def test_names_mode_leaves_free_names_alone():
    assert sketch("result = df.groupby('a').mean()", SketchMode.NAMES) == "variable = df.groupby('a').mean()"


def test_a_def_outranks_a_variable_of_the_same_name():
    assert sketch("f = 1\ndef f(): pass\nf()", SketchMode.NAMES) == "func = 1\ndef func(): pass\nfunc()"


def test_both_mode_replaces_a_whole_fstring_not_the_names_in_it():
    code = "name = 'x'\nmsg = f'{name}!'\n"
    assert sketch(code, SketchMode.NAMES) == "variable = 'x'\nvariable = f'{variable}!'\n"
    assert sketch(code, SketchMode.BOTH) == "variable = string\nvariable = interstring\n"


def test_non_ascii_code_keeps_its_bytes():
    code = "größe = 'café'  # ünïcode\nprint(größe, \"naïve\", 1)\r\n\tz = 2\n"
    assert sketch(code) == "größe = string  # ünïcode\nprint(größe, string, number)\r\n\tz = number\n"
    assert sketch(code, SketchMode.NAMES) == (
        "variable = 'café'  # ünïcode\nprint(variable, \"naïve\", 1)\r\n\tvariable = 2\n"
    )
    assert sketch(code, SketchMode.BOTH) == (
        "variable = string  # ünïcode\nprint(variable, string, number)\r\n\tvariable = number\n"
    )


def test_layout_is_untouched_apart_from_the_replacements():
    code = "x   =\t1  # keep   me\n\n\n    y = [ 'a' ,\n  2 ]\n"
    assert sketch(code) == "x   =\tnumber  # keep   me\n\n\n    y = [ string ,\n  number ]\n"


@pytest.mark.parametrize(
    "code",
    [
        "x = 'abc\ny = 2\n",
        "def f(:\n  return 'a' +",
        "s = '''unterminated\n 1",
        "x = f'{",
        "df.\n",
        "if x:\n\tpass\n  y = 1\n",
        "\x00\ud800 'a' 1",
        "",
        "))))((((",
    ],
)
def test_broken_code_never_raises(code):
    for mode in SketchMode:
        for strip in (False, True):
            assert isinstance(sketch(code, mode, strip_comments=strip), str)
    assert isinstance(is_complete_sketch(code), bool)
    assert isinstance(normalize_sketch(code), str)


def test_broken_code_is_still_sketched_where_it_parses():
    assert sketch("def f(:\n  return 'a' +") == "def f(:\n  return string +"


DOCUMENTED = (
    "#!/usr/bin/env python\n"
    '"""Module doc with 42."""\n'
    "import numpy as np  # numerics\n"
    "\n"
    "class Model:\n"
    '    """Doc."""\n'
    "\n"
    "    rate = 0.5  # inline\n"
    "\n"
    "    def run(self):\n"
    "        # a comment line\n"
    '        """Run."""  # trailing\n'
    "\n"
    "def stub():\n"
    '    """Only a docstring."""\n'
    "\n"
    "'not a docstring'\n"
)


def test_comments_and_docstrings_are_kept_by_default():
    assert sketch(DOCUMENTED) == DOCUMENTED.replace("0.5", "float").replace("'not a docstring'", "string")


def test_strip_comments_drops_comments_and_docstrings():
    stripped = sketch(DOCUMENTED, strip_comments=True)
    assert stripped == (
        "import numpy as np\n"
        "\n"
        "class Model:\n"
        "\n"
        "    rate = float\n"
        "\n"
        "    def run(self):\n"
        "        pass\n"
        "\n"
        "def stub():\n"
        "    pass\n"
        "\n"
        "string\n"
    )
    ast.parse(stripped)


def test_strip_comments_in_names_mode():
    assert sketch("def f(a):  # why\n    return a\n", "names", strip_comments=True) == (
        "def func(variable):\n    return variable\n"
    )


def test_a_docstring_sharing_its_line_becomes_pass():
    assert sketch('def f(): """doc"""; return 1\n', strip_comments=True) == "def f(): pass; return number\n"


@pytest.mark.parametrize(
    "text",
    [
        "df = pd.read_csv('a.csv')",
        "import string\nx = string.ascii_letters + string.digits",
        "chars = string.ascii_letters",
        "x = float(y) + complex(1, 2)",
        "def f(x: float) -> bool:\n    return isinstance(x, float)",
        "f(string=1, number=2)",
        "def reverse(string):\n    return string[::-1]",
        "number = 3\nx = number + 1",
        "x = 'number'  # variable, string",
        "from sqlalchemy import func\nq = func.count()",
        "x = np.float64(obj.variable)",
    ],
)
def test_complete_sketches(text):
    assert is_complete_sketch(text)


@pytest.mark.parametrize(
    "text",
    [
        "variable = pd.read_csv(string)",
        "df = pd.read_csv(string, names=[string, string, string])",
        "x = string.format(y)",
        "df.astype(float)",
        "x = y * float",
        "variable[string].value_counts(normalize=bool)",
        "def func(variable):\n    return variable",
        "x = AnClass()",
        "x = -number",
        "b = binarystring + interstring + rawstring + unicodestring + interrawstring + floatexponant",
        "func.count()",
        "",
        "   \n",
        "# only a comment",
    ],
)
def test_incomplete_sketches(text):
    assert not is_complete_sketch(text)


def test_keep_names_make_a_symbol_real():
    assert is_complete_sketch("x = number.value", keep_names=["number"])


def test_normalize_ignores_layout_and_comments():
    a = "df = pd.read_csv(string,\n    names=[string, string])   # read\n\n\nif x:\n  y=1\n"
    b = "df=pd.read_csv(string, names=[string,string])\n# note\nif x:\n        y = 1"
    assert (
        normalize_sketch(a)
        == normalize_sketch(b)
        == "df=pd.read_csv(string,names=[string,string])\nif x:\n    y=1"
    )


def test_normalize_keeps_what_matters():
    assert normalize_sketch("if x:\n    a\nb") != normalize_sketch("if x:\n    a\n    b")
    assert normalize_sketch("x = 'a  b'") != normalize_sketch("x = 'a b'")
    assert normalize_sketch("return -1 if a else b") == "return-1 if a else b"
    assert normalize_sketch("lambda x: x") == "lambda x:x"


def test_normalize_truncated_samples():
    a = "df = pd.read_csv(string,\n  # c\n   names"
    b = "df=pd.read_csv(string,names"
    assert normalize_sketch(a) == normalize_sketch(b)
    assert normalize_sketch("s = '''abc\n   d") == normalize_sketch("s = '''abc d")


def test_cli_sketches_a_file(tmp_path, capsys):
    path = tmp_path / "code.py"
    path.write_text(f"import pandas as pd\n{FIGURE_5}  # read\n", encoding="utf-8")
    assert main(["sketch", str(path)]) == 0
    assert capsys.readouterr().out == f"import pandas as pd\n{sketch(FIGURE_5)}  # read\n"
    assert main(["sketch", "--mode", "both", "--strip-comments", str(path)]) == 0
    assert capsys.readouterr().out == (
        "import pandas as pd\nvariable = pd.read_csv(string, names=[string, string, string])\n"
    )


def test_cli_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(
        "sys.stdin", io.TextIOWrapper(io.BytesIO(b"df = pd.read_csv('a.csv', names=['u1'])\n"))
    )
    assert main(["sketch", "-"]) == 0
    assert capsys.readouterr().out == "df = pd.read_csv(string, names=[string])\n"


def test_cli_keep_names(tmp_path, capsys):
    path = tmp_path / "code.py"
    path.write_text("model = 1\ndata = model\n", encoding="utf-8")
    assert main(["sketch", "--mode", "names", "--keep", "model", str(path)]) == 0
    assert capsys.readouterr().out == "model = 1\nvariable = model\n"


def test_cli_missing_file_exits_2(tmp_path, capsys):
    missing = tmp_path / "missing.py"
    assert main(["sketch", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"apiary sketch: no such file: {missing}"


def test_cli_undecodable_file_exits_2(tmp_path, capsys):
    path = tmp_path / "latin.py"
    path.write_bytes(b"x = '\xe9'\n")
    assert main(["sketch", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"apiary sketch: cannot decode {path}") and "Traceback" not in err
