from apiary.retrieval.index import name_words, segment
from apiary.words import humanize, lexical_tokens, split_identifier


def test_split_identifier_handles_snake_camel_acronyms_and_digits():
    assert split_identifier("drop_duplicates") == ["drop", "duplicates"]
    assert split_identifier("readCsv") == ["read", "csv"]
    assert split_identifier("HTTPServer2") == ["http", "server", "2"]
    assert split_identifier("__init__") == ["init"]


def test_lexical_tokens_split_stem_and_drop_stop_words():
    assert lexical_tokens("How to read the CSV files with read_csv?") == ["read", "csv", "file", "read", "csv"]


def test_humanize_reads_a_name_as_words():
    assert humanize("zip_with_iter") == "zip with iter"


def test_concatenated_names_are_split_with_the_library_vocabulary():
    vocabulary = frozenset({"flat", "map", "bucket", "batch", "group"})
    assert name_words("flatmap", vocabulary) == ["flat", "map"]
    assert name_words("bucketbatch", vocabulary) == ["bucket", "batch"]
    assert name_words("zip_with_iter", vocabulary) == ["zip", "with", "iter"]
    assert segment("batch", vocabulary) is None  # a word itself is not split
    assert segment("mapx", vocabulary) is None  # no full segmentation
