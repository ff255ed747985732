from pathlib import Path

import pytest

from apiary.docs.doc_folder import merge_duplicates, read_doc_folder
from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.docs.formats.markdown import read_markdown
from apiary.docs.formats.rst import read_rst
from apiary.docs.formats.sphinx_html import read_html
from apiary.docs.report import IngestError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "docs"
DOCS = FIXTURES / "honeycomb_docs"


def _read(reader, rel: str):
    entries, skipped = reader((DOCS / rel).read_text(encoding="utf-8"), rel, "honeycomb")
    assert skipped == []
    return {e.qualname: e for e in entries}


@pytest.fixture(scope="module")
def folder():
    return read_doc_folder(DOCS, "honeycomb")


@pytest.fixture(scope="module")
def rst():
    return _read(read_rst, "api/io.rst")


@pytest.fixture(scope="module")
def html():
    return _read(read_html, "_build/html/api/io.html")


@pytest.fixture(scope="module")
def markdown():
    return _read(read_markdown, "reference/hive.md")


# --- reST sources -----------------------------------------------------------------------------------


def test_rst_module_directive_prefixes_names_and_gives_synopsis(rst):
    module = rst["honeycomb.io"]
    assert (module.kind, module.description, module.source) == (
        ApiKind.MODULE,
        "Reading and writing tables.",
        "api/io.rst:4",
    )
    assert {"honeycomb.io.read_table", "honeycomb.io.Table", "honeycomb.io.write_table", "honeycomb.io.sniff"} <= set(
        rst
    )


def test_rst_function_signature_description_and_code_block(rst):
    entry = rst["honeycomb.io.read_table"]
    assert (entry.name, entry.kind, entry.import_path) == ("read_table", ApiKind.FUNCTION, "honeycomb.io.read_table")
    assert entry.signature == "(path, sep=',', *, header=True) -> Table"
    assert entry.params[1] == Param("sep", default="','")
    assert entry.params[2] == Param("header", kind="keyword_only", default="True")
    assert entry.returns == "Table"
    assert entry.description == "Read a delimited text file into a honeycomb.io.Table."
    assert entry.examples == ('from honeycomb.io import read_table\n\ntable = read_table("bees.csv", sep=";")',)
    assert entry.source == "api/io.rst:10"


def test_rst_class_doc_excludes_nested_members(rst):
    table = rst["honeycomb.io.Table"]
    assert table.kind is ApiKind.CLASS
    assert table.signature == "(rows, *, schema=None)"
    assert table.description == "An in-memory table of rows."
    assert table.examples == ('t = Table([{"name": "Maja"}])\nlen(t)',)
    assert "Keep the rows" not in table.doc
    assert table.doc.endswith("Tables compare equal when their rows do.")


def test_rst_nested_members_get_the_class_as_owner(rst):
    method = rst["honeycomb.io.Table.filter"]
    assert (method.name, method.kind, method.owner) == ("filter", ApiKind.METHOD, "honeycomb.io.Table")
    assert method.params[0] == Param("predicate", kind="positional_only")
    assert method.examples == ('adults = table.filter(lambda row: row["age"] >= 18)',)
    # "Table.sort_by" inside the Table directive is not "Table.Table.sort_by"; :noindex: is no doc.
    sort_by = rst["honeycomb.io.Table.sort_by"]
    assert (sort_by.name, sort_by.owner) == ("sort_by", "honeycomb.io.Table")
    assert sort_by.params == (
        Param("columns", "var_positional", "str"),
        Param("reverse", "keyword_only", "bool", "False"),
    )
    assert sort_by.doc == "Sort rows by the given columns."
    columns = rst["honeycomb.io.Table.columns"]
    assert (columns.kind, columns.returns, columns.owner) == (ApiKind.PROPERTY, "list[str]", "honeycomb.io.Table")
    assert rst["honeycomb.io.Table.MAX_ROWS"].kind is ApiKind.ATTRIBUTE


def test_rst_classmethod_and_staticmethod_are_called_on_their_class():
    text = (".. py:class:: Hive(path)\n\n   A hive.\n\n"
            "   .. py:classmethod:: open(path)\n\n      Open a hive.\n\n"
            "   .. py:method:: is_hive(path)\n      :staticmethod:\n\n      Whether it is one.\n\n"
            "   .. py:method:: close()\n\n      Close it.\n")
    entries, skipped = read_rst(text, "api/hive.rst", "combs")
    assert skipped == []
    assert {e.name: e.on_class for e in entries if e.owner} == {"open": True, "is_hive": True, "close": False}


def test_rst_multiline_signature_domainless_directive_and_currentmodule(rst):
    assert rst["honeycomb.io.write_table"].signature == "(table, path, sep=',')"
    assert rst["honeycomb.io.write_table"].description == "Write table to path, e.g. as CSV."
    assert rst["honeycomb.io.sniff"].kind is ApiKind.FUNCTION
    assert rst["honeycomb.Hive"].description == "A collection of tables on disk."


def test_autodoc_directives_name_apis_without_docs():
    auto = _read(read_rst, "api/auto.rst")
    assert set(auto) == {
        "honeycomb.Swarm", "honeycomb.Swarm.grow", "honeycomb.DEFAULT_SEP", "honeycomb.io.write_table",
        "honeycomb.stats", "honeycomb.stats.mean", "honeycomb.stats.median",
    }
    swarm = auto["honeycomb.Swarm"]
    assert (swarm.kind, swarm.doc, swarm.description) == (ApiKind.CLASS, "", "")
    assert auto["honeycomb.Swarm.grow"].owner == "honeycomb.Swarm"
    assert auto["honeycomb.DEFAULT_SEP"].kind is ApiKind.ATTRIBUTE
    assert auto["honeycomb.stats"].kind is ApiKind.MODULE
    mean = auto["honeycomb.stats.mean"]  # automodule set the module; the signature and text are the author's
    assert mean.signature == "(values, *, skipna=True)"
    assert mean.description == "Average of values; missing values are ignored by default."


# --- Markdown ---------------------------------------------------------------------------------------


def test_markdown_classmethod_heading_is_called_on_its_class():
    text = ("# `combs.Hive`\n\nA hive.\n\n## classmethod `Hive.open(path)`\n\nOpen one.\n\n"
            "## `Hive.is_hive(path)` staticmethod\n\nWhether it is one.\n\n## `Hive.close()`\n\nClose it.\n")
    entries, _ = read_markdown(text, "reference/hive.md", "combs")
    assert {e.name: e.on_class for e in entries if e.owner} == {"open": True, "is_hive": True, "close": False}


def test_markdown_heading_with_sub_api_headings_is_a_module(markdown):
    module = markdown["honeycomb.hive"]
    assert (module.kind, module.description, module.source) == (
        ApiKind.MODULE,
        "Storage of many tables in one directory.",
        "reference/hive.md:5",
    )


def test_markdown_code_span_class_heading_and_its_fenced_example(markdown):
    hive = markdown["honeycomb.hive.Hive"]
    assert (hive.kind, hive.signature) == (ApiKind.CLASS, "(path, *, readonly=False)")
    assert hive.description == "A directory of tables that opens lazily."
    assert hive.examples == (
        'from honeycomb.hive import Hive\n\n# open lazily: nothing is read yet\nhive = Hive("data/", readonly=True)',
    )
    assert "### Parameters" in hive.doc  # a non-API sub-heading stays in the doc ...
    assert "Open one table" not in hive.doc  # ... a member's section does not


def test_markdown_members_under_a_class_heading(markdown):
    method = markdown["honeycomb.hive.Hive.open"]
    assert (method.name, method.kind, method.owner) == ("open", ApiKind.METHOD, "honeycomb.hive.Hive")
    assert method.signature == '(name, mode="r") -> Table'
    assert method.examples == ('hive.open("bees")',)
    tables = markdown["honeycomb.hive.Hive.tables"]
    assert (tables.kind, tables.owner, tables.signature) == (ApiKind.ATTRIBUTE, "honeycomb.hive.Hive", "")


def test_markdown_plain_signature_heading_and_dotted_heading_with_fenced_signature(markdown):
    merge = markdown["honeycomb.hive.merge"]
    assert merge.params[2] == Param("on", kind="keyword_only", default="None")
    assert merge.description == "Merge two hives into a new one."
    compact = markdown["honeycomb.hive.compact"]
    assert (compact.kind, compact.signature) == (ApiKind.FUNCTION, "(hive, *, keep_last=10) -> None")
    assert compact.description == "Remove old table versions from disk, keeping the latest ones."
    assert compact.examples == ()  # the fence was the signature, not an example


def test_markdown_mkdocstrings_directive_and_non_api_headings(markdown):
    queen = markdown["honeycomb.hive.Queen"]
    assert (queen.kind, queen.doc, queen.source) == (ApiKind.CLASS, "", "reference/hive.md:53")
    assert not any("Version" in q or "history" in q for q in markdown)
    assert len(markdown) == 7


def test_markdown_guide_page_has_no_api():
    assert _read(read_markdown, "guide/quickstart.md") == {}


# --- built HTML -------------------------------------------------------------------------------------


def test_sphinx_html_classmethod_and_staticmethod_are_called_on_their_class():
    def method(name: str, prefix: str) -> str:
        words = f'<em class="property"><span class="pre">{prefix}</span><span class="w"> </span></em>' if prefix else ""
        return (f'<dl class="py method"><dt class="sig sig-object py" id="combs.Hive.{name}">{words}'
                f'<span class="sig-name descname"><span class="pre">{name}</span></span>'
                f'<span class="sig-paren">(</span><span class="sig-paren">)</span></dt><dd><p>Doc.</p></dd></dl>')
    text = ('<dl class="py class"><dt class="sig sig-object py" id="combs.Hive"><em class="property">'
            '<span class="pre">class</span> </em><span class="sig-name descname"><span class="pre">Hive</span></span>'
            '</dt><dd><p>A hive.</p>' + method("open", "classmethod") + method("is_hive", "static")
            + method("close", "") + "</dd></dl>")
    entries, _ = read_html(text, "api/hive.html", "combs")
    assert {e.name: e.on_class for e in entries if e.owner} == {"open": True, "is_hive": True, "close": False}
    # before Sphinx 4: the <dl>'s class says it
    entries, _ = read_html('<dl class="classmethod"><dt id="combs.Hive.load"><code class="descname">load</code>'
                           '<span class="sig-paren">(</span><span class="sig-paren">)</span></dt><dd>Load.</dd></dl>',
                           "api/hive.html", "combs")
    assert [(e.name, e.owner, e.on_class) for e in entries] == [("load", "combs.Hive", True)]


def test_sphinx_html_function_signature_without_links_and_arrow(html):
    entry = html["honeycomb.io.read_table"]
    assert entry.signature == "(path, sep=',', *, header=True) -> Table"
    assert entry.params[2] == Param("header", kind="keyword_only", default="True")
    assert entry.description == "Read a delimited text file into a Table."
    assert "Large files are read in chunks" in entry.doc
    # the python code block is an example, the bash one is not
    assert entry.examples == ('from honeycomb.io import read_table\n\ntable = read_table("bees.csv", sep=";")',)
    assert entry.source == "_build/html/api/io.html:28"


def test_sphinx_html_class_bases_doctest_and_nested_members(html):
    table = html["honeycomb.io.Table"]
    assert (table.kind, table.signature, table.bases) == (ApiKind.CLASS, "(rows, *, schema=None)", ("object",))
    assert table.description == "An in-memory table of rows."
    assert table.examples == ('t = Table([{"name": "Maja"}])\nlen(t)',)
    assert "Keep matching rows" not in table.doc
    assert table.doc.endswith("Tables compare equal when their rows do.")
    method = html["honeycomb.io.Table.filter"]
    assert (method.kind, method.owner, method.signature) == (
        ApiKind.METHOD,
        "honeycomb.io.Table",
        "(predicate, /, limit=None) -> Table",
    )
    columns = html["honeycomb.io.Table.columns"]
    assert (columns.kind, columns.returns, columns.signature) == (ApiKind.PROPERTY, "list[str]", "")
    assert html["honeycomb.io.Table.MAX_ROWS"].kind is ApiKind.ATTRIBUTE


def test_sphinx_html_annotated_params_and_default_highlighted_example(html):
    concat = html["honeycomb.io.concat"]
    assert concat.params == (Param("tables", "var_positional"), Param("axis", "keyword_only", "int", "0"))
    assert concat.description == "Concatenate tables row-wise, i.e. one after another."
    assert concat.examples == ("both = concat(bees, wasps)",)


def test_mkdocstrings_html():
    site = read_doc_folder(FIXTURES / "mkdocs_site", "honeycomb")
    by = {e.qualname: e for e in site.entries}
    assert set(by) == {"honeycomb.hive", "honeycomb.hive.Hive", "honeycomb.hive.Hive.tables",
                       "honeycomb.hive.Hive.open", "honeycomb.hive.merge"}
    hive = by["honeycomb.hive.Hive"]
    assert (hive.kind, hive.signature, hive.description) == (
        ApiKind.CLASS,
        "(path, *, readonly=False)",
        "A directory of tables that opens lazily.",
    )
    assert hive.examples == ('hive = Hive("data/")',)
    assert "class Hive:" not in hive.doc  # the source listing is not documentation
    assert "The names of the tables" not in hive.doc
    assert (by["honeycomb.hive.Hive.tables"].kind, by["honeycomb.hive.Hive.tables"].owner) == (
        ApiKind.PROPERTY,
        "honeycomb.hive.Hive",
    )
    method = by["honeycomb.hive.Hive.open"]
    assert (method.kind, method.signature, method.returns) == (ApiKind.METHOD, "(name, mode='r') -> Table", "Table")
    assert by["honeycomb.hive.merge"].signature == "(left, right, *, on=None)"
    assert by["honeycomb.hive"].kind is ApiKind.MODULE


def test_malformed_html_is_read_best_effort():
    page = (
        '<dl class="py function"><dt id="honeycomb.f"><span class="sig-name descname">f</span>(<em>x</em>)'
        "<dd><p>Do f.<p>More.</dd></div></span>"
        '<dl class="py function"><dt id="honeycomb.g"><span class="sig-name descname">g</span>()'
    )
    entries, _ = read_html(page, "bad.html", "honeycomb")
    assert [(e.qualname, e.signature, e.description) for e in entries] == [
        ("honeycomb.f", "(x)", "Do f."),
        ("honeycomb.g", "()", ""),
    ]


# --- the folder -------------------------------------------------------------------------------------


def test_folder_walk_reads_pages_and_skips_what_it_must(folder):
    qualnames = {e.qualname for e in folder.entries}
    assert "honeycomb.legacy.load" in qualnames  # .txt with a py directive
    assert "honeycomb.secret_function" not in qualnames  # hidden folder
    assert "honeycomb.io.from_sources" not in qualnames  # _build/html/_sources
    assert not any("caf" in q for q in qualnames)
    # index.rst, legacy.txt, io.html, auto.rst, io.rst, quickstart.md, hive.md; not notes.txt
    assert folder.files_read == 7
    assert sorted((s.location, s.reason.split(":")[0]) for s in folder.skipped) == [
        ("broken/latin1.md", "not UTF-8 text"),
        ("broken/utf16.rst", "binary file"),
    ]


def test_folder_keeps_one_entry_per_qualname_the_better_documented(folder):
    qualnames = [e.qualname for e in folder.entries]
    assert len(qualnames) == len(set(qualnames))
    by = {e.qualname: e for e in folder.entries}
    # the built HTML says more about read_table than the reST source ...
    assert by["honeycomb.io.read_table"].source == "_build/html/api/io.html:28"
    # ... the reST source more about Table.filter; autodoc's bare write_table loses to io.rst
    assert by["honeycomb.io.Table.filter"].source == "api/io.rst:34"
    assert by["honeycomb.io.write_table"].source == "api/io.rst:59"
    assert by["honeycomb.io.concat"].source.startswith("_build/html/")


def test_merge_fills_gaps_of_the_winner_from_the_other_copy():
    bare = ApiEntry("mean", "honeycomb.stats.mean", "honeycomb.stats.mean", ApiKind.FUNCTION, "honeycomb",
                    signature="(values)", params=(Param("values"),), source="auto.rst:3")
    documented = ApiEntry("mean", "honeycomb.stats.mean", "honeycomb.stats.mean", ApiKind.FUNCTION, "honeycomb",
                          doc="Average of values.", description="Average of values.", source="stats.md:1")
    (merged,) = merge_duplicates([bare, documented])
    assert (merged.source, merged.doc, merged.signature, merged.params) == (
        "stats.md:1", "Average of values.", "(values)", (Param("values"),))


def test_single_page_and_missing_folder(tmp_path):
    page = tmp_path / "api.md"
    page.write_text("## honeycomb.ping(host)\n\nCheck that a host answers.\n", encoding="utf-8")
    report = read_doc_folder(page, "honeycomb")
    assert [(e.qualname, e.source) for e in report.entries] == [("honeycomb.ping", "api.md:1")]
    with pytest.raises(IngestError, match="documentation folder not found: .*nowhere"):
        read_doc_folder(tmp_path / "nowhere", "honeycomb")


def test_html_nested_thousands_deep_still_reads():
    page = '<dl class="py function"><dt id="honeycomb.f">f(x)</dt><dd><p>Do f.</p>' + "<div>" * 20000 + "deep"
    (entry,), _ = read_html(page, "deep.html", "honeycomb")
    assert (entry.qualname, entry.signature, entry.description) == ("honeycomb.f", "(x)", "Do f.")


def test_sphinx_before_4_markup_without_py_class():
    page = (
        '<dl class="class"><dt id="honeycomb.T">class honeycomb.T(a, b=2)<a href="_modules/t">[source]</a>¶</dt>'
        "<dd>A T.</dd></dl>"
    )
    (entry,), _ = read_html(page, "old.html", "honeycomb")
    assert (entry.qualname, entry.kind, entry.signature, entry.description) == (
        "honeycomb.T",
        ApiKind.CLASS,
        "(a, b=2)",
        "A T.",
    )
